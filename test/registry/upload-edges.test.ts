/**
 * Cross-registry uploads at their edges, against real Distribution registries (source with
 * basic auth, target with bearer tokens) through the fault proxy in front of the target:
 * - the registry refuses the token on a streamed PATCH (401): the token is refreshed and the
 *   PATCH sent again with its body opened afresh, as for any other request;
 * - a PATCH cut before the registry saw a byte leaves a session Distribution describes as
 *   `Range: 0-0` (the same answer as for one byte held): the blob starts over from byte 0;
 * - an upload offset that is wrong (the registry then refuses the resumed upload: 416 on the
 *   PATCH, or, as this Distribution does, a commit refused as DIGEST_INVALID): the blob starts
 *   over;
 * - a 4xx on the upload POST (405) is not retried, and no retry warning follows the summary.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runInProcess as runCli } from '../helpers/cli.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { HarnessClient } from '../helpers/harness-client.js';
import { startRegistry, type RegistryHandle } from '../helpers/registry.js';
import { seedImage, type SeededImage } from '../helpers/seed.js';
import { skopeo } from '../helpers/skopeo.js';

let a: RegistryHandle;
let b: RegistryHandle;
let proxy: FaultProxy;
let image: SeededImage;
let env: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'manifold-upload-'));
const isPatch = (r: { method: string; url: string }): boolean =>
  r.method === 'PATCH' && r.url.includes('/blobs/uploads/');

beforeAll(async () => {
  [a, b] = await Promise.all([
    startRegistry({ variant: 'basic' }),
    startRegistry({ variant: 'token' }),
  ]);
  image = await seedImage(new HarnessClient(a), {
    repository: 'stage/app',
    tag: 'amd64',
    platform: { os: 'linux', architecture: 'amd64' },
  });
  proxy = await startFaultProxy(b.url);
  const auth = (r: RegistryHandle): string =>
    Buffer.from(`${r.username}:${r.password}`).toString('base64');
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ auths: { [a.host]: { auth: auth(a) }, [proxy.host]: { auth: auth(b) } } }),
  );
  env = { DOCKER_CONFIG: dir, HOME: dir, MANIFOLD_RETRY_BASE_MS: '10' };
}, 120_000);
afterAll(async () => {
  await proxy?.close();
  await Promise.all([a?.stop(), b?.stop()]);
});

/** Publishes the one child to `repo` on the target (through the proxy). */
async function publish(repo: string) {
  const spec = `image: ${proxy.host}/${repo}:1\nmanifests:\n  - image: ${image.ref}\n`;
  return runCli(['publish', '--from-spec', '-'], { input: spec, env });
}

/** skopeo reads the pushed index back from the target registry itself. */
async function inspectAtTarget(repo: string): Promise<string> {
  const res = await skopeo([
    'inspect',
    '--raw',
    '--tls-verify=false',
    '--creds',
    `${b.username}:${b.password}`,
    `docker://${b.host}/${repo}:1`,
  ]);
  expect(res.code).toBe(0);
  return res.stdout.toString();
}

