/**
 * Connections opened ahead of a fan-out (plain-HTTP registries): the requests that follow run on
 * them, opening none of their own, and each connection goes back to the pool after its request.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { HttpTransport } from '../../src/registry/http.js';

let server: http.Server;
let connections = 0;
let origin: URL;

beforeAll(async () => {
  server = http.createServer((_req, res) => setTimeout(() => res.end('ok'), 20));
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('prewarmed connections', () => {
  test('five requests at once, then five more, run on the five connections opened ahead', async () => {
    const t = new HttpTransport({ http2: false });
    try {
      connections = 0;
      t.prewarm(origin, 5);
      await new Promise((r) => setTimeout(r, 100));
      expect(connections).toBe(5);
      for (let round = 0; round < 2; round++) {
        const answers = await Promise.all(
          Array.from({ length: 5 }, () => t.send({ method: 'GET', url: `${origin.origin}/v2/` })),
        );
        expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      }
      expect(connections).toBe(5);
      // Asking again opens nothing: the pool already holds them.
      t.prewarm(origin, 5);
      await new Promise((r) => setTimeout(r, 100));
      expect(connections).toBe(5);
    } finally {
      t.close();
    }
  });

  test('connections still opening count: prewarms in a row (one per document) open the number once', async () => {
    const t = new HttpTransport({ http2: false });
    try {
      connections = 0;
      // Synchronous calls: none of the first five has connected when the next prewarms ask.
      t.prewarm(origin, 5);
      t.prewarm(origin, 5);
      t.prewarm(origin, 3);
      t.prewarm(origin, 6);
      while (connections < 6) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 100));
      expect(connections).toBe(6);
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => t.send({ method: 'GET', url: `${origin.origin}/v2/` })),
      );
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(connections).toBe(6);
    } finally {
      t.close();
    }
  });

  test('the pool is sized by maxSockets (the CLI passes --concurrency): prewarm and requests stay within it', async () => {
    const t = new HttpTransport({ http2: false, maxSockets: 3 });
    try {
      connections = 0;
      t.prewarm(origin, 10);
      while (connections < 3) await new Promise((r) => setTimeout(r, 10));
      const answers = await Promise.all(
        Array.from({ length: 9 }, () => t.send({ method: 'GET', url: `${origin.origin}/v2/` })),
      );
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(connections).toBe(3);
    } finally {
      t.close();
    }
  });

  test('https origins (HTTP/2 multiplexes) and proxied origins are left alone', async () => {
    const t = new HttpTransport({ env: { HTTP_PROXY: 'http://127.0.0.1:9' } });
    try {
      connections = 0;
      t.prewarm(new URL('https://127.0.0.1:1'), 5);
      t.prewarm(origin, 5);
      await new Promise((r) => setTimeout(r, 100));
      expect(connections).toBe(0);
    } finally {
      t.close();
    }
  });
});
