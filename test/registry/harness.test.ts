/**
 * The registry harness's four variants, each checked by a test that fails if the variant is broken,
 * using the harness's own client (never src/registry).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { request } from '../helpers/http.js';
import { HarnessClient } from '../helpers/harness-client.js';
import { startRegistry, type RegistryHandle } from '../helpers/registry.js';
import { seedImage, STANDARD_PLATFORMS } from '../helpers/seed.js';

describe('plain registry', () => {
  let reg: RegistryHandle;
  beforeAll(async () => {
    reg = await startRegistry({ variant: 'plain' });
  });
  afterAll(async () => reg?.stop());

  test('answers /v2/ without auth and stores what is pushed', async () => {
    expect((await request(`${reg.url}/v2/`)).status).toBe(200);
    const client = new HarnessClient(reg);
    const img = await seedImage(client, {
      repository: 'plain/app',
      tag: 'amd64',
      platform: STANDARD_PLATFORMS['amd64']!,
    });
    const got = await client.getManifest('plain/app', 'amd64');
    expect(got.status).toBe(200);
    expect(got.headers['docker-content-digest']).toBe(img.digest);
    expect(got.body.equals(img.bytes)).toBe(true);
  });
});

describe('basic-auth registry (htpasswd)', () => {
  let reg: RegistryHandle;
  beforeAll(async () => {
    reg = await startRegistry({ variant: 'basic' });
  });
  afterAll(async () => reg?.stop());

  test('refuses anonymous requests with a Basic challenge', async () => {
    const res = await request(`${reg.url}/v2/`);
    expect(res.status).toBe(401);
    expect(String(res.headers['www-authenticate'])).toMatch(/^Basic realm=/);
  });

  test('refuses an anonymous push and a push with a wrong password', async () => {
    const anon = new HarnessClient(reg, null);
    await expect(
      seedImage(anon, {
        repository: 'basic/app',
        tag: 'x',
        platform: STANDARD_PLATFORMS['amd64']!,
      }),
    ).rejects.toThrow(/HTTP 401/);
    const wrong = new HarnessClient(reg, { username: reg.username!, password: 'not-the-password' });
    await expect(
      seedImage(wrong, {
        repository: 'basic/app',
        tag: 'x',
        platform: STANDARD_PLATFORMS['amd64']!,
      }),
    ).rejects.toThrow(/HTTP 401/);
  });

  test('accepts the configured user', async () => {
    const client = new HarnessClient(reg);
    const img = await seedImage(client, {
      repository: 'basic/app',
      tag: 'amd64',
      platform: STANDARD_PLATFORMS['amd64']!,
    });
    expect((await client.getManifest('basic/app', 'amd64')).headers['docker-content-digest']).toBe(
      img.digest,
    );
  });
});

describe('TLS registry with a generated CA', () => {
  let reg: RegistryHandle;
  beforeAll(async () => {
    reg = await startRegistry({ variant: 'tls' });
  });
  afterAll(async () => reg?.stop());

  test('serves HTTPS that verifies with the CA and fails without it', async () => {
    expect(reg.url.startsWith('https://')).toBe(true);
    const client = new HarnessClient(reg);
    const img = await seedImage(client, {
      repository: 'tls/app',
      tag: 'arm64',
      platform: STANDARD_PLATFORMS['arm64']!,
    });
    expect((await client.getManifest('tls/app', 'arm64')).headers['docker-content-digest']).toBe(
      img.digest,
    );
    await expect(request(`${reg.url}/v2/`)).rejects.toThrow(
      /self[- ]signed|unable to verify|certificate/i,
    );
  });
});

describe('bearer-token registry that verifies the tokens it is given', () => {
  let reg: RegistryHandle;
  beforeAll(async () => {
    reg = await startRegistry({ variant: 'token' });
  });
  afterAll(async () => reg?.stop());

  test('sends a Bearer challenge naming the token server realm', async () => {
    const res = await request(`${reg.url}/v2/`);
    expect(res.status).toBe(401);
    expect(String(res.headers['www-authenticate'])).toContain(`realm="${reg.tokenServer!.realm}"`);
  });

  test('accepts a push with a pull,push token and records the scopes asked', async () => {
    const client = new HarnessClient(reg);
    const img = await seedImage(client, {
      repository: 'tok/app',
      tag: 'ppc',
      platform: STANDARD_PLATFORMS['ppc64le']!,
    });
    expect((await client.getManifest('tok/app', 'ppc')).headers['docker-content-digest']).toBe(
      img.digest,
    );
    expect(
      reg.tokenServer!.requests.some(
        (r) => r.account === reg.username && r.scopes.includes('repository:tok/app:pull,push'),
      ),
    ).toBe(true);
  });

  test('refuses a push with a pull-only token, a token for another repository, and a forged token', async () => {
    const ts = reg.tokenServer!;
    const put = (token: string): Promise<{ status: number }> =>
      request(`${reg.url}/v2/tok/app/blobs/uploads/`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await put(ts.issue('alice', [{ name: 'tok/app', actions: ['pull'] }]))).status).toBe(
      401,
    );
    expect(
      (await put(ts.issue('alice', [{ name: 'tok/other', actions: ['pull', 'push'] }]))).status,
    ).toBe(401);
    const good = ts.issue('alice', [{ name: 'tok/app', actions: ['pull', 'push'] }]);
    expect((await put(good)).status).toBe(202);
    const parts = good.split('.');
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as {
      access: { name: string }[];
    };
    claims.access[0]!.name = 'tok/forged';
    const forged = `${parts[0]}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${parts[2]}`;
    const forgedRes = await request(`${reg.url}/v2/tok/forged/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(forgedRes.status).toBe(401);
  });

  test('gives anonymous callers pull only: an anonymous push is refused', async () => {
    const anon = new HarnessClient(reg, null);
    await expect(
      seedImage(anon, { repository: 'tok/anon', tag: 'x', platform: STANDARD_PLATFORMS['amd64']! }),
    ).rejects.toThrow(/HTTP 401/);
  });
});
