/**
 * Children from any registry, one index to several registries: three Distribution registries on
 * loopback — A with basic auth (the staging registry holding the children, multi-MB layers), B
 * with bearer tokens and C over TLS (the release targets). skopeo pulls every platform from B and
 * C and the layers are byte-identical to A's. A copy cut off half-way, re-run, sends only what
 * was missing (counted at a proxy in front of B).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runInProcess as runCli } from '../helpers/cli.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { HarnessClient } from '../helpers/harness-client.js';
import { startRegistry, type RegistryHandle } from '../helpers/registry.js';
import { skopeo } from '../helpers/skopeo.js';

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const MT = {
  manifest: 'application/vnd.docker.distribution.manifest.v2+json',
  config: 'application/vnd.docker.container.image.v1+json',
  layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
};

let a: RegistryHandle;
let b: RegistryHandle;
let c: RegistryHandle;
let proxyB: FaultProxy;
let proxyA: FaultProxy;
const dir = mkdtempSync(join(tmpdir(), 'manifold-xreg-'));
const images: Record<
  string,
  { ref: string; digest: string; layers: string[]; arch: string; variant?: string }
> = {};
let env: Record<string, string>;

/** An image whose layers are `mb` MiB each of random (incompressible) data. */
async function bigImage(
  h: HarnessClient,
  repo: string,
  tag: string,
  platform: { architecture: string; variant?: string },
  sizes: number[],
) {
  const layers: Buffer[] = sizes.map((mb) => gzipSync(randomBytes(mb * 1024 * 1024), { level: 1 }));
  for (const l of layers) await h.pushBlob(repo, sha(l), l);
  const config = Buffer.from(
    JSON.stringify({
      os: 'linux',
      ...platform,
      rootfs: { type: 'layers', diff_ids: layers.map((l) => sha(l)) },
    }),
  );
  await h.pushBlob(repo, sha(config), config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MT.manifest,
      config: { mediaType: MT.config, size: config.length, digest: sha(config) },
      layers: layers.map((l) => ({ mediaType: MT.layer, size: l.length, digest: sha(l) })),
    }),
  );
  await h.pushManifest(repo, tag, MT.manifest, manifest);
  return {
    ref: `${h.registry.host}/${repo}:${tag}`,
    digest: sha(manifest),
    layers: layers.map((l) => sha(l)),
    arch: platform.architecture,
    ...(platform.variant ? { variant: platform.variant } : {}),
  };
}

beforeAll(async () => {
  [a, b, c] = await Promise.all([
    startRegistry({ variant: 'basic' }),
    startRegistry({ variant: 'token' }),
    startRegistry({ variant: 'tls' }),
  ]);
  const h = new HarnessClient(a);
  images['amd64'] = await bigImage(h, 'stage/app', 'amd64', { architecture: 'amd64' }, [3, 2]);
  images['arm64'] = await bigImage(
    h,
    'stage/app',
    'arm64',
    { architecture: 'arm64', variant: 'v8' },
    [4],
  );
  proxyB = await startFaultProxy(b.url);
  proxyA = await startFaultProxy(a.url);
  const auth = (r: RegistryHandle): string =>
    Buffer.from(`${r.username}:${r.password}`).toString('base64');
  // One docker config, a credential per registry: A's and B's (through its proxy too) differ in kind.
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      auths: {
        [a.host]: { auth: auth(a) },
        [b.host]: { auth: auth(b) },
        [proxyB.host]: { auth: auth(b) },
        [proxyA.host]: { auth: auth(a) },
      },
    }),
  );
  env = { DOCKER_CONFIG: dir, HOME: dir };
}, 120_000);
afterAll(async () => {
  await proxyB?.close();
  await proxyA?.close();
  await Promise.all([a?.stop(), b?.stop(), c?.stop()]);
});

async function pulledLayers(
  reg: RegistryHandle,
  ref: string,
  img: { arch: string; variant?: string },
  creds: string[],
): Promise<string[]> {
  const out = mkdtempSync(join(dir, 'pull-'));
  const args = [
    'copy',
    '--override-os',
    'linux',
    '--override-arch',
    img.arch,
    ...(img.variant ? ['--override-variant', img.variant] : []),
    ...creds,
    `docker://${ref}`,
    `dir:${out}`,
  ];
  const res = await skopeo(args);
  expect(res.stderr.toString()).not.toMatch(/FATA|Error/);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
    layers: { digest: string }[];
  };
  // Each layer file's bytes hash to its digest: byte-identical to the source's.
  return manifest.layers.map((l) => sha(readFileSync(join(out, l.digest.replace('sha256:', '')))));
}

