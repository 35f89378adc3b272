/**
 * HTTP(S)_PROXY / NO_PROXY support: connections are tunnelled through the proxy with CONNECT
 * (TLS to the registry is then negotiated end to end through the tunnel).
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { basic } from './basic-auth.js';

type Env = Record<string, string | undefined>;

function envValue(env: Env, name: string): string | undefined {
  return env[name.toLowerCase()] ?? env[name.toUpperCase()];
}

/** True when NO_PROXY exempts `url` (entries: `*`, host, `.suffix`, `suffix`, `host:port`). */
export function bypassesProxy(url: URL, env: Env): boolean {
  const noProxy = envValue(env, 'no_proxy');
  if (!noProxy) return false;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((raw) => {
      const entry = raw.toLowerCase();
      if (entry === '*') return true;
      const [h, p] = entry.startsWith('[')
        ? [entry.slice(1, entry.indexOf(']')), entry.split(']:')[1]]
        : (entry.split(':') as [string, string | undefined]);
      if (p && p !== port) return false;
      const bare = h!.replace(/^\*?\./, '');
      return host === bare || host.endsWith(`.${bare}`);
    });
}

/** The proxy to use for `url`, from HTTPS_PROXY / HTTP_PROXY (lower case first), or undefined. */
export function proxyFor(url: URL, env: Env): URL | undefined {
  const value =
    url.protocol === 'https:'
      ? (envValue(env, 'https_proxy') ?? envValue(env, 'all_proxy'))
      : (envValue(env, 'http_proxy') ?? envValue(env, 'all_proxy'));
  if (!value || bypassesProxy(url, env)) return undefined;
  try {
    return new URL(value.includes('://') ? value : `http://${value}`);
  } catch {
    return undefined;
  }
}

type Callback = (err: Error | null, socket?: Duplex) => void;

function connectTunnel(
  proxy: URL,
  host: string,
  port: number,
  cb: (err: Error | null, socket?: Duplex) => void,
): void {
  const headers: Record<string, string> = { host: `${host}:${port}` };
  if (proxy.username)
    headers['proxy-authorization'] = basic(
      decodeURIComponent(proxy.username),
      decodeURIComponent(proxy.password),
    );
  const lib = proxy.protocol === 'https:' ? https : http;
  const req = lib.request({
    host: proxy.hostname,
    port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
    method: 'CONNECT',
    path: `${host}:${port}`,
    headers,
  });
  req.once('connect', (res, socket) => {
    if (res.statusCode === 200) cb(null, socket);
    else {
      socket.destroy();
      cb(new Error(`proxy ${proxy.host} refused CONNECT ${host}:${port}: HTTP ${res.statusCode}`));
    }
  });
  req.once('error', (e) => cb(e));
  req.end();
}

/** An http.Agent whose connections go through a CONNECT tunnel. */
export class TunnelHttpAgent extends http.Agent {
  constructor(
    private readonly proxy: URL,
    options: http.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: http.ClientRequestArgs, cb: Callback): undefined {
    connectTunnel(
      this.proxy,
      String(options.hostname ?? options.host),
      Number(options.port ?? 80),
      cb,
    );
    return undefined;
  }
}

/** An https.Agent whose TLS connections run inside a CONNECT tunnel. */
export class TunnelHttpsAgent extends https.Agent {
  constructor(
    private readonly proxy: URL,
    options: https.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(
    options: tls.ConnectionOptions & { hostname?: string; host?: string },
    cb: Callback,
  ): undefined {
    const host = String(options.hostname ?? options.host);
    connectTunnel(this.proxy, host, Number(options.port ?? 443), (err, socket) => {
      if (err || !socket) return cb(err ?? new Error('no tunnel'));
      const secure = tls.connect({
        ...options,
        socket,
        servername: options.servername ?? (/^[\d.:]+$/.test(host) ? undefined : host),
      });
      let done = false;
      const settle = (e: Error | null): void => {
        if (done) return;
        done = true;
        if (e) cb(e);
        else cb(null, secure);
      };
      secure.once('secureConnect', () => settle(null));
      secure.once('error', (e) => settle(e));
    });
    return undefined;
  }
}
