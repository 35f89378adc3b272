/** RegistryClient against the real registry in each auth variant. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { RegistryClient, StaticCredentials } from '../../src/registry/index.js';
import { HarnessClient } from '../helpers/harness-client.js';
import { startRegistry, type RegistryHandle } from '../helpers/registry.js';
import { seedImage, STANDARD_PLATFORMS, type SeededImage } from '../helpers/seed.js';

function clientFor(
  reg: RegistryHandle,
  extra: Partial<ConstructorParameters<typeof RegistryClient>[0]> = {},
): RegistryClient {
  return new RegistryClient({
    host: reg.host,
    credentials: reg.username
      ? new StaticCredentials({ username: reg.username, password: reg.password, source: 'test' })
      : undefined,
    transportOptions: { ca: reg.caFile ? readFileSync(reg.caFile) : undefined, retries: 0 },
    ...extra,
  });
}

describe.each(['plain', 'basic', 'tls', 'token'] as const)(
  'RegistryClient on the %s registry',
  (variant) => {
    let reg: RegistryHandle;
    let img: SeededImage;
    let client: RegistryClient;
    beforeAll(async () => {
      reg = await startRegistry({ variant });
      img = await seedImage(new HarnessClient(reg), {
        repository: 'src/app',
        tag: 'arm64',
        platform: STANDARD_PLATFORMS['arm64']!,
      });
      client = clientFor(reg);
    });
    afterAll(async () => {
      client?.close();
      await reg?.stop();
    });

    test('GET and HEAD a manifest by tag and by digest; the bytes are exact', async () => {
      const byTag = await client.getManifest('src/app', 'arm64');
      expect(byTag.bytes.equals(img.bytes)).toBe(true);
      expect(byTag).toMatchObject({ digest: img.digest, size: img.size, mediaType: img.mediaType });
      expect((await client.getManifest('src/app', img.digest)).digest).toBe(img.digest);
      expect(await client.headManifest('src/app', 'arm64')).toEqual({
        digest: img.digest,
        size: img.size,
        mediaType: img.mediaType,
      });
      expect(await client.headManifest('src/app', 'nope')).toBeUndefined();
    });

    test('a missing manifest is NOT_FOUND naming the reference and the registry code', async () => {
      await expect(client.getManifest('src/app', 'missing')).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: expect.stringMatching(/src\/app:missing: GET .* HTTP 404 MANIFEST_UNKNOWN/),
      });
    });

    test('mounts blobs into another repository and PUTs the manifest there by digest', async () => {
      const manifest = JSON.parse(img.bytes.toString()) as {
        config: { digest: string; size: number };
        layers: { digest: string; size: number }[];
      };
      for (const b of [manifest.config, ...manifest.layers])
        expect(await client.mountBlob('dst/app', b.digest, 'src/app')).toEqual({ mounted: true });
      expect(await client.putManifest('dst/app', img.digest, img.bytes, img.mediaType)).toBe(
        img.digest,
      );
      expect((await client.headManifest('dst/app', img.digest))?.digest).toBe(img.digest);
    });
  },
);

describe('auth specifics', () => {
  test('token registry: one token request covers every declared scope', async () => {
    const reg = await startRegistry({ variant: 'token' });
    try {
      await seedImage(new HarnessClient(reg), {
        repository: 'one/a',
        tag: 't',
        platform: STANDARD_PLATFORMS['amd64']!,
      });
      const before = reg.tokenServer!.requests.length;
      const client = clientFor(reg, {
        scopes: ['repository:one/a:pull', 'repository:one/b:pull,push'],
      });
      await Promise.all([
        client.getManifest('one/a', 't'),
        client.headManifest('one/a', 't'),
        client.headManifest('one/b', 'x', ['repository:one/b:pull,push']),
      ]);
      const asked = reg.tokenServer!.requests.slice(before);
      expect(asked).toHaveLength(1);
      expect(asked[0]!.scopes.sort()).toEqual([
        'repository:one/a:pull',
        'repository:one/b:pull,push',
      ]);
      client.close();
    } finally {
      await reg.stop();
    }
  });

  test('basic registry without credentials: AUTH error; TLS registry without its CA: NETWORK error, no http fallback', async () => {
    const basic = await startRegistry({ variant: 'basic' });
    const tls = await startRegistry({ variant: 'tls' });
    try {
      const anon = new RegistryClient({ host: basic.host, transportOptions: { retries: 0 } });
      await expect(anon.getManifest('x/y', 'z')).rejects.toMatchObject({ code: 'AUTH' });
      const noCa = new RegistryClient({ host: tls.host, transportOptions: { retries: 0 } });
      await expect(noCa.getManifest('x/y', 'z')).rejects.toMatchObject({
        code: 'NETWORK',
        message: expect.stringMatching(/certificate|self[- ]signed/i),
      });
      const insecure = new RegistryClient({
        host: tls.host,
        transportOptions: { retries: 0, insecure: true },
      });
      await expect(insecure.getManifest('x/y', 'z')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      [anon, noCa, insecure].forEach((c) => c.close());
    } finally {
      await basic.stop();
      await tls.stop();
    }
  });
});
