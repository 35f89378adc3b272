/** The built CLI as a subprocess: version, help, usage errors. */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { runCli } from '../helpers/cli.js';

describe('manifold binary', () => {
  test('--version prints the package version and exits 0', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const res = await runCli(['--version']);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(pkg.version);
    // manifest-tool's spelling too.
    const short = await runCli(['-v']);
    expect({ code: short.code, out: short.stdout.trim() }).toEqual({ code: 0, out: pkg.version });
  });

  test('an unknown option is a usage error: exit 2, message on stderr, nothing on stdout', async () => {
    const res = await runCli(['--no-such-flag']);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain("unknown option '--no-such-flag'");
  });
});

describe('exit codes', () => {
  test('--help and the README carry the same table as the code', async () => {
    const { EXIT, EXIT_MEANINGS } = await import('../../src/errors.js');
    expect(EXIT_MEANINGS.map(([c]) => c).sort()).toEqual(Object.values(EXIT).sort());
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    const readme = readFileSync('README.md', 'utf8');
    for (const [code, meaning] of EXIT_MEANINGS) {
      expect(help.stdout).toContain(`  ${code}  ${meaning}`);
      expect(readme).toContain(`| ${code} | ${meaning} |`);
    }
  });
});
