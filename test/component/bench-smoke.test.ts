/** A small smoke run of the benchmark (the full one is `npm run bench`, not part of the suite). */
import { execFile } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';

describe('bench --smoke', () => {
  test('measures cold start, publishes through the latency proxy and prints every target with a verdict', async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, ['dist/bench/run.js', '--smoke'], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, out) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout: out }));
    });
    expect(code).toBe(0);
    expect(stdout).toContain('| node -e 0 (baseline) |');
    expect(stdout).toMatch(/\| manifold same N=2 \| 20 \| \d+ /);
    expect(stdout).toMatch(/\| manifold cross N=2 \| 0 \| \d+ /);
    // Where the time goes: every milestone of the counted run was found in its debug log.
    expect(stdout).toContain('**Where the time goes** (basic auth, N=2');
    // Basic auth fetches no token: that column stays empty.
    expect(stdout).toMatch(/^\| cross \| 20 \| \d+ \| - \| \d+ \| \d+ \| \d+ \|$/m);
    expect(stdout).toMatch(/^- (PASS|FAIL) {2}basic: same-repository publish, N=2, T=3: \d+ HTTP requests/m);
    expect(stdout).toMatch(/^- (PASS|FAIL) {2}basic: an unchanged re-run sends \d+ PUT\/POST/m);
    expect(stdout).toMatch(/^- (PASS|FAIL) {2}50-child index: peak RSS/m);
  });
});
