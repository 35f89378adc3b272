/**
 * `npm run bench` options, parsed by node:util parseArgs: `--smoke` runs a tiny matrix; the other
 * flags narrow the matrix to look at one part of it (a narrowed run prints its tables but leaves
 * the results file alone).
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    smoke: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    rtts: { type: 'string' },
    auth: { type: 'string' },
    layout: { type: 'string' },
    runs: { type: 'string' },
    'no-baseline': { type: 'boolean', default: false },
    'no-cold': { type: 'boolean', default: false },
    'no-memory': { type: 'boolean', default: false },
    'no-copy': { type: 'boolean', default: false },
    'no-verify': { type: 'boolean', default: false },
    'no-release': { type: 'boolean', default: false },
    'no-peers': { type: 'boolean', default: false },
  },
  strict: true,
});

export const smoke = values.smoke === true;

/** A comma-separated flag value parsed item by item, or `fallback` when the flag is absent. */
function list<T>(value: string | undefined, fallback: T[], parse: (s: string) => T): T[] {
  return value === undefined ? fallback : value.split(',').map((v) => parse(v.trim()));
}

function oneOf<T extends string>(allowed: readonly T[]): (s: string) => T {
  return (s) => {
    if (!(allowed as readonly string[]).includes(s))
      throw new Error(`expected one of ${allowed.join(', ')}, found "${s}"`);
    return s as T;
  };
}

const count = (s: string): number => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a whole number, found "${s}"`);
  return n;
};

export const SIZES = list(values.sizes, smoke ? [2] : [2, 8, 32, 128], count);
// Two non-zero RTTs at least: round trips are the slope between them.
export const RTTS = list(values.rtts, smoke ? [0, 20, 40] : [0, 100, 200], count);
export const AUTHS = list(
  values.auth,
  smoke ? ['basic' as const] : ['basic' as const, 'token' as const, 'tls-token' as const],
  oneOf(['basic', 'token', 'tls-token'] as const),
);
export const LAYOUTS = list(
  values.layout,
  ['same' as const, 'cross' as const],
  oneOf(['same', 'cross'] as const),
);
export const RUNS = values.runs === undefined ? undefined : count(values.runs);
/** The size whose phases are broken down: 32 (the size of the wall-time target) when it runs. */
export const TIMELINE_N = SIZES.includes(32) ? 32 : SIZES[SIZES.length - 1]!;
export const BASELINE = !values['no-baseline'];
export const COLD = !values['no-cold'];
/** The release-day row: many spec files in one run. */
export const RELEASE = !values['no-release'];
/** Peers side by side (a narrowed look at manifold alone can leave them out). */
export const PEERS = !values['no-peers'];
export const MEMORY = !values['no-memory'];
export const COPY = !values['no-copy'];
export const VERIFY = !values['no-verify'];
export const narrowed = process.argv.slice(2).some((a) => a.startsWith('--') && a !== '--smoke');
