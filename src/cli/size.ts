import { AppError } from '../errors.js';

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** `--verify-budget`: bytes, with K/M/G (decimal) or KiB/MiB/GiB (binary); B is optional. */
export function parseSize(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([kmg](?:i?b)?|b)?$/i.exec(value.trim());
  const unit = (m?.[2] ?? '')
    .toLowerCase()
    .replace(/^b$/, '')
    .replace(/(?<!i)b$/, '');
  const factor = SIZE_UNITS[unit];
  if (!m || factor === undefined || Number(m[1]) <= 0)
    throw new AppError(
      'USAGE',
      `${flag} "${value}" is not a size: expected bytes, or a number with K, M, G, KiB, MiB or GiB`,
    );
  return Math.floor(Number(m[1]) * factor);
}
