/** Runs the built CLI and measures what a user feels: wall time, HTTP requests by kind, peak memory. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const CLI = resolve('dist/cli/bin.js');
const TIME_BIN = '/usr/bin/time';

export interface CliRun {
  code: number;
  wallMs: number;
  requests: number;
  byKind: Map<string, number>;
  stdout: string;
  stderr: string;
  peakRssKb?: number;
  /** user + system CPU seconds (with `memory`). */
  cpuS?: number;
  /** From a debug run: ms after the process was spawned at which each phase ended. */
  phases?: Phases;
}

/** Milestones of one publish, in ms after spawn, read from its debug log. */
export interface Phases {
  firstRequest?: number;
  tokenHeld?: number;
  resolved?: number;
  copied?: number;
  published?: number;
}

const MILESTONES: Record<string, keyof Phases> = {
  token: 'tokenHeld',
  'resolved and planned': 'resolved',
  'children copied': 'copied',
  published: 'published',
};

/**
 * Runs `manifold ARGS`. With `count`, logs at debug level as JSON and counts the HTTP exchanges
 * logged; without it, runs at the default log level, as users do, so the timing is not inflated
 * by debug logging.
 */
export function runManifold(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { memory?: boolean; count?: boolean } = {},
): Promise<CliRun> {
  const useTime = options.memory && existsSync(TIME_BIN);
  const cmd = useTime ? TIME_BIN : process.execPath;
  const logArgs = options.count === false ? [] : ['--log-level', 'debug', '--log-format', 'json'];
  const argv = [
    ...(useTime ? ['-f', 'MAXRSS_KB=%M CPU_S=%U %S', process.execPath] : []),
    CLI,
    ...args,
    ...logArgs,
  ];
  return new Promise((resolvePromise) => {
    const spawnedAt = Date.now();
    const started = process.hrtime.bigint();
    const child = spawn(cmd, argv, {
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const byKind = new Map<string, number>();
      let requests = 0;
      let peakRssKb: number | undefined;
      let cpuS: number | undefined;
      const phases: Phases = {};
      for (const line of stderr.split('\n')) {
        const rss = /^MAXRSS_KB=(\d+) CPU_S=([\d.]+) ([\d.]+)$/.exec(line);
        if (rss) {
          peakRssKb = Number(rss[1]);
          cpuS = Number(rss[2]) + Number(rss[3]);
        }
        if (!line.startsWith('{')) continue;
        const rec = JSON.parse(line) as {
          msg?: string;
          method?: string;
          status?: number;
          time?: number;
          ms?: number;
          attempt?: number;
        };
        const milestone = MILESTONES[rec.msg ?? ''];
        if (milestone && rec.time !== undefined) phases[milestone] ??= rec.time - spawnedAt;
        if (rec.msg !== 'http') continue;
        if (rec.time !== undefined)
          phases.firstRequest = Math.min(
            phases.firstRequest ?? Infinity,
            rec.time - (rec.ms ?? 0) - spawnedAt,
          );
        // A retried exchange is logged once, with its attempt number: each attempt reached the
        // registry (what the proxy counts), so each counts, and the retries show as a kind.
        const attempts = Math.max(1, rec.attempt ?? 1);
        requests += attempts;
        const kind = `${rec.method} ${rec.status}`;
        byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
        if (attempts > 1) byKind.set('retried', (byKind.get('retried') ?? 0) + attempts - 1);
      }
      resolvePromise({
        code: code ?? 1,
        wallMs,
        requests,
        byKind,
        stdout,
        stderr,
        peakRssKb,
        cpuS,
        phases,
      });
    });
  });
}

/** Median wall time of a plain command, in ms, over `runs` runs. */
export function medianCommandMs(cmd: string, args: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    spawnSync(cmd, args, { stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(times);
}

/** Median wall ms of each command, run interleaved (A B A B …) so drift hits them alike. */
export function interleavedMedians(commands: [string, string[]][], runs: number): number[] {
  const times: number[][] = commands.map(() => []);
  for (let i = 0; i < runs; i++)
    commands.forEach(([cmd, args], k) => {
      const t = process.hrtime.bigint();
      spawnSync(cmd, args, { stdio: 'ignore' });
      times[k]!.push(Number(process.hrtime.bigint() - t) / 1e6);
    });
  return times.map(median);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Peak RSS (KB) and user+system CPU (s) of any command, by /usr/bin/time; undefined when unavailable. */
export function timeCommand(
  cmd: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<{ code: number; peakRssKb?: number; cpuS?: number; output: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(TIME_BIN, ['-f', 'MAXRSS_KB=%M CPU_S=%U %S', cmd, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.on('close', (code) => {
      const m = /MAXRSS_KB=(\d+) CPU_S=([\d.]+) ([\d.]+)/.exec(output);
      resolvePromise({
        code: code ?? 1,
        output,
        ...(m ? { peakRssKb: Number(m[1]), cpuS: Number(m[2]) + Number(m[3]) } : {}),
      });
    });
  });
}
