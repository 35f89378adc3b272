/** The progress display's text, from its counters (the terminal side is log-update's). */
import { describe, expect, test } from '@jest/globals';
import { formatBytes, progressLine, renderProgress } from '../../src/cli/progress.js';

describe('progress display', () => {
  test('phases, bytes with rate and time left, one line per child still copying', () => {
    const counts = new Map([
      ['resolve', { done: 32, total: 32 }],
      ['copy', { done: 10, total: 32 }],
      ['bytes', { done: 50e6, total: 150e6 }],
      ['tag', { done: 0, total: 0 }],
    ] as const);
    const children = new Map([
      ['reg/a:amd64', { done: 20e6, total: 60e6 }],
      ['reg/a:arm64', { done: 30e6, total: 30e6 }],
    ]);
    expect(renderProgress(new Map(counts), children, 5000, true)).toBe(
      'resolved 32/32 · copied 10/32 · 50.0 MB of 150.0 MB, 10.0 MB/s, 10 s left\n  reg/a:amd64: 20.0 MB of 60.0 MB',
    );
    expect(renderProgress(new Map(counts), children, 5000, false)).toBe(
      'resolved 32/32 · copied 10/32 · 50.0 MB of 150.0 MB, 10.0 MB/s, 10 s left',
    );
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_500_000)).toBe('1.5 MB');
  });

  test('not a terminal: no output at all for a run without copies; off is silent', async () => {
    const out: string[] = [];
    const io = {
      stdout: () => undefined,
      stderr: (s: string) => void out.push(s),
      readStdin: () => '',
      env: {},
      isTty: false,
    };
    const lines = await progressLine(io, 'lines');
    lines.sink('resolve', { total: 2 });
    lines.sink('resolve', { done: 2 });
    lines.sink('tag', { total: 1 });
    lines.sink('tag', { done: 1 });
    lines.end();
    const off = await progressLine(io, 'off');
    off.sink('bytes', { total: 10, done: 10 });
    expect(out).toEqual([]);
  });
});
