/**
 * `npm run bench`: manifold's speed as users feel it, side by side with baselines measured in
 * the same run. The real registry sits behind a loopback proxy that adds latency in each
 * direction; every publish is the built CLI as a subprocess. `--smoke` runs a tiny matrix.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HarnessClient } from '../test/helpers/harness-client.js';
import { startRegistry, type RegistryHandle } from '../test/helpers/registry.js';
import { seedImage } from '../test/helpers/seed.js';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy.js';
import {
  CLI,
  interleavedMedians,
  median,
  medianCommandMs,
  runManifold,
  timeCommand,
  type CliRun,
} from './measure.js';
import { copyBenchmark } from './copy.js';
import { verifyBenchmark } from './verify.js';
import {
  AUTHS,
  BASELINE,
  COLD,
  RELEASE,
  PEERS,
  COPY,
  LAYOUTS,
  MEMORY,
  narrowed,
  RTTS,
  RUNS,
  SIZES,
  smoke,
  TIMELINE_N,
  VERIFY,
} from './options.js';
import { findPeers, type Peer } from './peers.js';

const EXTRA_TAGS = ['bench-a', 'bench-b'];
const T = 1 + EXTRA_TAGS.length;
const work = mkdtempSync(join(tmpdir(), 'manifold-bench-'));
const lines: string[] = [];
const verdicts: string[] = [];
let failures = 0;

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
  lines.push(line);
}

function verdict(ok: boolean, text: string): void {
  if (!ok) failures++;
  const line = `${ok ? 'PASS' : 'FAIL'}  ${text}`;
  verdicts.push(line);
  // On the terminal as it happens; in the results file only in the Targets list (tables stay whole).
  process.stdout.write(`${line}\n`);
}

type Auth = 'basic' | 'token' | 'tls-token';

interface Setup {
  auth: Auth;
  /** How the CLI reaches the registry: --plain-http, or the CA of a TLS registry. */
  transportArgs: string[];
  reg: RegistryHandle;
  proxy: LatencyProxy;
  tokenProxy?: LatencyProxy;
  env: NodeJS.ProcessEnv;
}

async function setup(auth: Auth): Promise<Setup> {
  let tokenProxy: LatencyProxy | undefined;
  const tls = auth === 'tls-token';
  const reg = await startRegistry({
    variant: auth === 'basic' ? 'basic' : 'token',
    tls,
    wrapRealm: async (realm) => {
      const u = new URL(realm);
      tokenProxy = await startLatencyProxy(u.host);
      return `${u.protocol}//${tokenProxy.host}${u.pathname}`;
    },
  });
  const proxy = await startLatencyProxy(reg.host);
  return {
    auth,
    reg,
    proxy,
    tokenProxy,
    transportArgs: tls ? ['--ca-file', reg.caFile!] : ['--plain-http'],
    env: { MANIFOLD_USERNAME: reg.username!, MANIFOLD_PASSWORD: reg.password! },
  };
}

async function seed(s: Setup, n: number): Promise<void> {
  const h = new HarnessClient(s.reg);
  const jobs: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    // Real platforms (manifest-tool refuses invented architectures): Windows builds told apart by os.version.
    const platform = { os: 'windows', architecture: 'amd64', 'os.version': `10.0.${20000 + i}.1` };
    jobs.push(seedImage(h, { repository: `bench/same-${n}`, tag: `c${i}`, platform }));
    jobs.push(
      seedImage(h, { repository: `bench/src-${n}`, tag: `c${i}`, platform, format: 'oci' }),
    );
    if (jobs.length >= 32) await Promise.all(jobs.splice(0));
  }
  await Promise.all(jobs);
}

function specFile(s: Setup, layout: 'same' | 'cross', n: number, target: string): string {
  const host = s.proxy.host;
  const src = layout === 'same' ? `bench/same-${n}` : `bench/src-${n}`;
  const text = `image: ${host}/${target}\ntags: [${EXTRA_TAGS.join(', ')}]\nmanifests:\n${Array.from({ length: n }, (_, i) => `  - image: ${host}/${src}:c${i}\n`).join('')}`;
  const file = join(work, `${target.replace(/[/:]/g, '_')}.yml`);
  writeFileSync(file, text);
  return file;
}

