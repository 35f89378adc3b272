/** A small smoke run of the benchmark (the full one is `npm run bench`, not part of the suite). */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';

const dir = mkdtempSync(join(tmpdir(), 'manifold-bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench --smoke', () => {
  test('measures cold start, publishes through the latency proxy and prints every target with a verdict', async () => {
    // A stand-in for a manifest-tool binary: records how it was called, then fails as a refused push would.
    const argsFile = join(dir, 'args');
    const fake = join(dir, 'manifest-tool');
    writeFileSync(
      fake,
      `#!/bin/sh\nprintf '%s\\n' "$*" > '${argsFile}'\necho 'push refused by the stand-in' >&2\nexit 1\n`,
    );
    chmodSync(fake, 0o755);
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        ['dist/bench/run.js', '--smoke'],
        {
          timeout: 120_000,
          maxBuffer: 16 * 1024 * 1024,
          env: { ...process.env, MANIFEST_TOOL: fake },
        },
        (err, out) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout: out }),
      );
    });
    expect(code).toBe(0);
    expect(stdout).toContain('| node -e 0 (baseline) |');
    expect(stdout).toMatch(/\| manifold same N=2 \| 20 \| \d+ /);
    expect(stdout).toMatch(/\| manifold cross N=2 \| 0 \| \d+ /);
    // Where the time goes: every milestone of the counted run was found in its debug log.
    expect(stdout).toContain('**Where the time goes** (basic auth, N=2');
    // Basic auth fetches no token: that column stays empty.
    expect(stdout).toMatch(/^\| cross \| 20 \| \d+ \| - \| \d+ \| \d+ \| \d+ \|$/m);
    // Two independent request counts: manifold's debug log and the latency proxy.
    expect(stdout).toContain(
      'Request counts: the debug log and the proxy agree on every manifold row (basic auth).',
    );
    expect(stdout).toMatch(
      /^- (PASS|FAIL) {2}basic: same-repository publish, N=2, T=3: \d+ HTTP requests/m,
    );
    expect(stdout).toMatch(/^- (PASS|FAIL) {2}basic: an unchanged re-run sends \d+ PUT\/POST/m);
    expect(stdout).toMatch(/^- (PASS|FAIL) {2}50-child index: peak RSS/m);
    // The MANIFEST_TOOL peer got manifest-tool v2's command line for the same spec, and its failure is a row, not a crash.
    const args = readFileSync(argsFile, 'utf8').trim().split(' ');
    expect(args).toEqual([
      '--username',
      expect.any(String),
      '--password',
      expect.any(String),
      '--plain-http',
      'push',
      'from-spec',
      expect.stringMatching(/\.yml$/),
    ]);
    expect(stdout).toMatch(
      /^\| manifest-tool cross N=2 \(1 run\) \| 0 \| \d+ .*failed \(exit 1\): .*--password \[redacted\].*push refused by the stand-in/m,
    );
    expect(stdout).not.toContain(args[3]!);
  });
});
