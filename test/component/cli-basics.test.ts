/** The built CLI as a subprocess: version, help, usage errors. */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, writeSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { CLI, runCli } from '../helpers/cli.js';

describe('manifold binary', () => {
  test('--version prints the package version and exits 0', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const res = await runCli(['--version']);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(pkg.version);
    // manifest-tool's -v keeps its one-line shape, with the commit the bundle was built from.
    const short = await runCli(['-v']);
    expect(short.code).toBe(0);
    expect(short.stdout).toMatch(
      new RegExp(
        `^manifold version ${pkg.version.replace(/\./g, '\\.')} \\(commit: ([0-9a-f]{12}|unknown)\\)\n$`,
      ),
    );
    const full = await runCli(['version']);
    expect(full.code).toBe(0);
    expect(full.stdout).toBe(
      `${short.stdout}node ${process.version} (${process.platform}/${process.arch})\n`,
    );
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

describe('standard input', () => {
  test('a spec on a non-blocking pipe, written a moment after start and in pieces, is read whole', async () => {
    // A FIFO opened non-blocking stands for a pipe another program made non-blocking.
    const fifo = join(mkdtempSync(join(tmpdir(), 'manifold-stdin-')), 'in');
    execFileSync('mkfifo', [fifo]);
    const readEnd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writeEnd = openSync(fifo, constants.O_WRONLY);
    const child = spawn(process.execPath, [CLI, 'validate', '-'], {
      stdio: [readEnd, 'pipe', 'pipe'],
    });
    // libuv makes a child's inherited stdin blocking again; opening the same description as a
    // stream here makes it non-blocking once more (the child shares it), as a node-based parent
    // that touched its own piped stdin leaves it. Never read from here.
    const hold = new net.Socket({ fd: readEnd, readable: false, writable: false });
    hold.pause();
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const closed = new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
    // Pieces written once the CLI is running (it has printed nothing yet: it is still reading).
    await new Promise((r) => setTimeout(r, 200));
    writeSync(writeEnd, 'image: reg.example.com/a/b:1\n');
    await new Promise((r) => setTimeout(r, 200));
    writeSync(writeEnd, 'manifests:\n  - image: reg.example.com/a/b:amd64\n');
    closeSync(writeEnd);
    const code = await closed;
    hold.destroy();
    expect(out).not.toContain('unexpected error');
    expect(code).toBe(0);
    expect(out).toContain('valid: 1 index: reg.example.com/a/b:1 (1 child)');
    expect(out).not.toContain('unexpected error');
  });
});

describe('one exit code per class', () => {
  test.each([
    [
      'create',
      [
        'create',
        '--type',
        'docker',
        '--annotation',
        'a=b',
        '-t',
        '127.0.0.1:1/a/b:1',
        '127.0.0.1:1/a/b:amd64',
      ],
    ],
    [
      'push from-args',
      [
        'push',
        'from-args',
        '--type',
        'docker',
        '--annotations',
        'a=b',
        '--platforms',
        'linux/amd64',
        '--template',
        '127.0.0.1:1/a/b:ARCH',
        '--target',
        '127.0.0.1:1/a/b:1',
      ],
    ],
  ])(
    '%s: a Docker list with annotations is a usage error (exit 2, as from a spec), before anything is contacted',
    async (_name, args) => {
      // 127.0.0.1:1 refuses connections: contacting it would be exit 3, not 2.
      const res = await runCli(args);
      expect(res.stderr).toContain('a Docker manifest list cannot carry "annotations"');
      expect(res.code).toBe(2);
    },
  );
});

describe('help', () => {
  test.each(['publish', 'push', 'push from-spec', 'create', 'inspect', 'validate', 'auth check'])(
    '%s --help: an Examples section, and the global options only named, not repeated',
    async (cmd) => {
      const words = cmd.split(' ');
      const res = await runCli([...words, '--help']);
      expect(res.code).toBe(0);
      const examples = res.stdout.split('\nExamples:\n')[1];
      expect(examples).toBeDefined();
      expect(examples!.split('\n')[0]).toMatch(new RegExp(`^  manifold ${words.join(' ')}\\b`));
      // --docker-cfg is global: listed once, in manifold --help.
      expect(res.stdout).not.toMatch(/^\s+--docker-cfg/m);
      expect(res.stdout).toContain('Global options (');
    },
  );

  test('manifold --help lists the global options once', async () => {
    const res = await runCli(['--help']);
    expect(res.stdout.match(/^\s+--docker-cfg/gm)).toHaveLength(1);
  });
});