let counter = 0;

interface Measured {
  /** Timed runs, at the default log level. */
  runs: CliRun[];
  connections: number[];
  /** One more run at debug level, whose logged HTTP exchanges are counted. */
  counted: CliRun;
  /** Requests the proxies saw during the counted run (a check on the count from the debug log). */
  proxied: number;
}

/** `concurrency`: undefined measures the default (what users run). */
async function measure(
  s: Setup,
  layout: 'same' | 'cross',
  n: number,
  rtt: number,
  concurrency: number | undefined,
  runs: number,
): Promise<Measured> {
  return measureRuns(
    s,
    rtt,
    () => [
      specFile(
        s,
        layout,
        n,
        layout === 'same' ? `bench/same-${n}:r${++counter}` : `bench/dst-${n}-${++counter}:1`,
      ),
    ],
    concurrency,
    runs,
  );
}

/** One row's runs: each publishes the spec files `files()` makes (fresh targets every run). */
async function measureRuns(
  s: Setup,
  rtt: number,
  files: () => string[],
  concurrency: number | undefined,
  runs: number,
): Promise<Measured> {
  s.proxy.setDelay(rtt / 2);
  s.tokenProxy?.setDelay(rtt / 2);
  const runs_: CliRun[] = [];
  const connections: number[] = [];
  let counted: CliRun | undefined;
  let proxied = 0;
  // Run 0 warms up; runs 1..runs are timed at the default log level; the last one is counted.
  for (let i = 0; i <= runs + 1; i++) {
    const specs = files();
    s.proxy.reset();
    s.tokenProxy?.reset();
    const count = i === runs + 1;
    const r = await runManifold(
      [
        'publish',
        ...specs.flatMap((f) => ['--from-spec', f]),
        ...s.transportArgs,
        ...(concurrency ? ['--concurrency', String(concurrency)] : []),
      ],
      s.env,
      { count },
    );
    if (r.code !== 0) throw new Error(`publish failed (exit ${r.code}):\n${r.stderr.slice(-2000)}`);
    if (count) {
      counted = r;
      // Over TLS the proxy sees ciphertext: only the debug log counts requests there.
      proxied = s.reg.caFile ? r.requests : s.proxy.requests + (s.tokenProxy?.requests ?? 0);
    } else if (i > 0) {
      runs_.push(r);
      connections.push(s.proxy.connections + (s.tokenProxy?.connections ?? 0));
    }
  }
  return { runs: runs_, connections, counted: counted!, proxied };
}

/** Rows of the "where the time goes" table, filled while the matrix runs. */
const timelines: string[] = [];

function milestones(r: CliRun): string {
  const p = r.phases ?? {};
  const cell = (v: number | undefined): string => (v === undefined ? '-' : v.toFixed(0));
  return [p.firstRequest, p.tokenHeld, p.resolved, p.copied, p.published].map(cell).join(' | ');
}

/** Rows whose debug-log request count and proxy request count differ (each counter checks the other). */
const countMismatches: string[] = [];

/** RTTs at which peers run (each peer publish is one slow, sequential run). */
const PEER_RTTS = smoke ? [0, 20, 40] : [0, 100, 200];

