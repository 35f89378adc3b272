/**
 * A loopback TCP proxy that delays every chunk by a fixed time in each direction, so a local
 * registry behaves like one RTT = 2 × delay away. It counts the TCP connections opened.
 */
import net from 'node:net';

export interface LatencyProxy {
  host: string;
  port: number;
  connections: number;
  setDelay(ms: number): void;
  reset(): void;
  close(): Promise<void>;
}

function pipeDelayed(from: net.Socket, to: net.Socket, delay: () => number): void {
  from.on('data', (chunk) => {
    const d = delay();
    if (d === 0) to.write(chunk);
    else setTimeout(() => to.writable && to.write(chunk), d);
  });
  from.on('end', () => {
    const d = delay();
    if (d === 0) to.end();
    else setTimeout(() => to.end(), d);
  });
  from.on('error', () => to.destroy());
}

/** Starts a proxy on a free 127.0.0.1 port forwarding to `target` (host:port). */
export async function startLatencyProxy(target: string): Promise<LatencyProxy> {
  const [host, port] = target.split(':') as [string, string];
  let delayMs = 0;
  const sockets = new Set<net.Socket>();
  const state = { connections: 0 };
  const server = net.createServer((client) => {
    state.connections++;
    const upstream = net.connect(Number(port), host);
    sockets.add(client).add(upstream);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
    pipeDelayed(client, upstream, () => delayMs);
    pipeDelayed(upstream, client, () => delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address() as net.AddressInfo;
  return {
    host: `127.0.0.1:${addr.port}`,
    port: addr.port,
    get connections() { return state.connections; },
    setDelay: (ms) => { delayMs = ms; },
    reset: () => { state.connections = 0; },
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