describe('uploads that meet a refusal or a lost offset', () => {
  test('a token refused on a streamed PATCH is refreshed and the PATCH sent again whole', async () => {
    let first = true;
    proxy.setFault((r) => {
      if (isPatch(r) && first) {
        first = false;
        return { kind: 'strip-auth' };
      }
      return undefined;
    });
    const before = proxy.requests.length;
    const res = await publish('auth401/app');
    proxy.setFault(undefined);
    expect(res.stderr).not.toContain('manifold:');
    expect(res.code).toBe(0);
    // A cross-registry copy is a normal event: information, not a warning on a quiet stderr.
    expect(res.stderr).toBe('');
    const patches = proxy.requests.slice(before).filter(isPatch);
    // Config and layer: one PATCH each, plus the one the registry refused.
    expect(patches).toHaveLength(3);
    expect(patches.every((p) => p.headers['content-range'] === undefined)).toBe(true);
    expect(await inspectAtTarget('auth401/app')).toContain(image.digest);
  });

  test('a PATCH cut before its first byte (Range: 0-0) starts the blob over, never resuming at byte 1', async () => {
    let cut = false;
    proxy.setFault((r) => {
      if (isPatch(r) && !cut) {
        cut = true;
        return { kind: 'reset' };
      }
      return undefined;
    });
    const before = proxy.requests.length;
    const res = await publish('range00/app');
    proxy.setFault(undefined);
    expect(res.stderr).not.toContain('manifold:');
    expect(res.code).toBe(0);
    const seen = proxy.requests.slice(before);
    expect(seen.filter(isPatch).map((p) => p.headers['content-range'])).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(await inspectAtTarget('range00/app')).toContain(image.digest);
  });

  test('a wrong offset, whose resumed upload the registry refuses at commit, starts the blob over in a new session', async () => {
    let cut = false;
    proxy.setFault((r) => {
      if (isPatch(r) && !cut) {
        cut = true;
        return { kind: 'reset' };
      }
      // The status of the cut session claims 100 bytes it does not hold.
      if (r.method === 'GET' && r.url.includes('/blobs/uploads/'))
        return { kind: 'rewrite', headers: { range: '0-99' } };
      return undefined;
    });
    const before = proxy.requests.length;
    const res = await publish('range416/app');
    proxy.setFault(undefined);
    expect(res.stderr).not.toContain('manifold:');
    expect(res.code).toBe(0);
    const ranges = proxy.requests
      .slice(before)
      .filter(isPatch)
      .map((p) => p.headers['content-range']);
    // The other blob's PATCH, and for this one: cut, resumed at the claimed offset (its commit
    // refused), then over from byte 0.
    expect(ranges).toHaveLength(4);
    expect(ranges.filter((r) => r !== undefined)).toEqual([expect.stringMatching(/^100-/)]);
    expect(ranges[ranges.length - 1]).toBeUndefined();
    expect(await inspectAtTarget('range416/app')).toContain(image.digest);
  });

  test('a resumed PATCH answered 416 starts the blob over in a new session', async () => {
    let cut = false;
    proxy.setFault((r) => {
      if (isPatch(r) && !cut) {
        cut = true;
        return { kind: 'reset' };
      }
      if (r.method === 'GET' && r.url.includes('/blobs/uploads/'))
        return { kind: 'rewrite', headers: { range: '0-99' } };
      if (isPatch(r) && r.headers['content-range'] !== undefined)
        return { kind: 'answer', status: 416, body: '{"errors":[{"code":"RANGE_INVALID"}]}' };
      return undefined;
    });
    const before = proxy.requests.length;
    const res = await publish('patch416/app');
    proxy.setFault(undefined);
    expect(res.stderr).not.toContain('manifold:');
    expect(res.code).toBe(0);
    const ranges = proxy.requests
      .slice(before)
      .filter(isPatch)
      .map((p) => p.headers['content-range']);
    expect(ranges).toHaveLength(4);
    expect(ranges.filter((r) => r !== undefined)).toEqual([expect.stringMatching(/^100-/)]);
    expect(ranges[ranges.length - 1]).toBeUndefined();
    expect(await inspectAtTarget('patch416/app')).toContain(image.digest);
  });

  test('a 405 on the upload POST is not retried, and no retry warning follows the summary', async () => {
    proxy.setFault((r) =>
      r.method === 'POST' && r.url.includes('/blobs/uploads/')
        ? { kind: 'answer', status: 405, body: '{"errors":[{"code":"UNSUPPORTED"}]}' }
        : undefined,
    );
    const before = proxy.requests.length;
    const res = await publish('post405/app');
    proxy.setFault(undefined);
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/HTTP 405/);
    expect(res.stderr).not.toMatch(/trying again|retrying/);
    const posts = proxy.requests
      .slice(before)
      .filter((r) => r.method === 'POST' && r.url.includes('/blobs/uploads/'));
    // At most one POST per blob (config and layer): never three attempts each.
    expect(posts.length).toBeGreaterThanOrEqual(1);
    expect(posts.length).toBeLessThanOrEqual(2);
  });
});