/** One publish by a peer, of the same children to a fresh target: a row of the table. */
async function measurePeer(
  s: Setup,
  peer: Peer,
  layout: 'same' | 'cross',
  n: number,
  rtt: number,
): Promise<{ row: string; wallMs?: number }> {
  s.proxy.setDelay(rtt / 2);
  s.tokenProxy?.setDelay(rtt / 2);
  const repo = layout === 'same' ? `bench/same-${n}` : `bench/dst-${n}-${++counter}`;
  const tag = layout === 'same' ? `p${++counter}` : '1';
  const host = s.proxy.host;
  s.proxy.reset();
  s.tokenProxy?.reset();
  const r = await peer.publish({
    specFile: specFile(s, layout, n, `${repo}:${tag}`),
    children: Array.from(
      { length: n },
      (_, i) => `${host}/bench/${layout === 'same' ? 'same' : 'src'}-${n}:c${i}`,
    ),
    targets: [tag, ...EXTRA_TAGS].map((t) => `${host}/${repo}:${t}`),
    username: s.reg.username!,
    password: s.reg.password!,
    ...(s.reg.caFile ? { caFile: s.reg.caFile } : {}),
  });
  const label = `${peer.name} ${layout} N=${n} (1 run)`;
  const trips = tripsAt(label, rtt, r.code === 0 ? r.wallMs : undefined);
  const requests = s.reg.caFile
    ? 'n/a (TLS)'
    : String(s.proxy.requests + (s.tokenProxy?.requests ?? 0));
  const connections = s.proxy.connections + (s.tokenProxy?.connections ?? 0);
  const note =
    r.code === 0
      ? 'counted at the proxy'
      : `failed (exit ${r.code}): ${(r.error ?? '').replace(/\s+/g, ' ').replace(/\|/g, '/').slice(0, 200)}`;
  return {
    row: `| ${label} | ${rtt} | ${r.wallMs.toFixed(0)} | ${r.wallMs.toFixed(0)} | ${r.wallMs.toFixed(0)} | ${requests} | ${connections} | ${trips} | ${note} |`,
    ...(r.code === 0 ? { wallMs: r.wallMs } : {}),
  };
}

function kinds(r: CliRun): string {
  return [...r.byKind]
    .sort()
    .map(([k, v]) => `${k}×${v}`)
    .join(' ');
}

/** The last (RTT, median wall) measured for each row label. */
const lastAt = new Map<string, { rtt: number; wall: number }>();
/** Round trips by label, from the slope between its two largest RTTs so far. */
const slopes = new Map<string, number>();

/**
 * Sequential round trips of a row: the slope of wall time against RTT between this RTT and the
 * label's previous one, (wall₂ − wall₁) ÷ (RTT₂ − RTT₁), both non-zero. Start-up and CPU cost
 * the same at both RTTs and cancel; against RTT 0 they would not (CPU overlaps the waiting once
 * there is latency), so a row whose previous RTT is 0 gets no figure ('-').
 */
function tripsAt(label: string, rtt: number, wall: number | undefined): string {
  const prev = lastAt.get(label);
  if (wall === undefined) return '-';
  lastAt.set(label, { rtt, wall });
  if (!prev || prev.rtt === 0 || rtt <= prev.rtt) return '-';
  const trips = (wall - prev.wall) / (rtt - prev.rtt);
  slopes.set(label, trips);
  return trips.toFixed(1);
}

function row(label: string, rtt: number, m: Measured): string {
  const walls = m.runs.map((r) => r.wallMs);
  const med = median(walls);
  const trips = tripsAt(label, rtt, med);
  if (m.proxied !== m.counted.requests)
    countMismatches.push(
      `${label} at RTT ${rtt}: ${m.counted.requests} in the debug log, ${m.proxied} at the proxy`,
    );
  return `| ${label} | ${rtt} | ${med.toFixed(0)} | ${Math.min(...walls).toFixed(0)} | ${Math.max(...walls).toFixed(0)} | ${m.counted.requests} | ${median(m.connections)} | ${trips} | ${kinds(m.counted)} |`;
}

const peerSet = PEERS ? findPeers(process.env) : { peers: [], absent: ['peers: --no-peers'] };

/** Release day: many spec files in one run (each its own repository, children copied in). */
const RELEASE_DOCS = smoke ? 3 : 20;
const RELEASE_N = smoke ? 2 : 8;

