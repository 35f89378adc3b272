/**
 * The npm package as users get it: `npm pack`, `npm install -g` of the tarball into a
 * temporary prefix (dependencies from the npm registry), then the installed `manifold`
 * command: --version, validate, publish against the real registry. A file missing from
 * `files`, or a broken shebang, fails here. The tarball also runs unpacked where no node_modules
 * exists at all: the package has no runtime dependencies, the bundle holds everything.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { HarnessClient } from '../helpers/harness-client.js';
import { startRegistry, type RegistryHandle } from '../helpers/registry.js';
import { seedImage } from '../helpers/seed.js';

const dir = mkdtempSync(join(tmpdir(), 'manifold-pack-'));
const prefix = join(dir, 'prefix');
let reg: RegistryHandle;
let manifold: string;
let tgz: string;

beforeAll(async () => {
  reg = await startRegistry({ variant: 'plain' });
  tgz = execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop()!;
  execFileSync(
    'npm',
    [
      'install',
      '-g',
      '--prefix',
      prefix,
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      join(dir, tgz),
    ],
    { encoding: 'utf8', stdio: 'pipe' },
  );
  manifold = join(prefix, 'bin', 'manifold');
}, 180_000);
afterAll(async () => {
  await reg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

// Run the installed command itself (its shebang), from a directory outside the checkout.
const run = (args: string[]) =>
  spawnSync(manifold, args, {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: `${join(prefix, 'bin')}:${process.env['PATH']}`, HOME: dir },
  });

describe('the packed npm package, installed globally', () => {
  test('manifold --version, validate and publish work from the installed command', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const version = run(['--version']);
    expect({ status: version.status, out: version.stdout.trim() }).toEqual({
      status: 0,
      out: pkg.version,
    });
    writeFileSync(join(dir, 'basic.yml'), readFileSync(resolve('examples/basic.yml'), 'utf8'));
    const valid = run(['validate', 'basic.yml']);
    expect({ status: valid.status, err: valid.stderr }).toEqual({ status: 0, err: '' });
    const img = await seedImage(new HarnessClient(reg), {
      repository: 'pack/app',
      tag: 'amd64',
      platform: { os: 'linux', architecture: 'amd64' },
    });
    writeFileSync(
      join(dir, 'spec.yml'),
      `image: ${reg.host}/pack/app:1\nmanifests:\n  - image: ${img.ref}\n`,
    );
    const pub = run(['publish', '--from-spec', 'spec.yml']);
    expect({ status: pub.status, err: pub.stderr }).toEqual({ status: 0, err: '' });
    expect(pub.stdout).toMatch(/^Digest: sha256:[a-f0-9]{64} \d+\nTag: .*pack\/app:1 created\n$/);
    const schema = run(['schema']);
    expect(JSON.parse(schema.stdout).title).toBeDefined();
  });

  test('npm installs the man page, and the installed command prints its completion scripts', () => {
    const page = join(prefix, 'share', 'man', 'man1', 'manifold.1');
    expect(readFileSync(page, 'utf8')).toMatch(/^\.TH MANIFOLD 1 /);
    const man = spawnSync('man', ['-l', page], {
      encoding: 'utf8',
      env: { ...process.env, MANWIDTH: '120', PAGER: 'cat' },
    });
    expect(man.stdout.replace(/.\x08/g, '')).toContain('manifold publish');
    for (const shell of ['bash', 'zsh', 'fish']) {
      const c = run(['completion', shell]);
      expect({ shell, status: c.status, err: c.stderr }).toEqual({ shell, status: 0, err: '' });
      expect(c.stdout).toContain('manifold');
    }
  });
});

describe('the tarball alone: nothing but Node.js', () => {
  test('no runtime dependencies; unpacked with no node_modules anywhere, validate, inspect and publish work', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies?: object };
    expect(pkg.dependencies ?? {}).toEqual({});
    const bare = mkdtempSync(join(tmpdir(), 'manifold-bare-'));
    execFileSync('tar', ['-xzf', join(dir, tgz), '-C', bare]);
    const bin = join(bare, 'package', 'dist', 'cli', 'bin.js');
    // Our own npm name (`manifold` is someone else's), the `manifold` command, the licence text.
    const packed = JSON.parse(readFileSync(join(bare, 'package', 'package.json'), 'utf8')) as {
      name: string;
      bin: Record<string, string>;
      license: string;
    };
    expect(packed.name).toBe('manifold-oci');
    expect(Object.keys(packed.bin)).toEqual(['manifold']);
    expect(packed.license).toBe('Apache-2.0');
    expect(readFileSync(join(bare, 'package', 'LICENSE'), 'utf8')).toContain('Apache License');
    const runBare = (args: string[], input?: string) =>
      spawnSync(process.execPath, [bin, ...args], {
        cwd: bare,
        encoding: 'utf8',
        input,
        env: { PATH: process.env['PATH'], HOME: bare },
      });
    const spec = readFileSync(resolve('examples/basic.yml'), 'utf8');
    const valid = runBare(['validate', '-'], spec);
    expect({ status: valid.status, err: valid.stderr }).toEqual({ status: 0, err: '' });
    const img = await seedImage(new HarnessClient(reg), {
      repository: 'bare/app',
      tag: 'arm64',
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    });
    const pub = runBare(
      ['publish', '--from-spec', '-'],
      `image: ${reg.host}/bare/app:1\nmanifests:\n  - image: ${img.ref}\n`,
    );
    expect({ status: pub.status, err: pub.stderr }).toEqual({ status: 0, err: '' });
    const inspect = runBare(['inspect', '--output', 'json', `${reg.host}/bare/app:1`]);
    expect(inspect.status).toBe(0);
    expect(inspect.stdout).toContain(img.digest);
    // A spec error on this path too (the validator is bundled, not looked up in node_modules).
    const bad = runBare(['validate', '-'], 'image: x\nmanifests: 3\n');
    expect(bad.status).toBe(2);
    expect(bad.stderr).not.toContain('unexpected error');
    rmSync(bare, { recursive: true, force: true });
  });
});
