/**
 * A loopback TCP proxy that delays every chunk by a fixed time in each direction, so a local
 * registry behaves like one RTT = 2 × delay away: a new connection costs one RTT before its
 * first byte, and a TLS handshake (which passes through) its own round trips. It counts the TCP connections opened and the
 * HTTP requests that pass (request lines in the client's plain-HTTP stream), whoever the client.
 */
import net from 'node:net';

export interface LatencyProxy {
  host: string;
  port: number;
  connections: number;
  /** HTTP/1.1 request lines seen from clients since the last reset. */
  requests: number;
  setDelay(ms: number): void;
  reset(): void;
  close(): Promise<void>;
}

/**
 * Forwards `from` to `to`, each chunk `delay()` later. `notBefore` holds data back until a time
 * (the end of a simulated TCP handshake); arrival order is kept.
 */
function pipeDelayed(from: net.Socket, to: net.Socket, delay: () => number, notBefore = 0): void {
  from.on('data', (chunk) => {
    const d = Math.max(delay(), notBefore - Date.now() + delay());
    if (d <= 0) {
      if (to.writable) to.write(chunk);
    } else setTimeout(() => to.writable && to.write(chunk), d);
  });
  from.on('end', () => {
    const d = delay();
    if (d === 0) to.end();
    else setTimeout(() => to.writable && to.end(), d);
  });
  from.on('error', () => to.destroy());
}

// Not anchored to a line start: on a kept-alive connection the next request follows the last
// byte of the previous request's body. Bodies here are JSON and gzip, which never hold this shape.
const REQUEST_LINE = /(?:GET|HEAD|PUT|POST|PATCH|DELETE) \/\S* HTTP\/1\.[01]\r\n/g;

/**
 * Counts request lines in one connection's client stream. A request line split across two
 * chunks is still seen once: the scan keeps the tail of the previous chunk.
 */
function requestCounter(onRequest: () => void): (chunk: Buffer) => void {
  let tail = '';
  return (chunk) => {
    const text = tail + chunk.toString('latin1');
    REQUEST_LINE.lastIndex = 0;
    let end = 0;
    for (let m = REQUEST_LINE.exec(text); m; m = REQUEST_LINE.exec(text)) {
      if (m.index + m[0].length > tail.length) onRequest();
      end = m.index + m[0].length;
    }
    tail = text.slice(Math.max(end, text.length - 2048));
  };
}

/** Starts a proxy on a free 127.0.0.1 port forwarding to `target` (host:port). */
export async function startLatencyProxy(target: string): Promise<LatencyProxy> {
  const [host, port] = target.split(':') as [string, string];
  let delayMs = 0;
  const sockets = new Set<net.Socket>();
  const state = { connections: 0, requests: 0 };
  const server = net.createServer((client) => {
    state.connections++;
    client.on(
      'data',
      requestCounter(() => {
        state.requests++;
      }),
    );
    const upstream = net.connect(Number(port), host);
    // The wire does not batch: Nagle's algorithm is the endpoints' business, not the proxy's.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
    // A new TCP connection costs one round trip (SYN, SYN-ACK) before its first byte can leave.
    pipeDelayed(client, upstream, () => delayMs, Date.now() + 2 * delayMs);
    pipeDelayed(upstream, client, () => delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address() as net.AddressInfo;
  return {
    host: `127.0.0.1:${addr.port}`,
    port: addr.port,
    get connections() {
      return state.connections;
    },
    get requests() {
      return state.requests;
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    reset: () => {
      state.connections = 0;
      state.requests = 0;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