async function releaseDay(s: Setup): Promise<void> {
  const label = `manifold release day, ${RELEASE_DOCS} spec files × ${RELEASE_N} children, one run`;
  for (const rtt of RTTS) {
    const m = await measureRuns(
      s,
      rtt,
      () =>
        Array.from({ length: RELEASE_DOCS }, (_, k) =>
          specFile(s, 'cross', RELEASE_N, `bench/rd-${k}-${++counter}:1`),
        ),
      undefined,
      RUNS ?? (smoke ? 1 : 3),
    );
    out(row(label, rtt, m));
  }
  const trips = slopes.get(label);
  if (trips !== undefined)
    verdict(
      trips <= 12,
      `release day (${RELEASE_DOCS} × ${RELEASE_N}, one run): ${trips.toFixed(1)} sequential round trips (slope) ≤ 12`,
    );
}

async function publishMatrix(): Promise<void> {
  for (const auth of AUTHS) {
    const s = await setup(auth);
    try {
      for (const n of new Set([...SIZES, RELEASE_N])) await seed(s, n);
      out(`\n### ${auth} auth\n`);
      out(
        '| run | RTT ms | wall median ms | min | max | HTTP requests | TCP connections | sequential round trips: slope (Δwall ÷ ΔRTT) from the previous non-zero RTT | requests by kind |',
      );
      out('|---|---|---|---|---|---|---|---|---|');
      for (const layout of LAYOUTS) {
        for (const n of SIZES) {
          for (const rtt of RTTS) {
            const runs = RUNS ?? (n >= 128 ? 1 : smoke ? 1 : 5);
            const m = await measure(s, layout, n, rtt, undefined, runs);
            out(row(`manifold ${layout} N=${n}`, rtt, m));
            if (n === TIMELINE_N)
              timelines.push(`| ${layout} | ${rtt} | ${milestones(m.counted)} |`);
            const base =
              n <= 32 && !smoke && BASELINE
                ? await measure(s, layout, n, rtt, 1, Math.min(runs, rtt >= 100 ? 1 : runs))
                : undefined;
            if (base)
              out(
                row(
                  `manifold --concurrency 1 (sequential, as manifest-tool) ${layout} N=${n}`,
                  rtt,
                  base,
                ),
              );
            // Peers: every size at RTT 0 (manifold must never be slower there), and N=32 cross-repository with latency.
            const peerHere = (p: Peer): boolean =>
              (rtt === 0 &&
                (p.name === 'manifest-tool' || (layout === 'cross' && n === TIMELINE_N))) ||
              (layout === 'cross' &&
                n === TIMELINE_N &&
                PEER_RTTS.includes(rtt) &&
                // podman/buildah take minutes per run with latency: measured at RTT 0 and the
                // first non-zero peer RTT only (so they get no slope).
                (p.name === 'manifest-tool' ||
                  p.name === 'docker manifest' ||
                  rtt === PEER_RTTS[1]));
            for (const peer of peerSet.peers.filter(peerHere)) {
              const line = await measurePeer(s, peer, layout, n, rtt);
              out(line.row);
              if (rtt === 0 && peer.name === 'manifest-tool' && line.wallMs !== undefined) {
                const mine = median(m.runs.map((r) => r.wallMs));
                verdict(
                  mine <= line.wallMs,
                  `${s.auth}: ${layout} N=${n} at RTT 0: manifold ${mine.toFixed(0)} ms ≤ manifest-tool ${line.wallMs.toFixed(0)} ms`,
                );
              }
            }
            checkTargets(s, layout, n, rtt, m, base);
          }
        }
      }
      if (auth === AUTHS[0] && RELEASE) await releaseDay(s);
      if (timelines.length > 0) {
        out(
          `\n**Where the time goes** (${auth} auth, N=${TIMELINE_N}, the counted debug run): ms after the CLI was spawned at which each step ended; the first column is when its first request left (start-up before it).\n`,
        );
        out(
          '| layout | RTT ms | first request sent | token held (bearer auth) | children resolved and planned | children copied | tags pushed |',
        );
        out('|---|---|---|---|---|---|---|');
        for (const t of timelines.splice(0)) out(t);
      }
      out(
        countMismatches.length === 0
          ? `\nRequest counts: the debug log and the proxy agree on every manifold row (${auth} auth).`
          : `\nRequest counts that disagree (${auth} auth):\n${countMismatches
              .splice(0)
              .map((m) => `- ${m}`)
              .join('\n')}`,
      );
      await checkUnchangedRerun(s);
    } finally {
      await s.proxy.close();
      await s.tokenProxy?.close();
      await s.reg.stop();
    }
  }
}

