/** `manifold validate` and `manifold schema`, run as the built binary. */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { runInProcess as runCli } from '../helpers/cli.js';

const invalid = 'test/fixtures/specs/invalid';

describe('manifold validate', () => {
  test('valid files: exit 0, a summary on stdout', async () => {
    const res = await runCli(['validate', 'examples/basic.yml', 'examples/multi-document.yml']);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      'examples/basic.yml: valid: 1 index: registry.example.com/acme/app:1.2 (3 children)\n' +
        'examples/multi-document.yml: valid: 2 indexes: registry.example.com/acme/api:2.1 (2 children), registry.example.com/acme/worker:2.1 (2 children)\n',
    );
    expect(res.stderr).toBe('');
  });

  test('an invalid file: exit 2, every problem as file:line:col path: message on stderr, no stack trace', async () => {
    const res = await runCli(['validate', `${invalid}/bad-variants.yml`, 'examples/basic.yml']);
    expect(res.code).toBe(2);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toBe(
      `${invalid}/bad-variants.yml:4:57 manifests[0].platform.variant: "v5" is not a variant of amd64; expected v1, v2, v3 or v4 (OCI image-index variant table)`,
    );
    expect(lines[6]).toBe(`${invalid}/bad-variants.yml: invalid: 6 problems`);
    expect(res.stderr).not.toMatch(/\bat .*\.js:\d+/);
    expect(res.stdout).toBe(
      'examples/basic.yml: valid: 1 index: registry.example.com/acme/app:1.2 (3 children)\n',
    );
  });

  test('--output json prints the problems as data', async () => {
    const res = await runCli(['validate', '--output', 'json', `${invalid}/duplicate-platform.yml`]);
    expect(res.code).toBe(2);
    const out = JSON.parse(res.stdout) as {
      valid: boolean;
      files: {
        valid: boolean;
        issues: { line: number; col: number; path: string; severity: string }[];
      }[];
    };
    expect(out.valid).toBe(false);
    expect(out.files[0]!.issues).toEqual([
      expect.objectContaining({
        line: 8,
        col: 15,
        path: 'manifests[2].platform',
        severity: 'error',
      }),
    ]);
  });

  test('- reads standard input; interpolation uses the environment; an unset variable names itself and its line', async () => {
    const spec = 'image: ${REG}/a/b:1\nmanifests:\n  - image: ${REG}/a/b:${ARCH}\n';
    const ok = await runCli(['validate', '-'], {
      input: spec,
      env: { REG: 'reg.example.com', ARCH: 'amd64' },
    });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('<stdin>: valid: 1 index: reg.example.com/a/b:1 (1 child)\n');
    const bad = await runCli(['validate', '-'], { input: spec, env: { REG: 'reg.example.com' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('<stdin>:3:12 environment variable ARCH is not set');
  });

  test('--allow-unknown-keys: exit 0 with warnings on stderr', async () => {
    const spec =
      'image: reg.example.com/a/b:1\nmanifests:\n  - image: reg.example.com/a/b:1\n    platform: {architecture: amd64, os: linux, version: "1"}\n';
    const strict = await runCli(['validate', '-'], { input: spec });
    expect(strict.code).toBe(2);
    const lax = await runCli(['validate', '--allow-unknown-keys', '-'], { input: spec });
    expect(lax.code).toBe(0);
    expect(lax.stderr).toContain(
      '<stdin>:4:48 warning: manifests[0].platform.version: unknown key "version", did you mean "os.version"?',
    );
  });

  test('a missing file: exit 2 and a one-line reason', async () => {
    const res = await runCli(['validate', 'nope.yml']);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      'nope.yml:1:1 cannot read spec: no such file\nnope.yml: invalid: 1 problem\n',
    );
  });

  test('registry error text with terminal escapes is printed escaped', async () => {
    const res = await runCli(['validate', '-'], {
      input:
        'image: "reg.example.com/a/b:\\e[31mred"\nmanifests: [{image: reg.example.com/a/b:1}]\n',
    });
    expect(res.code).toBe(2);
    expect(res.stderr).not.toContain('\u001b');
    expect(res.stderr).toContain('\\x1b[31mred');
  });
});

describe('manifold schema', () => {
  test('prints the shipped JSON Schema', async () => {
    const res = await runCli(['schema']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual(
      JSON.parse(readFileSync('schemas/spec.schema.json', 'utf8')),
    );
  });

  test('the package ships the schema', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('schemas');
  });
});

describe('--output', () => {
  test.each([
    ['validate', '-'],
    ['publish', '--from-spec', '-'],
    ['inspect', 'reg.example.com/a/b:1'],
    ['auth', 'check', 'reg.example.com/a/b'],
  ])('%s refuses a format other than text or json (exit 2)', async (...args) => {
    const res = await runCli([...args, '--output', 'yaml'], { input: '' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Allowed choices are text, json');
  });
});

describe('spec problems in GitHub Actions', () => {
  test('GITHUB_ACTIONS=true: one ::error annotation per problem, on its file, line and column; a forged command in the spec stays data', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const file = join(mkdtempSync(join(tmpdir(), 'manifold-gha-')), 'spec.yml');
    writeFileSync(
      file,
      'image: reg.example.com/a:1\nmanifests:\n  - image: reg.example.com/a:c\n  - image: "reg.example.com/a:b\\n::set-output name=digest::forged"\n',
    );
    for (const args of [
      ['validate', file],
      ['publish', '--from-spec', file],
    ]) {
      const res = await runCli(args, { env: { GITHUB_ACTIONS: 'true' } });
      expect(res.code).toBe(2);
      const commands = `${res.stdout}\n${res.stderr}`.split('\n').filter((l) => l.startsWith('::'));
      expect(commands).toEqual([
        expect.stringMatching(
          new RegExp(
            `^::error file=${file.replace(/[./]/g, '\\$&')},line=4,col=\\d+::manifests\\[1\\]\\.image: .*%0A::set-output`,
          ),
        ),
      ]);
    }
    // Without GITHUB_ACTIONS, no workflow commands at all.
    const plain = await runCli(['validate', file]);
    expect(`${plain.stdout}\n${plain.stderr}`.split('\n').some((l) => l.startsWith('::'))).toBe(
      false,
    );
  });
});
