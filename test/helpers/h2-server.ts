/**
 * A small in-memory registry that speaks HTTP/2 only (TLS, ALPN h2, no HTTP/1.1), for what a
 * real registry will not do on demand: send GOAWAY to drain a connection, or refuse a stream
 * with REFUSED_STREAM. Manifests by tag and digest, blobs, and chunked uploads (POST, PATCH,
 * PUT) — enough for the client's operations; no auth.
 */
import { createHash, randomUUID } from 'node:crypto';
import http2 from 'node:http2';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { makeServerCerts } from './pki.js';

export interface H2Seen {
  method: string;
  path: string;
  /** Which connection (session) carried it, counted from 1. */
  session: number;
}

/**
 * What to do with one request: answer it, refuse the stream unprocessed (REFUSED_STREAM), reset
 * it with INTERNAL_ERROR (it may have been processed), or answer and then send GOAWAY.
 */
export type H2Action = 'refuse' | 'reset' | 'goaway-after' | undefined;

export interface H2Registry {
  host: string;
  ca: Buffer;
  seen: H2Seen[];
  sessions: number;
  /** Decides per request (`count` counts requests from 1). */
  setAction(fn: ((req: H2Seen, count: number) => H2Action) | undefined): void;
  putManifest(repo: string, tag: string, mediaType: string, bytes: Buffer): string;
  putBlob(repo: string, bytes: Buffer): string;
  blob(repo: string, digest: string): Buffer | undefined;
  close(): Promise<void>;
}

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export async function startH2Registry(): Promise<H2Registry> {
  const certs = makeServerCerts();
  const manifests = new Map<string, { mediaType: string; bytes: Buffer }>();
  const blobs = new Map<string, Buffer>();
  const uploads = new Map<string, Buffer[]>();
  const seen: H2Seen[] = [];
  let sessions = 0;
  let action: ((req: H2Seen, count: number) => H2Action) | undefined;
  const server = http2.createSecureServer({
    key: readFileSync(certs.key),
    cert: readFileSync(certs.cert),
    allowHTTP1: false,
  });
  const live = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    sessions += 1;
    (s as unknown as { n: number }).n = sessions;
    live.add(s);
    s.on('close', () => live.delete(s));
    s.on('error', () => undefined);
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    const method = String(headers[':method']);
    const url = new URL(String(headers[':path']), 'https://h2.invalid');
    const req: H2Seen = {
      method,
      path: `${url.pathname}${url.search}`,
      session: (stream.session as unknown as { n: number }).n,
    };
    seen.push(req);
    const what = action?.(req, seen.length);
    if (what === 'refuse' || what === 'reset') {
      stream.close(
        what === 'refuse'
          ? http2.constants.NGHTTP2_REFUSED_STREAM
          : http2.constants.NGHTTP2_INTERNAL_ERROR,
      );
      return;
    }
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const body = Buffer.concat(chunks);
      const answer = (status: number, h: Record<string, string> = {}, out?: Buffer): void => {
        if (stream.destroyed) return;
        stream.respond({ ':status': status, ...h });
        stream.end(method === 'HEAD' ? undefined : out);
        if (what === 'goaway-after') stream.session?.goaway(http2.constants.NGHTTP2_NO_ERROR);
      };
      let m: RegExpExecArray | null;
      if (url.pathname === '/v2/')
        return answer(200, { 'content-type': 'application/json' }, Buffer.from('{}'));
      if ((m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname))) {
        const key = `${m[1]}@${m[2]}`;
        if (method === 'PUT') {
          const digest = sha(body);
          const value = { mediaType: String(headers['content-type']), bytes: body };
          manifests.set(`${m[1]}@${digest}`, value);
          manifests.set(key, value);
          return answer(201, { 'docker-content-digest': digest });
        }
        const found = manifests.get(key);
        if (!found) return answer(404, {}, Buffer.from('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}'));
        return answer(
          200,
          {
            'content-type': found.mediaType,
            'docker-content-digest': sha(found.bytes),
            'content-length': String(found.bytes.length),
          },
          found.bytes,
        );
      }
      if ((m = /^\/v2\/(.+)\/blobs\/(sha256:[0-9a-f]{64})$/.exec(url.pathname))) {
        const found = blobs.get(`${m[1]}@${m[2]}`);
        if (!found) return answer(404);
        return answer(200, { 'content-length': String(found.length) }, found);
      }
      if ((m = /^\/v2\/(.+)\/blobs\/uploads\/$/.exec(url.pathname)) && method === 'POST') {
        const id = randomUUID();
        uploads.set(id, []);
        return answer(202, { location: `/v2/${m[1]}/blobs/uploads/${id}`, range: '0-0' });
      }
      if ((m = /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/.exec(url.pathname))) {
        const parts = uploads.get(m[2]!);
        if (!parts) return answer(404);
        if (method === 'PATCH') {
          parts.push(body);
          const held = Buffer.concat(parts).length;
          return answer(202, { location: url.pathname, range: `0-${Math.max(0, held - 1)}` });
        }
        if (method === 'PUT') {
          parts.push(body);
          const all = Buffer.concat(parts);
          const digest = url.searchParams.get('digest');
          if (sha(all) !== digest) return answer(400);
          blobs.set(`${m[1]}@${digest}`, all);
          uploads.delete(m[2]!);
          return answer(201, { 'docker-content-digest': digest });
        }
      }
      answer(404);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    ca: readFileSync(certs.caCert),
    seen,
    get sessions() {
      return sessions;
    },
    setAction: (fn) => (action = fn),
    putManifest(repo, tag, mediaType, bytes) {
      const digest = sha(bytes);
      manifests.set(`${repo}@${tag}`, { mediaType, bytes });
      manifests.set(`${repo}@${digest}`, { mediaType, bytes });
      return digest;
    },
    putBlob(repo, bytes) {
      const digest = sha(bytes);
      blobs.set(`${repo}@${digest}`, bytes);
      return digest;
    },
    blob: (repo, digest) => blobs.get(`${repo}@${digest}`),
    close: () =>
      new Promise<void>((r) => {
        for (const s of live) s.destroy();
        server.close(() => r());
      }),
  };
}