function checkTargets(
  s: Setup,
  layout: string,
  n: number,
  rtt: number,
  m: Measured,
  base?: Measured,
): void {
  const med = median(m.runs.map((r) => r.wallMs));
  if (layout === 'cross' && n === 32 && rtt === 100) {
    const limit = 8 * rtt + 300;
    verdict(
      med <= limit,
      `${s.auth}: 32 children, cross-repository, 100 ms RTT: wall ${med.toFixed(0)} ms ≤ 8 RTT + 0.3 s = ${limit} ms`,
    );
    if (base) {
      const speedup = median(base.runs.map((r) => r.wallMs)) / med;
      verdict(
        speedup >= 5,
        `${s.auth}: same run, sequential baseline / manifold = ${speedup.toFixed(1)}× ≥ 5×`,
      );
    }
  }
  const trips = slopes.get(`manifold ${layout} N=${n}`);
  if (layout === 'cross' && n === 128 && rtt === Math.max(...RTTS) && trips !== undefined) {
    verdict(
      trips <= 8,
      `${s.auth}: 128 children, cross-repository: ${trips.toFixed(1)} sequential round trips (slope up to ${rtt} ms) ≤ 8`,
    );
  }
  if (s.reg.caFile && n === 32 && rtt === 0) {
    const conns = median(m.connections);
    verdict(
      conns <= 2,
      `${s.auth}: ${layout} N=32 over TLS: ${conns} TCP connections ≤ 2 (one to the registry, one to the token server: HTTP/2)`,
    );
  }
  if (layout === 'same' && rtt === 0) {
    const limit = 2 * n + 2 * T + 4; // T more than before: every tag written is read back
    verdict(
      m.counted.requests <= limit,
      `${s.auth}: same-repository publish, N=${n}, T=${T}: ${m.counted.requests} HTTP requests ≤ 2N + 2T + 4 = ${limit}`,
    );
  }
}

async function checkUnchangedRerun(s: Setup): Promise<void> {
  s.proxy.setDelay(0);
  s.tokenProxy?.setDelay(0);
  const n = SIZES[0]!;
  const file = specFile(s, 'same', n, `bench/same-${n}:rerun`);
  await runManifold(['publish', '--from-spec', file, ...s.transportArgs], s.env, { count: false });
  const again = await runManifold(['publish', '--from-spec', file, ...s.transportArgs], s.env, {
    count: true,
  });
  const puts = [...again.byKind]
    .filter(([k]) => k.startsWith('PUT') || k.startsWith('POST'))
    .reduce((a, [, v]) => a + v, 0);
  verdict(
    again.code === 0 && puts === 0,
    `${s.auth}: an unchanged re-run sends ${puts} PUT/POST (${kinds(again)})`,
  );
}

