/**
 * verify: binaries and rewriteConfig against the real registry, on real Debian executables in
 * images built by buildah (zstd and gzip layers) and in layers written here (symlinks,
 * whiteouts, loaders); skopeo reads back what a rewrite pushed.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runInProcess as runCli } from '../helpers/cli.js';
import { HarnessClient } from '../helpers/harness-client.js';
import { buildahImage, pushImage, tarLayer, testBinary } from '../helpers/images.js';
import { startRegistry, type RegistryHandle } from '../helpers/registry.js';
import { skopeo } from '../helpers/skopeo.js';

let reg: RegistryHandle;
let h: HarnessClient;
let dir: string;

const spec = (name: string, text: string): string => {
  const file = join(dir, `${name}.yml`);
  writeFileSync(file, text);
  return file;
};

interface Report {
  exitCode: number;
  error?: { code: string; message: string };
  indexes: {
    digest: string;
    children: {
      digest: string;
      binaries?: { outcome: string; message: string; bytesRead: number };
      rewrite?: { from: string; config: { from: string; to: string } };
    }[];
  }[];
}

beforeAll(async () => {
  reg = await startRegistry({ variant: 'plain' });
  h = new HarnessClient(reg);
  dir = mkdtempSync(join(tmpdir(), 'manifold-binaries-'));
  const arm = testBinary('busybox-static-arm64');
  const amd = testBinary('busybox-static-amd64');
  // The calico case: config arm64, binary x86-64 (zstd layer).
  await buildahImage({
    ref: `${reg.host}/bin/ztunnel:arm64`,
    files: [{ path: '/usr/bin/ztunnel', content: amd }],
    arch: 'arm64',
    entrypoint: ['/usr/bin/ztunnel'],
    compression: 'zstd',
  });
  // The Makefile case: built on an amd64 host, the binary is aarch64, the config says amd64.
  await buildahImage({
    ref: `${reg.host}/bin/cross:arm64`,
    files: [{ path: '/app', content: arm }],
    arch: 'amd64',
    entrypoint: ['/app'],
  });
  await buildahImage({
    ref: `${reg.host}/bin/cross:amd64`,
    files: [{ path: '/app', content: amd }],
    arch: 'amd64',
    entrypoint: ['/app'],
    compression: 'zstd',
  });
}, 120_000);
afterAll(async () => reg?.stop());

describe('verify: binaries on publish', () => {
  test('the calico case: an x86-64 binary in an arm64 child is refused, exit 3, nothing pushed', async () => {
    const file = spec(
      'calico',
      `image: ${reg.host}/bin/out:calico\nverify: binaries\nmanifests:\n  - image: ${reg.host}/bin/ztunnel:arm64\n    platform: {os: linux, architecture: arm64}\n`,
    );
    const res = await runCli(['publish', '--from-spec', file, '--output', 'json']);
    expect(res.code).toBe(3);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.error?.code).toBe('BINARY_MISMATCH');
    expect(report.error?.message).toContain(
      'entrypoint /usr/bin/ztunnel is an x86-64 ELF; the entry is linux/arm64',
    );
    expect(await h.listTags('bin/out')).toEqual([]);
  });

  test('--verify-binaries on a spec without the key does the same; without it the config alone passes', async () => {
    const file = spec(
      'calico2',
      `image: ${reg.host}/bin/out:calico2\nmanifests:\n  - image: ${reg.host}/bin/ztunnel:arm64\n`,
    );
    const checked = await runCli([
      'publish',
      '--from-spec',
      file,
      '--verify-binaries',
      '--dry-run',
    ]);
    expect(checked.code).toBe(3);
    expect(checked.stderr).toContain('is an x86-64 ELF');
    const unchecked = await runCli(['publish', '--from-spec', file, '--dry-run']);
    expect(unchecked.code).toBe(0);
  });

  test('the Makefile case is refused with the rewrite hint, then published with rewriteConfig', async () => {
    const body = (extra: string): string =>
      `image: ${reg.host}/bin/fixed:1\nverify: binaries\nmanifests:\n  - image: ${reg.host}/bin/cross:amd64\n    platform: {os: linux, architecture: amd64}\n  - image: ${reg.host}/bin/cross:arm64\n${extra}    platform: {os: linux, architecture: arm64, variant: v8}\n`;
    const refused = await runCli(['publish', '--from-spec', spec('mk1', body(''))]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('image config says linux/amd64');
    expect(refused.stderr).toContain('the binaries agree with the spec');
    expect(refused.stderr).toContain('rewriteConfig: true');
    expect(await h.listTags('bin/fixed')).toEqual([]);

    const file = spec('mk2', body('    rewriteConfig: true\n'));
    const dry = await runCli(['publish', '--from-spec', file, '--dry-run', '--output', 'json']);
    expect(dry.code).toBe(0);
    const planned = JSON.parse(dry.stdout) as Report;
    const res = await runCli(['publish', '--from-spec', file, '--output', 'json']);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout) as Report;
    // The dry run named the rewritten manifest and config exactly.
    expect(report.indexes[0]!.digest).toBe(planned.indexes[0]!.digest);
    const child = report.indexes[0]!.children[1]!;
    expect(child.rewrite).toEqual(planned.indexes[0]!.children[1]!.rewrite);
    expect(child.binaries?.outcome).toBe('verified');
    expect(child.digest).not.toBe(child.rewrite!.from);

    // skopeo, as an arm64 host: it gets the new child, whose config now says arm64/v8.
    const cfg = await skopeo([
      'inspect',
      '--tls-verify=false',
      '--override-arch',
      'arm64',
      '--override-variant',
      'v8',
      '--config',
      `docker://${reg.host}/bin/fixed:1`,
    ]);
    expect(cfg.code).toBe(0);
    const config = JSON.parse(cfg.stdout.toString('utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ architecture: 'arm64', variant: 'v8', os: 'linux' });
    const raw = await skopeo([
      'inspect',
      '--tls-verify=false',
      '--raw',
      `docker://${reg.host}/bin/fixed@${child.digest}`,
    ]);
    const manifest = JSON.parse(raw.stdout.toString('utf8')) as {
      config: { digest: string };
      layers: { digest: string }[];
    };
    expect(manifest.config.digest).toBe(child.rewrite!.config.to);
    // Same layers as the source.
    const source = await skopeo([
      'inspect',
      '--tls-verify=false',
      '--raw',
      `docker://${reg.host}/bin/cross:arm64`,
    ]);
    expect(manifest.layers).toEqual(
      (JSON.parse(source.stdout.toString('utf8')) as { layers: unknown[] }).layers,
    );
  });

  test('rewriteConfig never relabels binaries that disagree with the spec', async () => {
    const file = spec(
      'mk3',
      `image: ${reg.host}/bin/bad:1\nmanifests:\n  - image: ${reg.host}/bin/cross:amd64\n    rewriteConfig: true\n    platform: {os: linux, architecture: arm64}\n`,
    );
    const res = await runCli(['publish', '--from-spec', file]);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/is an x86-64 ELF; the entry is linux\/arm64/);
    expect(await h.listTags('bin/bad')).toEqual([]);
  });

  test('rewriteConfig on a config that already says the platform leaves the child as it is', async () => {
    const file = spec(
      'mk4',
      `image: ${reg.host}/bin/same:1\nmanifests:\n  - image: ${reg.host}/bin/cross:amd64\n    rewriteConfig: true\n    platform: {os: linux, architecture: amd64}\n`,
    );
    const res = await runCli(['publish', '--from-spec', file, '--output', 'json']);
    expect(res.code).toBe(0);
    const child = (JSON.parse(res.stdout) as Report).indexes[0]!.children[0]!;
    expect(child.rewrite).toBeUndefined();
    const source = await h.getManifest('bin/cross', 'amd64');
    expect(child.digest).toBe(source.headers['docker-content-digest']);
  });

  test('from-args --rewrite-config and a create source with ,platform=…,rewrite-config', async () => {
    const args = await runCli([
      'publish',
      '--from-args',
      '--platforms',
      'linux/arm64',
      '--template',
      `${reg.host}/bin/cross:ARCH`,
      '--target',
      `${reg.host}/bin/args:1`,
      '--rewrite-config',
      '--dry-run',
    ]);
    expect(args.code).toBe(0);
    expect(args.stdout).toMatch(/^Rewritten: .*bin\/cross:arm64 sha256:/m);
    const create = await runCli([
      'create',
      '-t',
      `${reg.host}/bin/created:1`,
      `${reg.host}/bin/cross:arm64,platform=linux/arm64,rewrite-config`,
      '--dry-run',
    ]);
    expect(create.code).toBe(0);
    expect(create.stdout).toMatch(/^Binaries: .* linux\/arm64 verified: entrypoint \/app/m);
    expect(create.stdout).toMatch(/^Rewritten: /m);
    const bad = await runCli(['create', '-t', `${reg.host}/bin/c:1`, `${reg.host}/bin/x,bogus`]);
    expect(bad.code).toBe(2);
  });
});

describe('what the merged filesystem holds', () => {
  beforeAll(async () => {
    const arm = testBinary('busybox-static-arm64');
    const amd = testBinary('busybox-static-amd64');
    const platform = { os: 'linux', architecture: 'arm64' };
    // A dynamic arm64 binary on an amd64 base (the amd64 loader only).
    await pushImage(h, {
      repository: 'fs/dyn',
      tag: '1',
      platform,
      config: { Entrypoint: ['/usr/bin/app'] },
      tars: [
        await tarLayer([
          { name: 'lib64/ld-linux-x86-64.so.2', content: testBinary('ld-linux-x86-64.so.2') },
        ]),
        await tarLayer([{ name: 'usr/bin/app', content: testBinary('busybox-dynamic-arm64') }]),
      ],
    });
    // A symlinked entrypoint to a #!/bin/sh script, the shell an arm64 busybox.
    await pushImage(h, {
      repository: 'fs/link',
      tag: '1',
      platform,
      config: { Entrypoint: ['/usr/local/bin/app'], Cmd: ['--serve'] },
      tars: [
        await tarLayer([
          { name: 'bin/busybox', content: arm },
          { name: 'bin/sh', type: 'symlink', linkname: 'busybox' },
        ]),
        await tarLayer([
          { name: 'usr/local/lib/app/app', content: '#!/bin/sh\nexec true\n' },
          { name: 'usr/local/bin/app', type: 'symlink', linkname: '../lib/app/app' },
        ]),
      ],
    });
    // An x86-64 app earlier in PATH, deleted by a whiteout; the arm64 one further on is used.
    await pushImage(h, {
      repository: 'fs/wh',
      tag: '1',
      platform,
      config: { Cmd: ['app'] },
      tars: [
        await tarLayer([
          { name: 'usr/local/bin/app', content: amd },
          { name: 'usr/bin/app', content: arm },
        ]),
        await tarLayer([{ name: 'usr/local/bin/.wh.app', content: '' }]),
      ],
    });
    await pushImage(h, {
      repository: 'fs/none',
      tag: '1',
      platform,
      config: { Env: ['A=1'] },
      tars: [await tarLayer([{ name: 'bin/app', content: arm }])],
    });
  });

  const one = (name: string, repo: string): string =>
    spec(
      name,
      `image: ${reg.host}/fs/out-${name}:1\nverify: binaries\nmanifests:\n  - image: ${reg.host}/${repo}:1\n    platform: {os: linux, architecture: arm64}\n`,
    );

  test('a dynamic arm64 binary on an amd64 base is refused through its loader', async () => {
    const res = await runCli(['publish', '--from-spec', one('dyn', 'fs/dyn')]);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('loader /lib/ld-linux-aarch64.so.1 is not in the image');
  });

  test('a symlinked entrypoint and its #!/bin/sh script are followed to the shell', async () => {
    const res = await runCli(['publish', '--from-spec', one('link', 'fs/link'), '--dry-run']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /Binaries: \S+ linux\/arm64 verified: entrypoint \/usr\/local\/lib\/app\/app is a script for \/bin\/sh, with interpreter \/bin\/busybox/,
    );
  });

  test('a whiteout-deleted file is not used', async () => {
    const res = await runCli(['publish', '--from-spec', one('wh', 'fs/wh'), '--output', 'json']);
    expect(res.code).toBe(0);
    const c = (JSON.parse(res.stdout) as Report).indexes[0]!.children[0]!;
    expect(c.binaries).toMatchObject({ outcome: 'verified' });
    expect(c.binaries!.message).toContain('/usr/bin/app');
  });

  test('no entrypoint is unverified: a warning, or exit 3 under --verify-strict', async () => {
    const warn = await runCli(['publish', '--from-spec', one('none', 'fs/none'), '--dry-run']);
    expect(warn.code).toBe(0);
    expect(warn.stdout).toMatch(/unverified: the image config has no Entrypoint or Cmd/);
    expect(warn.stderr).toMatch(/binaries not verified/);
    const strict = await runCli([
      'publish',
      '--from-spec',
      one('none', 'fs/none'),
      '--dry-run',
      '--verify-strict',
    ]);
    expect(strict.code).toBe(3);
  });

  test('a layer over the byte budget is unverified, and the report says what was read', async () => {
    const res = await runCli([
      'publish',
      '--from-spec',
      one('budget', 'fs/wh'),
      '--dry-run',
      '--verify-budget',
      '1KiB',
      '--output',
      'json',
    ]);
    expect(res.code).toBe(0);
    const c = (JSON.parse(res.stdout) as Report).indexes[0]!.children[0]!;
    // The small whiteout layer on top fits the budget; the base layer does not, and is not read.
    expect(c.binaries).toMatchObject({ outcome: 'unverified' });
    expect(c.binaries!.bytesRead).toBeGreaterThan(0);
    expect(c.binaries!.bytesRead).toBeLessThanOrEqual(1024);
    expect(c.binaries!.message).toMatch(/over the byte budget/);
    const bad = await runCli([
      'publish',
      '--from-spec',
      one('b2', 'fs/wh'),
      '--verify-budget',
      'lots',
    ]);
    expect(bad.code).toBe(2);
  });
});

describe('inspect --verify-binaries', () => {
  test('on an index: each entry checked against its platform, text and JSON; a mismatch exits 3', async () => {
    const file = spec(
      'idx',
      `image: ${reg.host}/bin/idx:1\nmanifests:\n  - image: ${reg.host}/bin/cross:amd64\n  - image: ${reg.host}/bin/ztunnel:arm64\n`,
    );
    expect((await runCli(['publish', '--from-spec', file])).code).toBe(0);
    const text = await runCli(['inspect', '--verify-binaries', `${reg.host}/bin/idx:1`]);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(
      /^Binaries: linux\/amd64 sha256:\S+ verified: entrypoint \/app is an x86-64 ELF/m,
    );
    expect(text.stdout).toMatch(
      /^Binaries: linux\/arm64 sha256:\S+ mismatch: entrypoint \/usr\/bin\/ztunnel is an x86-64 ELF/m,
    );
    expect(text.stderr).toContain('1 of 2 images do not match their platform');
    const json = await runCli([
      'inspect',
      '--verify-binaries',
      '--output',
      'json',
      `${reg.host}/bin/idx:1`,
    ]);
    expect(json.code).toBe(3);
    const parsed = JSON.parse(json.stdout) as {
      binaries: { outcome: string; bytesRead: number }[];
    };
    expect(parsed.binaries.map((b) => b.outcome)).toEqual(['verified', 'mismatch']);
    expect(parsed.binaries.every((b) => b.bytesRead > 0)).toBe(true);
    const image = await runCli(['inspect', '--verify-binaries', `${reg.host}/bin/cross:amd64`]);
    expect(image.code).toBe(0);
    expect(image.stdout).toMatch(
      /verified: entrypoint \/app is an x86-64 ELF, built for linux\/amd64/,
    );
  });
});
