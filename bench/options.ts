/**
 * `npm run bench` options: `--smoke` runs a tiny matrix; the other flags narrow the matrix to
 * look at one part of it (a narrowed run prints its tables but leaves the results file alone).
 */
const argv = process.argv.slice(2);
export const smoke = argv.includes('--smoke');

/** `--NAME a,b,c`: a comma-separated flag value, or `fallback` when the flag is absent. */
function listFlag<T extends string | number>(name: string, fallback: T[], parse: (s: string) => T): T[] {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
  return value.split(',').map((v) => parse(v.trim()));
}

function oneOf<T extends string>(allowed: readonly T[]): (s: string) => T {
  return (s) => {
    if (!(allowed as readonly string[]).includes(s)) throw new Error(`expected one of ${allowed.join(', ')}, found "${s}"`);
    return s as T;
  };
}

const count = (s: string): number => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a whole number, found "${s}"`);
  return n;
};

export const SIZES = listFlag('sizes', smoke ? [2] : [2, 8, 32, 128], count);
export const RTTS = listFlag('rtts', smoke ? [0, 20] : [0, 50, 100], count);
export const AUTHS = listFlag('auth', smoke ? ['basic'] : ['basic', 'token', 'tls-token'], oneOf(['basic', 'token', 'tls-token'] as const));
export const LAYOUTS = listFlag('layout', ['same', 'cross'], oneOf(['same', 'cross'] as const));
export const RUNS = listFlag<number>('runs', [], count)[0];
/** The size whose phases are broken down: 32 (the size of the wall-time target) when it runs. */
export const TIMELINE_N = SIZES.includes(32) ? 32 : SIZES[SIZES.length - 1]!;
export const BASELINE = !argv.includes('--no-baseline');
export const COLD = !argv.includes('--no-cold');
export const MEMORY = !argv.includes('--no-memory');
export const COPY = !argv.includes('--no-copy');
export const narrowed = argv.some((a) => a.startsWith('--') && a !== '--smoke');