async function coldStart(): Promise<void> {
  const runs = smoke ? 3 : 15;
  const spec = join(work, 'validate-64.yml');
  writeFileSync(
    spec,
    `image: reg.example.com/acme/app:1\nmanifests:\n${Array.from({ length: 64 }, (_, i) => `  - image: reg.example.com/acme/app:c${i}\n    platform: {os: linux, architecture: a${i}}\n`).join('')}`,
  );
  const node = medianCommandMs(process.execPath, ['-e', '0'], runs);
  const version = medianCommandMs(process.execPath, [CLI, '--version'], runs);
  const validate = medianCommandMs(process.execPath, [CLI, 'validate', spec], runs);
  out('\n### Cold start (median of ' + runs + ' runs)\n');
  out('| command | ms |');
  out('|---|---|');
  out(`| node -e 0 (baseline) | ${node.toFixed(0)} |`);
  out(`| manifold --version | ${version.toFixed(0)} |`);
  out(`| manifold validate (64 entries) | ${validate.toFixed(0)} |`);
  // Lazy loading, before and after: the same commands with the modules only some runs need (the
  // terminal display, the compiled schema validator) preloaded, as the eager build loaded them.
  const cliDir = dirname(CLI);
  const display = readdirSync(cliDir).find((f) => /^log-update-.*\.js$/.test(f));
  const eager = [
    '--require',
    join(cliDir, 'compiled-validator.cjs'),
    ...(display ? ['--import', pathToFileURL(join(cliDir, display)).href] : []),
  ];
  const bad = join(work, 'publish-invalid.yml');
  writeFileSync(
    bad,
    'image: reg.example.com/acme/app:1\nmanifests:\n  - image: reg.example.com/acme/app:a\n    platfrom: {os: linux, architecture: amd64}\n',
  );
  const publishArgs = [CLI, 'publish', '--from-spec', bad];
  const inspectArgs = [CLI, 'inspect', 'reg.example.com/acme/App:1'];
  const [pubLazy, pubEager, inLazy, inEager] = interleavedMedians(
    [
      [process.execPath, publishArgs],
      [process.execPath, [...eager, ...publishArgs]],
      [process.execPath, inspectArgs],
      [process.execPath, [...eager, ...inspectArgs]],
    ],
    runs,
  );
  out(
    `| manifold publish, up to the first request (spec read and checked) | ${pubLazy!.toFixed(0)} (eager display + validator: ${pubEager!.toFixed(0)}) |`,
  );
  out(
    `| manifold inspect, up to the first request | ${inLazy!.toFixed(0)} (eager display + validator: ${inEager!.toFixed(0)}) |`,
  );
  verdict(
    version <= 1.5 * node,
    `manifold --version ${version.toFixed(0)} ms ≤ 1.5 × node -e 0 = ${(1.5 * node).toFixed(0)} ms`,
  );
  verdict(validate <= 250, `validate of a 64-entry spec ${validate.toFixed(0)} ms ≤ 250 ms`);
}

async function memory(): Promise<void> {
  const s = await setup('basic');
  try {
    const big = smoke ? 50 : 1000;
    const h = new HarnessClient(s.reg);
    for (let i = 0; i < big; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, big - i) }, (_, j) =>
          seedImage(h, {
            repository: 'bench/mem',
            tag: `c${i + j}`,
            platform: {
              os: 'windows',
              architecture: 'amd64',
              'os.version': `10.0.${30000 + i + j}.1`,
            },
          }),
        ),
      );
    }
    const bigSpec = join(work, 'mem-big.yml');
    writeFileSync(
      bigSpec,
      `image: ${s.proxy.host}/bench/mem:all\nmanifests:\n${Array.from({ length: big }, (_, i) => `  - image: ${s.proxy.host}/bench/mem:c${i}\n`).join('')}`,
    );
    const a = await runManifold(['publish', '--from-spec', bigSpec, '--plain-http'], s.env, {
      memory: true,
    });
    const docs = smoke ? 10 : 200;
    const manySpec = join(work, 'mem-many.yml');
    writeFileSync(
      manySpec,
      Array.from(
        { length: docs },
        (_, d) =>
          `image: ${s.proxy.host}/bench/mem:doc${d}\nmanifests:\n${[0, 1, 2, 3].map((i) => `  - image: ${s.proxy.host}/bench/mem:c${i}\n`).join('')}`,
      ).join('---\n'),
    );
    const b = await runManifold(['publish', '--from-spec', manySpec, '--plain-http'], s.env, {
      memory: true,
    });
    out('\n### Memory (peak RSS of the CLI process, /usr/bin/time)\n');
    out('| run | exit | wall ms | HTTP requests | peak RSS MB |');
    out('|---|---|---|---|---|');
    const mb = (r: CliRun): string =>
      r.peakRssKb === undefined ? 'n/a' : (r.peakRssKb / 1024).toFixed(0);
    out(`| ${big}-child index | ${a.code} | ${a.wallMs.toFixed(0)} | ${a.requests} | ${mb(a)} |`);
    out(
      `| ${docs} specs × 4 children, one run | ${b.code} | ${b.wallMs.toFixed(0)} | ${b.requests} | ${mb(b)} |`,
    );
    for (const [label, r] of [
      [`${big}-child index`, a],
      [`${docs} × 4 specs`, b],
    ] as const) {
      verdict(
        r.code === 0 && r.peakRssKb !== undefined && r.peakRssKb < 200 * 1024,
        `${label}: peak RSS ${mb(r)} MB < 200 MB`,
      );
    }
    await perChild(s, a, big);
  } finally {
    await s.proxy.close();
    await s.reg.stop();
  }
}