describe('children on another registry, one index to several registries', () => {
  test('children with multi-MB layers on A (basic) published to B (token) and C (TLS): same digest, byte-identical layers by skopeo', async () => {
    const spec = `image: ${b.host}/rel/app:1.0\ntargets: [${c.host}/rel/app]\ntags: [latest]\nmanifests:\n  - image: ${images['amd64']!.ref}\n  - image: ${images['arm64']!.ref}\n`;
    const res = await runCli(
      ['publish', '--from-spec', '-', '--ca-file', c.caFile!, '--output', 'json'],
      { input: spec, env },
    );
    expect(res.stderr).not.toContain(b.password!);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as {
      indexes: { target: string; digest: string; status: string; children: { action: string }[] }[];
    };
    expect(out.indexes.map((i) => [i.target, i.status])).toEqual([
      [`${b.host}/rel/app:1.0`, 'published'],
      [`${c.host}/rel/app:1.0`, 'published'],
    ]);
    expect(out.indexes[0]!.digest).toBe(out.indexes[1]!.digest);
    expect(out.indexes[0]!.children.map((ch) => ch.action)).toEqual(['copied', 'copied']);
    const credsB = ['--src-creds', `${b.username}:${b.password}`, '--src-tls-verify=false'];
    const credsC = ['--src-tls-verify=false'];
    for (const img of Object.values(images)) {
      expect(await pulledLayers(b, `${b.host}/rel/app:1.0`, img, credsB)).toEqual(img.layers);
      expect(await pulledLayers(c, `${c.host}/rel/app:latest`, img, credsC)).toEqual(img.layers);
    }
    // A re-run copies nothing and moves no tag.
    const again = await runCli(['publish', '--from-spec', '-', '--ca-file', c.caFile!], {
      input: spec,
      env,
    });
    expect(again.code).toBe(0);
    expect(again.stdout.match(/ unchanged/g)).toHaveLength(4);
  });

  test('a copy cut off half-way (one blob keeps failing) fails with copies kept; the re-run sends only the missing blob', async () => {
    const target = `${proxyB.host}/cut/app`;
    const missing = images['amd64']!.layers[0]!;
    proxyB.setFault((r) =>
      r.method === 'PUT' &&
      r.url.includes('/blobs/uploads/') &&
      r.url.includes(encodeURIComponent(missing))
        ? { kind: 'reset' }
        : undefined,
    );
    const spec = `image: ${target}:1\nmanifests:\n  - image: ${images['amd64']!.ref}\n  - image: ${images['arm64']!.ref}\n`;
    // Backoff shortened: the blob's retries are not waited out.
    const first = await runCli(['publish', '--from-spec', '-'], {
      input: spec,
      env: { ...env, MANIFOLD_RETRY_BASE_MS: '20' },
    });
    expect(first.code).toBe(4);
    expect(first.stdout).toMatch(/Tag: .*cut\/app:1 not-attempted/);
    expect(first.stdout).toContain(
      `Child: ${images['arm64']!.ref} ${images['arm64']!.digest} copied into ${target} (kept; a re-run skips it)`,
    );
    proxyB.setFault(undefined);
    const before = proxyB.requests.length;
    const second = await runCli(['publish', '--from-spec', '-'], { input: spec, env });
    expect(second.stderr).not.toContain('manifold:');
    expect(second.code).toBe(0);
    const seen = proxyB.requests.slice(before);
    expect(seen.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect(
      seen
        .filter((r) => r.method === 'PUT' && r.url.includes('/blobs/uploads/'))
        .map((r) => decodeURIComponent(r.url.split('digest=')[1]!)),
    ).toEqual([missing]);
  });

  test('bytes that do not hash to the descriptor are never committed: the upload is cancelled and the child fails', async () => {
    const layer = images['arm64']!.layers[0]!;
    const repo = 'tamper/app';
    for (const body of [randomBytes(4 * 1024 * 1024 + 512), randomBytes(5 * 1024 * 1024)]) {
      proxyA.setFault((r) =>
        r.method === 'GET' && r.url === `/v2/stage/app/blobs/${layer}`
          ? { kind: 'rewrite', body }
          : undefined,
      );
      const res = await runCli(['publish', '--from-spec', '-'], {
        input: `image: ${b.host}/${repo}:1\nmanifests:\n  - image: ${proxyA.host}/stage/app:arm64\n`,
        env,
      });
      expect(res.code).toBe(4);
      expect(res.stderr).toMatch(
        /the source sent \d+ bytes, the descriptor says|more bytes than the descriptor's size/,
      );
      // Refused at once: one transfer, not retried.
      expect(
        proxyA.requests.filter(
          (r) => r.method === 'GET' && r.url === `/v2/stage/app/blobs/${layer}`,
        ),
      ).toHaveLength(1);
      proxyA.requests.length = 0;
    }
    const hb = new HarnessClient(b);
    expect(
      (
        await hb.send(`/v2/${repo}/blobs/${layer}`, {
          method: 'HEAD',
          scope: `repository:${repo}:pull`,
        })
      ).status,
    ).toBe(404);
    expect(await hb.listTags(repo)).toEqual([]);
  });
});
