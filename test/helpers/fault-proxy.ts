/**
 * A fault-injecting HTTP proxy in front of a real registry, for what a real registry cannot be
 * made to do: 429 with Retry-After, 5xx bursts, resets mid-body, truncated or oversized bodies,
 * wrong digests, hostile redirects and realms, slow answers. It records every request (with its
 * headers, so tests can assert where credentials went) and the peak number in flight.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  at: number;
  /** Set when the client closed the connection before the answer was sent (it gave up, or aborted). */
  cut?: boolean;
}

export type Fault =
  | { kind: 'answer'; status: number; headers?: Record<string, string>; body?: string | Buffer }
  | { kind: 'reset' }
  | { kind: 'truncate' }
  | { kind: 'delay'; ms: number }
  | { kind: 'rewrite'; headers?: Record<string, string>; body?: Buffer }
  | { kind: 'forward-to'; url: string }
  /** Forward, then run `then` (another writer, a pause) before answering with the registry's answer. */
  | { kind: 'after'; then: () => Promise<void> }
  /** Forward (the registry acts on the request), then cut the connection: the answer is lost. */
  | { kind: 'lose-answer' }
  /** Forward without the Authorization header: the registry itself refuses (a token it no longer accepts). */
  | { kind: 'strip-auth' };

export type FaultFn = (req: Recorded, count: number) => Fault | undefined;

export interface FaultProxy {
  /** Requests in flight when the peak was reached (for diagnosing a concurrency failure). */
  peakSnapshot: string[];
  host: string;
  url: string;
  requests: Recorded[];
  peakInFlight: number;
  /** TCP connections accepted since start (or since `setFault`). */
  connections: number;
  /** `track`: which requests the in-flight peak counts (default: all). */
  setFault(fn: FaultFn | undefined, track?: (req: Recorded) => boolean): void;
  close(): Promise<void>;
}

function forward(
  upstream: URL,
  req: http.IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const out = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 502,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

/** Starts the proxy on a free 127.0.0.1 port, forwarding to `upstreamUrl` (http). */
export async function startFaultProxy(upstreamUrl: string): Promise<FaultProxy> {
  const upstream = new URL(upstreamUrl);
  let fault: FaultFn | undefined;
  const requests: Recorded[] = [];
  const counts = new Map<string, number>();
  let inFlight = 0;
  let epoch = 0;
  let tracked: ((req: Recorded) => boolean) | undefined;
  const live = new Set<string>();
  const state = { peakInFlight: 0, peakSnapshot: [] as string[], connections: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void handle(req, res, Buffer.concat(chunks)));
  });
  async function handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: Buffer,
  ): Promise<void> {
    const rec: Recorded = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      at: Date.now(),
    };
    requests.push(rec);
    res.on('close', () => {
      if (!res.writableFinished) rec.cut = true;
    });
    const key = `${rec.method} ${rec.url.split('?')[0]}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    const mine = tracked && !tracked(rec) ? -1 : epoch;
    if (mine === epoch) inFlight++;
    const tag = `${rec.method} ${rec.url} #${requests.length}`;
    if (mine === epoch) live.add(tag);
    if (mine === epoch && inFlight > state.peakInFlight) {
      state.peakInFlight = inFlight;
      state.peakSnapshot = [...live];
    }
    try {
      const f = fault?.(rec, n);
      if (f?.kind === 'answer')
        return void res.writeHead(f.status, f.headers ?? {}).end(f.body ?? '');
      if (f?.kind === 'reset') return void req.socket.destroy();
      // Unreferenced: a slow answer the CLI gave up on must not keep the test worker alive after the suite.
      if (f?.kind === 'delay') await new Promise((r) => setTimeout(r, f.ms).unref());
      if (f?.kind === 'forward-to') req.url = f.url;
      if (f?.kind === 'strip-auth') delete req.headers['authorization'];
      const up = await forward(upstream, req, body);
      if (f?.kind === 'after') await f.then();
      if (f?.kind === 'lose-answer') return void req.socket.destroy();
      const headers = { ...up.headers };
      if (f?.kind === 'truncate') {
        res.writeHead(up.status, { ...headers, 'content-length': String(up.body.length) });
        res.write(up.body.subarray(0, Math.floor(up.body.length / 2)));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      if (f?.kind === 'rewrite') {
        Object.assign(headers, f.headers ?? {});
        const b = f.body ?? up.body;
        headers['content-length'] = String(b.length);
        return void res.writeHead(up.status, headers).end(rec.method === 'HEAD' ? undefined : b);
      }
      res.writeHead(up.status, headers).end(rec.method === 'HEAD' ? undefined : up.body);
    } catch (err) {
      if (!res.headersSent) res.writeHead(502).end(String(err));
    } finally {
      // Requests left over from an earlier test (a slow answer, say) do not count against the next one.
      if (mine === epoch) inFlight--;
      live.delete(tag);
    }
  }
  server.on('connection', () => {
    state.connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    requests,
    get peakInFlight() {
      return state.peakInFlight;
    },
    get peakSnapshot() {
      return state.peakSnapshot;
    },
    get connections() {
      return state.connections;
    },
    setFault: (fn, track) => {
      fault = fn;
      tracked = track;
      counts.clear();
      state.peakInFlight = 0;
      state.connections = 0;
      state.peakSnapshot = [];
      epoch++;
      inFlight = 0;
      live.clear();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A listener that records what reaches it (an "attacker" host for realm and redirect tests). */
export async function startRecorder(
  answer: (req: http.IncomingMessage) => {
    status: number;
    headers?: Record<string, string>;
    body?: string | Buffer;
  } = () => ({ status: 200 }),
): Promise<{ url: string; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    requests.push({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      at: Date.now(),
    });
    const a = answer(req);
    res.writeHead(a.status, a.headers ?? {}).end(a.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A CONNECT proxy (HTTPS_PROXY) that records the tunnels it opened. */
export async function startConnectProxy(): Promise<{
  url: string;
  tunnels: string[];
  close(): Promise<void>;
}> {
  const net = await import('node:net');
  const tunnels: string[] = [];
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