/**
 * CPU and memory per child: RSS growth from N=2 to the big index; a 32-child cross-repository
 * publish against a bare node process that loaded the HTTP client, and against manifest-tool's
 * CPU on the same children.
 */
async function perChild(s: Setup, bigRun: CliRun, big: number): Promise<void> {
  const spec = (name: string, n: number): string => {
    const file = join(work, `${name}.yml`);
    writeFileSync(
      file,
      `image: ${s.proxy.host}/bench/${name}:1\nmanifests:\n${Array.from({ length: n }, (_, i) => `  - image: ${s.proxy.host}/bench/mem:c${i}\n`).join('')}`,
    );
    return file;
  };
  const two = await runManifold(
    ['publish', '--from-spec', spec('pc-2', 2), '--plain-http'],
    s.env,
    { memory: true, count: false },
  );
  const mine: CliRun[] = [];
  for (let i = 0; i < 3; i++)
    mine.push(
      await runManifold(['publish', '--from-spec', spec(`pc-32-${i}`, 32), '--plain-http'], s.env, {
        memory: true,
        count: false,
      }),
    );
  const bare = await timeCommand(process.execPath, [
    '--input-type=module',
    '-e',
    "await import('got'); await import('http2-wrapper');",
  ]);
  const mt = peerSet.peers.find((p) => p.name === 'manifest-tool');
  const theirs: { cpuS?: number; peakRssKb?: number }[] = [];
  if (mt) {
    const bin = mt.how.split(' ')[0]!;
    for (let i = 0; i < 3; i++)
      theirs.push(
        await timeCommand(bin, [
          '--username',
          s.reg.username!,
          '--password',
          s.reg.password!,
          '--plain-http',
          'push',
          'from-spec',
          spec(`pc-mt-${i}`, 32),
        ]),
      );
  }
  const med = (xs: (number | undefined)[]): number =>
    median(xs.filter((x): x is number => x !== undefined));
  const cpuMine = med(mine.map((r) => r.cpuS));
  const rssMine = med(mine.map((r) => r.peakRssKb)) / 1024;
  out('\n### CPU and memory per child (median of 3, /usr/bin/time: user+sys CPU, peak RSS)\n');
  out('| run | CPU s | peak RSS MB |');
  out('|---|---|---|');
  out(
    `| node, having loaded got and http2-wrapper (nothing else) | ${bare.cpuS?.toFixed(2)} | ${((bare.peakRssKb ?? NaN) / 1024).toFixed(0)} |`,
  );
  out(
    `| manifold publish, 2 children | ${two.cpuS?.toFixed(2)} | ${((two.peakRssKb ?? NaN) / 1024).toFixed(0)} |`,
  );
  out(
    `| manifold publish, 32 children, cross-repository | ${cpuMine.toFixed(2)} | ${rssMine.toFixed(0)} |`,
  );
  if (theirs.length)
    out(
      `| manifest-tool push, 32 children, cross-repository | ${med(theirs.map((t) => t.cpuS)).toFixed(2)} | ${(med(theirs.map((t) => t.peakRssKb)) / 1024).toFixed(0)} |`,
    );
  out(
    `| manifold publish, ${big} children | ${bigRun.cpuS?.toFixed(2)} | ${((bigRun.peakRssKb ?? NaN) / 1024).toFixed(0)} |`,
  );
  const growth = ((bigRun.peakRssKb ?? NaN) - (two.peakRssKb ?? NaN)) / (big - 2);
  verdict(
    growth <= 20,
    `peak RSS growth from N=2 to N=${big}: ${growth.toFixed(1)} KB per child ≤ 20 KB`,
  );
  const bareMb = (bare.peakRssKb ?? NaN) / 1024;
  verdict(
    rssMine <= 1.5 * bareMb,
    `32-child publish peak RSS ${rssMine.toFixed(0)} MB ≤ 1.5 × bare node with the HTTP client (${bareMb.toFixed(0)} MB) = ${(1.5 * bareMb).toFixed(0)} MB`,
  );
  if (theirs.length) {
    const cpuTheirs = med(theirs.map((t) => t.cpuS));
    verdict(
      cpuMine <= 2 * cpuTheirs,
      `32-child cross-repository publish: CPU ${cpuMine.toFixed(2)} s ≤ 2 × manifest-tool's ${cpuTheirs.toFixed(2)} s`,
    );
  }
}

