/**
 * HTTP/2 that goes away: a server that sends GOAWAY (a restart, a load balancer draining its
 * connections) and one that refuses streams with REFUSED_STREAM (RFC 9113 §8.7: not processed,
 * safe to send again). A real registry cannot be made to do either on demand, so this is an
 * HTTP/2-only test server (test/helpers/h2-server.ts). Streamed requests (a blob copy's GET and
 * PATCH) go over the same HTTP/2 session as every other request.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { silentLogger } from '../../src/log.js';
import { copyBlob } from '../../src/registry/blob-copy.js';
import { RegistryClient } from '../../src/registry/client.js';
import { startH2Registry, type H2Registry } from '../helpers/h2-server.js';

const MT = 'application/vnd.oci.image.manifest.v1+json';
let server: H2Registry;
let manifest: Buffer;
let digest: string;
const clients: RegistryClient[] = [];

function client(): RegistryClient {
  const c = new RegistryClient({
    host: server.host,
    transportOptions: { ca: server.ca, retries: 2, backoffMs: 5 },
  });
  clients.push(c);
  return c;
}
/** Lets a frame the server sent (GOAWAY) reach the client before the next request. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));

beforeAll(async () => {
  server = await startH2Registry();
  manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MT,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        size: 2,
        digest: `sha256:${'0'.repeat(64)}`,
      },
      layers: [],
    }),
  );
  digest = server.putManifest('app', 'v1', MT, manifest);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
});

describe('GOAWAY', () => {
  test('after a GOAWAY, the next requests open a new session instead of failing on the old one', async () => {
    const c = client();
    const sessionsBefore = server.sessions;
    server.setAction(() => 'goaway-after');
    try {
      for (let i = 0; i < 4; i++) {
        const m = await c.getManifest('app', 'v1');
        expect(m.digest).toBe(digest);
        await settle();
      }
    } finally {
      server.setAction(undefined);
    }
    // The ping and four GETs, each answered and then drained: one session per request.
    expect(server.sessions - sessionsBefore).toBeGreaterThanOrEqual(4);
  });
});

describe('REFUSED_STREAM', () => {
  test('a refused GET and a refused manifest PUT are sent again and succeed', async () => {
    const c = client();
    await c.baseUrl();
    const refused = new Set<string>();
    server.setAction((r) => {
      const key = `${r.method} ${r.path}`;
      if (r.path === '/v2/' || refused.has(key)) return undefined;
      refused.add(key);
      return 'refuse';
    });
    const start = server.seen.length;
    try {
      expect((await c.getManifest('app', 'v1')).digest).toBe(digest);
      expect(await c.putManifest('app', 'v2', manifest, MT)).toBe(digest);
    } finally {
      server.setAction(undefined);
    }
    const seen = server.seen.slice(start).map((r) => `${r.method} ${r.path}`);
    expect(seen.filter((s) => s === 'GET /v2/app/manifests/v1')).toHaveLength(2);
    expect(seen.filter((s) => s === 'PUT /v2/app/manifests/v2')).toHaveLength(2);
  });

  test('a stream reset for another reason (INTERNAL_ERROR: it may have been processed) is not sent again', async () => {
    const c = client();
    await c.baseUrl();
    const start = server.seen.length;
    server.setAction((r) => (r.path.includes('/manifests/v3') ? 'reset' : undefined));
    try {
      await expect(c.putManifest('app', 'v3', manifest, MT)).rejects.toThrow(/INTERNAL_ERROR/);
    } finally {
      server.setAction(undefined);
    }
    expect(server.seen.slice(start).filter((r) => r.path.includes('/v3'))).toHaveLength(1);
  });

  test('a stream refused every time fails once the retries are spent, saying so', async () => {
    const c = client();
    await c.baseUrl();
    const start = server.seen.length;
    server.setAction((r) => (r.path.includes('/manifests/v4') ? 'refuse' : undefined));
    try {
      await expect(c.putManifest('app', 'v4', manifest, MT)).rejects.toThrow(/REFUSED_STREAM/);
    } finally {
      server.setAction(undefined);
    }
    // The first attempt and both retries.
    expect(server.seen.slice(start).filter((r) => r.path.includes('/v4'))).toHaveLength(3);
  });
});

describe('streamed bodies over HTTP/2', () => {
  test('a blob copy (streamed GET and PATCH) runs on the one HTTP/2 session, and a refused PATCH restarts the blob', async () => {
    const c = client();
    await c.baseUrl();
    const bytes = randomBytes(300 * 1024);
    const blob = server.putBlob('src', bytes);
    const start = server.seen.length;
    let patches = 0;
    server.setAction((r) => (r.method === 'PATCH' && ++patches === 1 ? 'refuse' : undefined));
    try {
      const out = await copyBlob(
        { client: c, repo: 'src' },
        { client: c, repo: 'dst' },
        { digest: blob, size: bytes.length },
        { logger: silentLogger() },
      );
      expect(out).toBe('copied');
    } finally {
      server.setAction(undefined);
    }
    expect(server.blob('dst', blob)?.equals(bytes)).toBe(true);
    const seen = server.seen.slice(start);
    expect(seen.filter((r) => r.method === 'PATCH')).toHaveLength(2);
    expect(seen.filter((r) => r.method === 'GET' && r.path.endsWith(blob)).length).toBeGreaterThan(
      0,
    );
    // This server speaks HTTP/2 only; every request shared one session.
    expect(new Set(seen.map((r) => r.session)).size).toBe(1);
  });
});
