/** The guard that keeps tests from running a stale bundle (test/build-freshness.js, Jest's globalSetup). */
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
// @ts-expect-error plain JS module (it runs before ts-jest is set up)
import { BUNDLE, isStale, SOURCES } from '../build-freshness.js';

describe('build freshness', () => {
  test('a source edited after the bundle was built makes it stale; a rebuild makes it fresh', () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifold-fresh-'));
    mkdirSync(join(dir, 'src', 'cli'), { recursive: true });
    mkdirSync(join(dir, 'dist'), { recursive: true });
    const src = join(dir, 'src', 'cli', 'main.ts');
    const bundle = join(dir, 'dist', 'bin.js');
    writeFileSync(src, 'old');
    writeFileSync(bundle, 'built');
    utimesSync(src, new Date(1_000_000), new Date(1_000_000));
    utimesSync(bundle, new Date(2_000_000), new Date(2_000_000));
    expect(isStale([join(dir, 'src')], bundle)).toBe(false);
    utimesSync(src, new Date(3_000_000), new Date(3_000_000)); // the edit
    expect(isStale([join(dir, 'src')], bundle)).toBe(true);
    utimesSync(bundle, new Date(4_000_000), new Date(4_000_000)); // the rebuild
    expect(isStale([join(dir, 'src')], bundle)).toBe(false);
    expect(isStale([join(dir, 'src')], join(dir, 'dist', 'missing.js'))).toBe(true);
  });

  test("is wired as Jest's globalSetup over src/ and the shipped bundle", async () => {
    // @ts-expect-error plain JS config
    const config = (await import('../../jest.config.js')).default as { globalSetup?: string };
    expect(config.globalSetup).toBe('<rootDir>/test/build-freshness.js');
    expect(SOURCES).toContain('src');
    expect(BUNDLE).toBe('dist/cli/bin.js');
  });
});