function peers(): void {
  out('\n### Peers\n');
  out(
    `Peers run in the cross-repository layout for N=${TIMELINE_N} at RTT ${PEER_RTTS.join(' and ')} ms, once each, on the same children, registry and proxy; their requests and connections are counted at the proxy. podman and buildah drive the same library (containers/image), so only the first of them found runs. The sequential baseline in every table is manifold --concurrency 1, one child after another as manifest-tool resolves them.\n`,
  );
  for (const p of peerSet.peers) out(`- ${p.name}: ${p.how}`);
  for (const a of peerSet.absent) out(`- ${a}`);
}

async function main(): Promise<void> {
  const started = Date.now();
  out(`# manifold benchmark${smoke ? ' (smoke)' : ''}`);
  out(
    `\n${new Date().toISOString()}, node ${process.version}, ${cpus().length} cores; registry: CNCF Distribution on the same machine, behind a loopback latency proxy (delay RTT/2 each way; a new TCP connection costs one RTT, a TLS handshake its own round trips). Children per publish N, tags T=${T}. Each row: one warm-up, then the timed runs at the default log level (median, min, max), then one run at debug level whose logged HTTP exchanges give the request columns.`,
  );
  if (COLD) await coldStart();
  await publishMatrix();
  if (MEMORY) await memory();
  if (COPY) {
    const c = await copyBenchmark(work, smoke);
    out(
      '\n### Copying across registries (two registries on disk, loopback; wall time, MB/s of blob bytes, peak RSS)\n',
    );
    out('| run | exit | wall ms | MB/s | peak RSS MB |');
    out('|---|---|---|---|---|');
    for (const r of c.rows) out(r);
    for (const v of c.verdicts) verdict(v.ok, v.text);
  }
  if (VERIFY) {
    const v = await verifyBenchmark(work, smoke);
    out(
      '\n### The binaries check (8 children, ~10.5 MB of layers each, local registry; median of interleaved runs)\n',
    );
    out('| run | wall ms | CPU s | peak RSS MB | layer MB read by the check |');
    out('|---|---|---|---|---|');
    for (const r of v.rows) out(r);
    for (const x of v.verdicts) verdict(x.ok, x.text);
  }
  peers();
  out('\n### Targets\n');
  for (const v of verdicts) out(`- ${v}`);
  out(
    `\n${failures === 0 ? 'All targets met' : `${failures} target(s) missed`} in ${((Date.now() - started) / 1000).toFixed(0)} s.`,
  );
  if (!smoke && !narrowed) {
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/latest.md', `${lines.join('\n')}\n`);
    process.stdout.write('\nwritten to bench/results/latest.md\n');
  }
}

try {
  await main();
} finally {
  for (const p of peerSet.peers) p.close();
  rmSync(work, { recursive: true, force: true });
}
