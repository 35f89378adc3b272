/**
 * The single got instance: keep-alive pools (direct or through a proxy), timeouts, one retry
 * policy, an overall deadline, body size caps and one debug line per HTTP exchange. It knows
 * nothing about manifests or auth.
 *
 * got is imported on first use, not at start-up: the first request of a run (the registry
 * ping) goes out through `getEarly()` with node:http, and got loads while its answer travels.
 */
import http from 'node:http';
import https from 'node:https';
import type { ClientHttp2Session } from 'node:http2';
import net from 'node:net';
import type { Readable } from 'node:stream';
import type { Agents, Got, Method, RequestError, Response } from 'got';
import { AppError, RegistryError } from '../errors.js';
import { safeUrl, silentLogger, type Logger } from '../log.js';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import type { request as H2Request } from 'http2-wrapper';
import { proxyFor } from './proxy.js';

export interface HttpRequest {
  method: Method;
  url: string;
  headers?: Record<string, string>;
  /** A Buffer, never a stream, so a retry resends exactly the same bytes. */
  body?: Buffer;
  /** Abort reading (and fail) once the body exceeds this many bytes. */
  maxBytes?: number;
  /**
   * Used instead of the overall deadline: a read after an interrupt (settling what a write that
   * was cut off did) runs on its own short grace period.
   */
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  url: string;
}

/** An answer whose body is read as a stream. */
export interface StreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  stream: Readable;
  url: string;
}

export interface TransportOptions {
  logger?: Logger;
  /** PEM CA bundle trusted in addition to the system roots. */
  ca?: string | Buffer;
  /** Skip TLS verification (the CLI sets it only for the hosts it is asked to). */
  insecure?: boolean;
  /** Retries after the first attempt. */
  retries?: number;
  /** Longest Retry-After honoured, in ms; a longer one fails the request at once. */
  maxRetryAfterMs?: number;
  /** Timeout of one attempt, in ms (connect to last byte). */
  timeoutMs?: number;
  /** Base backoff in ms for the first retry (doubled each time, with jitter). */
  backoffMs?: number;
  /** Aborts every request when it fires: the overall --timeout deadline. */
  deadline?: AbortSignal;
  /**
   * Negotiate HTTP/2 with https registries (ALPN), multiplexing every request to a host over one
   * connection; HTTP/1.1 keep-alive pools otherwise (plain http, proxies, servers without h2).
   * Default true.
   */
  http2?: boolean;
  /** Environment for HTTP(S)_PROXY and NO_PROXY. */
  env?: Record<string, string | undefined>;
  userAgent?: string;
  /**
   * HTTP/1.1 connections per origin (keep-alive pool). The CLI sizes it to --concurrency, so a
   * wave of requests is not split by the pool; default 64.
   */
  maxSockets?: number;
}

export const DEFAULT_MAX_BODY = 4 * 1024 * 1024;
/** Retried statuses: timeouts, rate limits and server errors. 4xx client errors (400, 401, 403, 404, 405, 413…) never are. */
export const RETRY_STATUS = [408, 429, 500, 502, 503, 504];
/**
 * HTTP/2 failures that mean the request was never processed, so it is safe to send again
 * whatever its method: a stream started on a session that had received GOAWAY, and a stream the
 * server reset with REFUSED_STREAM (RFC 9113 §8.7). Other stream resets are not retried.
 */
const H2_NOT_PROCESSED = ['ERR_HTTP2_GOAWAY_SESSION', 'ERR_HTTP2_STREAM_ERROR'];
export function h2NotProcessed(err: { code?: string; message?: string } | undefined): boolean {
  if (!err?.code) return false;
  if (err.code === 'ERR_HTTP2_GOAWAY_SESSION') return true;
  return err.code === 'ERR_HTTP2_STREAM_ERROR' && /REFUSED_STREAM/.test(err.message ?? '');
}
const RETRY_ERRORS = [
  ...H2_NOT_PROCESSED,
  'ETIMEDOUT',
  'ECONNRESET',
  'EADDRINUSE',
  'ECONNREFUSED',
  'EPIPE',
  'ENOTFOUND',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE',
];

/**
 * Marks an HTTP/2 session as closing for http2-wrapper's agent (its own flag, which it sets when
 * it retires a session itself), so that no new stream is put on it. Where the flag cannot be
 * found (another http2-wrapper), the session is closed: Node lets its open streams finish.
 */
function markClosing(session: object, flag: symbol | undefined): void {
  if (flag) (session as Record<symbol, unknown>)[flag] = true;
  else (session as { close(): void }).close();
}

/**
 * Whether a failed request is worth sending again — the one policy for buffered requests (got's
 * retry, configured from the same lists) and for streamed transfers (the blob copy's restart):
 * a connection that failed or was cut, a timeout, a status in RETRY_STATUS, an HTTP/2 request
 * the server never processed. Never a 4xx answer, a digest or auth problem, or our own abort.
 */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof RegistryError)) return false;
  if (err.details.aborted) return false;
  if (err.details.status !== undefined) return RETRY_STATUS.includes(err.details.status);
  if (err.code !== 'NETWORK') return false;
  const cause = (err.cause as { code?: string } | undefined)?.code;
  return !(cause && (CERT_UNKNOWN.has(cause) || /CERT|TLS|SSL|EPROTO/.test(cause)));
}

/** Retry-After as milliseconds: delta-seconds or an HTTP-date. Undefined when absent or unreadable. */
export function retryAfterMs(
  value: string | string[] | undefined,
  now = Date.now(),
): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Sends HTTP requests. One instance per registry host keeps one connection pool per host. */
const CERT_UNKNOWN = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
]);

/** What a person can do about a connection failure, by its error code (undefined: no advice). */
export function adviceFor(code: string | undefined, host: string): string | undefined {
  if (code === 'ECONNREFUSED')
    return `cannot connect to ${host}: connection refused — is the registry running, is the port right?`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `cannot connect to ${host}: the host name does not resolve — is it spelt right, is the network up?`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return `cannot connect to ${host}: no route to the host`;
  if (code && CERT_UNKNOWN.has(code))
    return `${host} presented a certificate from an unknown authority: trust its CA with --ca-file PEM or --cert-dir DIR, or (for a test registry only) skip verification with --insecure-registry ${host}`;
  if (code === 'CERT_HAS_EXPIRED') return `${host} presented an expired certificate`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `${host} presented a certificate for another name`;
  return undefined;
}

/** Connection failures that, when a proxy is in use, are the proxy's. */
const PROXY_CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** What to do when the proxy (HTTP(S)_PROXY) cannot be reached: it is named, not the registry. */
export function proxyAdvice(code: string | undefined, proxy: URL, host: string): string {
  const what =
    code === 'ECONNREFUSED'
      ? 'connection refused — is the proxy running, is its port right?'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'the proxy host name does not resolve'
        : 'no route to the proxy';
  return `cannot connect to the proxy ${proxy.host} (from HTTP_PROXY/HTTPS_PROXY) on the way to ${host}: ${what}; NO_PROXY=${host} bypasses it`;
}

export class HttpTransport {
  private got?: Promise<Got>;
  /** One HTTP/2 session per https origin (multiplexed requests); loaded with got. */
  private h2Agent?: { destroy(): void };
  /** http2-wrapper's request(), for streamed requests to an origin that negotiated h2. */
  private h2Request?: typeof H2Request;
  /** Origins whose answers came over HTTP/2: streamed requests to them go over the same session. */
  private readonly h2Origins = new Set<string>();
  private readonly logger: Logger;
  private readonly options: TransportOptions;
  private readonly agents = new Map<string, Agents>();
  /** Prewarm connections still opening, per agent socket name (counted against the wanted number). */
  private readonly opening = new Map<string, number>();
  /** Sent by got and by probe() alike. */
  private readonly headers: Record<string, string>;
  /** TLS verification for got and probe() alike, so both share the pool's sockets. */
  private readonly tls: { ca?: string | Buffer; rejectUnauthorized: boolean };

  constructor(options: TransportOptions = {}) {
    this.options = options;
    this.logger = options.logger ?? silentLogger();
    this.headers = { 'user-agent': options.userAgent ?? 'manifold' };
    this.tls = { ...(options.ca ? { ca: options.ca } : {}), rejectUnauthorized: !options.insecure };
  }

  /** The configured got instance, imported and built once, on first use. */
  private loadGot(): Promise<Got> {
    this.got ??= Promise.all([
      import('got'),
      this.options.http2 === false ? undefined : import('http2-wrapper'),
    ]).then(([{ default: got }, h2]) => {
      if (h2) {
        // The connection that negotiated h2 (ALPN) carries the first request; http2-wrapper keys
        // that session by its one-off createConnection and would open a second connection for
        // the next request. Keyed without it, every request shares the one session.
        const Base = h2.default.Agent;
        class SharedSessionAgent extends Base {
          override normalizeOptions(
            options: Parameters<InstanceType<typeof Base>['normalizeOptions']>[0],
          ): string {
            return super.normalizeOptions({
              ...options,
              createConnection: undefined,
            } as typeof options);
          }
        }
        const agent = new SharedSessionAgent({ timeout: 60_000 });
        // After a GOAWAY the session takes no new streams (RFC 9113 §6.8), but http2-wrapper
        // keeps offering it until it closes: marked as closing, the next request opens a new
        // session while the streams already on the old one finish there.
        agent.on('session', (session: ClientHttp2Session) =>
          session.once('goaway', () =>
            markClosing(session, (Base as { kGracefullyClosing?: symbol }).kGracefullyClosing),
          ),
        );
        this.h2Agent = agent;
        this.h2Request = h2.default.request;
      }
      return this.configure(got);
    });
    return this.got;
  }

  /** Whether a request to `url` goes over HTTP/2 (https, no proxy, h2 enabled). */
  private useHttp2(url: URL): boolean {
    return (
      this.h2Agent !== undefined &&
      url.protocol === 'https:' &&
      proxyFor(url, this.options.env ?? {}) === undefined
    );
  }

  private configure(got: Got): Got {
    const options = this.options;
    const backoff = options.backoffMs ?? 500;
    const cap = options.maxRetryAfterMs ?? 60_000;
    return got.extend({
      followRedirect: false,
      throwHttpErrors: false,
      decompress: true,
      https: { certificateAuthority: this.tls.ca, rejectUnauthorized: this.tls.rejectUnauthorized },
      timeout: {
        connect: 15_000,
        secureConnect: 15_000,
        response: 30_000,
        request: options.timeoutMs ?? 120_000,
      },
      headers: this.headers,
      signal: options.deadline,
      retry: {
        limit: options.retries ?? 3,
        methods: ['GET', 'HEAD', 'PUT', 'POST'],
        statusCodes: RETRY_STATUS,
        errorCodes: RETRY_ERRORS,
        maxRetryAfter: cap,
        calculateDelay: ({ attemptCount, computedValue, error }) => {
          if (computedValue === 0) return 0; // got's rules say no retry (or Retry-After over the cap)
          if (error.code === 'ERR_HTTP2_STREAM_ERROR' && !h2NotProcessed(error)) return 0;
          const after = retryAfterMs(error.response?.headers['retry-after']);
          if (after !== undefined) return after > cap ? 0 : Math.max(after, 1);
          return Math.min(backoff * 2 ** (attemptCount - 1), 30_000) * (0.8 + Math.random() * 0.4);
        },
      },
      hooks: {
        beforeRetry: [
          (error: RequestError, count: number) =>
            this.logger.debug(
              {
                url: safeUrl(error.options.url ?? ''),
                attempt: count + 1,
                reason: error.response ? `HTTP ${error.response.statusCode}` : error.code,
              },
              'retrying',
            ),
        ],
      },
    });
  }

  private agentsFor(url: URL): Agents {
    const proxy = proxyFor(url, this.options.env ?? {});
    const key = proxy ? proxy.href : 'direct';
    let agents = this.agents.get(key);
    if (!agents) {
      const opts = { keepAlive: true, maxSockets: Math.max(1, this.options.maxSockets ?? 64) };
      agents = proxy
        ? // hpagent: CONNECT tunnels for https (TLS end to end), absolute-form requests for http;
          // proxy credentials from the URL's userinfo.
          {
            http: new HttpProxyAgent({ ...opts, proxy }),
            https: new HttpsProxyAgent({ ...opts, proxy }),
          }
        : { http: new http.Agent(opts), https: new https.Agent(opts) };
      this.agents.set(key, agents);
      if (proxy) this.logger.debug({ proxy: proxy.origin, host: url.host }, 'using proxy');
    }
    return agents;
  }

  /**
   * Opens up to `count` connections to a plain-HTTP origin ahead of the requests that will need
   * them, into the keep-alive pool: a fan-out of HTTP/1.1 requests then finds connections ready
   * instead of paying a TCP handshake per wave. (HTTPS registries multiplex over HTTP/2 and need
   * one connection; proxied origins are left alone.) Best effort: a connection that fails is
   * simply not there.
   */
  prewarm(origin: URL, count: number): void {
    if (origin.protocol !== 'http:' || count <= 0 || proxyFor(origin, this.options.env ?? {}))
      return;
    const agent = this.agentsFor(origin).http as http.Agent;
    const options = { host: origin.hostname, port: Number(origin.port || 80) };
    const name = agent.getName(options);
    // Connections still opening count too: a second prewarm (or one per document) adds none.
    const opening = this.opening.get(name) ?? 0;
    const open =
      (agent.sockets[name]?.length ?? 0) + (agent.freeSockets[name]?.length ?? 0) + opening;
    for (let i = open; i < Math.min(count, agent.maxSockets); i++) {
      const socket = net.connect(options);
      this.opening.set(name, (this.opening.get(name) ?? 0) + 1);
      let settled = false;
      const settle = (): void => {
        if (settled) return;
        settled = true;
        this.opening.set(name, (this.opening.get(name) ?? 1) - 1);
      };
      socket.on('error', () => (settle(), socket.destroy()));
      socket.once('close', settle);
      socket.once('connect', () => {
        settle();
        // The listeners an agent puts on the sockets it makes (so a finished request hands the
        // socket back), then handed over as a free socket: it serves the next request.
        const onFree = (): void => void agent.emit('free', socket, options);
        const onClose = (): void =>
          (agent as unknown as { removeSocket(s: net.Socket, o: object): void }).removeSocket(
            socket,
            options,
          );
        const onTimeout = (): void => {
          if (Object.values(agent.freeSockets).some((list) => list?.includes(socket)))
            socket.destroy();
        };
        socket.on('free', onFree);
        socket.on('close', onClose);
        socket.on('timeout', onTimeout);
        socket.once('agentRemove', () => {
          socket.off('free', onFree);
          socket.off('close', onClose);
          socket.off('timeout', onTimeout);
        });
        (socket as unknown as { _httpMessage: unknown })._httpMessage = { shouldKeepAlive: true };
        agent.emit('free', socket, options);
      });
    }
  }

  /** The overall deadline (--timeout), which every request runs under unless given its own signal. */
  get deadline(): AbortSignal | undefined {
    return this.options.deadline;
  }

  /** Sends one request (with retries) and reads the whole body, up to `maxBytes`. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const started = Date.now();
    const cap = req.maxBytes ?? DEFAULT_MAX_BODY;
    const got = await this.loadGot();
    const url = new URL(req.url);
    const h2 = this.useHttp2(url);
    const agent = h2 ? { ...this.agentsFor(url), http2: this.h2Agent } : this.agentsFor(url);
    const promise = got(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      responseType: 'buffer',
      agent,
      http2: h2,
      ...(req.signal ? { signal: req.signal } : {}),
    });
    let tooLarge = false;
    // A HEAD's Content-Length is the size of what a GET would send (a blob of any size): no cap.
    if (req.method !== 'HEAD')
      void promise.on('downloadProgress', (p) => {
        if (p.transferred > cap || (p.total !== undefined && p.total > cap)) {
          tooLarge = true;
          promise.cancel();
        }
      });
    let res: Response<Buffer>;
    try {
      res = await promise;
    } catch (err) {
      throw this.failure(req, err, { tooLarge, cap, started });
    }
    this.logger.debug(
      {
        method: req.method,
        url: safeUrl(req.url),
        status: res.statusCode,
        ms: Date.now() - started,
        attempt: res.retryCount + 1,
      },
      'http',
    );
    this.logger.trace({ headers: { ...res.request.options.headers } }, 'request headers');
    if (res.httpVersion === '2.0') this.h2Origins.add(url.origin);
    return { status: res.statusCode, headers: res.headers, body: res.body, url: req.url };
  }

  /**
   * A bodiless GET that need not wait for got to load (the registry ping): tried once through
   * probe(); on any failure, and on a status send() would retry, sent again through send(),
   * which retries and reports.
   */
  getEarly(url: string, maxBytes = 64 * 1024): Promise<HttpResponse> {
    // An https registry is pinged over the connection every later request shares (HTTP/2).
    if (this.options.http2 !== false && new URL(url).protocol === 'https:')
      return this.send({ method: 'GET', url, maxBytes });
    return this.probe(url, maxBytes).catch(() => this.send({ method: 'GET', url, maxBytes }));
  }

  /**
   * One GET without retries, through node:http and the same connection pool: got starts
   * loading once the request is on the wire. Rejects on any failure and on a retryable status.
   */
  private probe(url: string, maxBytes: number): Promise<HttpResponse> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const agents = this.agentsFor(target);
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(
        target,
        {
          method: 'GET',
          agent: secure ? agents.https : agents.http,
          headers: this.headers,
          timeout: 15_000,
          signal: this.options.deadline,
          ...(secure ? this.tls : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > maxBytes) res.destroy(new Error('response too large'));
            else chunks.push(c);
          });
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            this.logger.debug(
              { method: 'GET', url: safeUrl(url), status, ms: Date.now() - started, attempt: 1 },
              'http',
            );
            if (RETRY_STATUS.includes(status)) reject(new Error(`HTTP ${status}`));
            else resolve({ status, headers: res.headers, body: Buffer.concat(chunks), url });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => {
        this.logger.debug(
          {
            method: 'GET',
            url: safeUrl(url),
            error: (err as NodeJS.ErrnoException).code ?? err.message,
            ms: Date.now() - started,
          },
          'probe failed, sending again',
        );
        reject(err);
      });
      req.on('finish', () => void this.loadGot().catch(() => undefined));
      req.end();
    });
  }

  private failure(
    req: HttpRequest,
    err: unknown,
    o: { tooLarge: boolean; cap: number; started: number },
  ): RegistryError {
    const where = `${req.method} ${safeUrl(req.url)}`;
    const details = { method: req.method, url: safeUrl(req.url) };
    if (o.tooLarge)
      return new RegistryError(
        'TOO_LARGE',
        `${where}: response body is larger than ${o.cap} bytes`,
        details,
      );
    const signal = req.signal ?? this.options.deadline;
    if (signal?.aborted) {
      const reason = signal.reason as
        (Error & { signal?: NodeJS.Signals; stopped?: boolean }) | undefined;
      const aborted = reason?.signal
        ? ('signal' as const)
        : reason?.stopped
          ? ('stopped' as const)
          : ('deadline' as const);
      const why = reason?.signal
        ? `interrupted by ${reason.signal}`
        : reason?.stopped
          ? reason.message
          : req.signal && !this.options.deadline?.aborted
            ? 'the grace period passed'
            : 'the overall deadline (--timeout) passed';
      return new RegistryError(
        'NETWORK',
        `${where}: ${why}`,
        { ...details, aborted },
        { cause: err },
      );
    }
    const e = err as RequestError;
    this.logger.debug(
      { method: req.method, url: safeUrl(req.url), error: e.code, ms: Date.now() - o.started },
      'http error',
    );
    if (e.response) {
      const after = retryAfterMs(e.response.headers['retry-after']);
      return new RegistryError(
        e.response.statusCode === 429 ? 'REGISTRY' : 'NETWORK',
        `${where}: HTTP ${e.response.statusCode}${after !== undefined ? ` (Retry-After ${Math.round(after / 1000)} s is longer than manifold waits)` : ''}`,
        { ...details, status: e.response.statusCode },
        { cause: err },
      );
    }
    const host = new URL(req.url).host;
    const proxy = proxyFor(new URL(req.url), this.options.env ?? {});
    // Through a proxy, a connection that fails is the connection to the proxy.
    const viaProxy = proxy && PROXY_CONNECT_CODES.has(String(e.code));
    const advice = viaProxy ? proxyAdvice(e.code, proxy, host) : adviceFor(e.code, host);
    if (advice)
      return new RegistryError('NETWORK', `${advice} (${where}: ${e.code})`, details, {
        cause: err,
      });
    return new RegistryError(
      'NETWORK',
      `${where}: ${e.code ?? 'ERROR'} ${String(e.message).replace(/https?:\/\/\S+/g, (u) => safeUrl(u))}`,
      details,
      { cause: err },
    );
  }

  /**
   * Opens one request whose body and/or answer is a stream (a blob of any size, never held in
   * memory): no retries here, the caller restarts the whole transfer. Resolves once the answer's
   * head has arrived; its body is `res.stream`. `body` is piped into the request with
   * back-pressure. Over HTTP/2 to an origin whose answers have come over HTTP/2 (the same
   * session as every other request), HTTP/1.1 otherwise. Limited by the deadline (or `signal`)
   * and by an idle timeout.
   */
  async openStream(req: {
    method: Method;
    url: string;
    headers?: Record<string, string>;
    body?: Readable;
    signal?: AbortSignal;
    idleMs?: number;
  }): Promise<StreamResponse> {
    const target = new URL(req.url);
    const secure = target.protocol === 'https:';
    const h2 = this.h2Origins.has(target.origin) && this.useHttp2(target);
    if (h2) await this.loadGot();
    const agents = this.agentsFor(target);
    const started = Date.now();
    const signal = req.signal ?? this.options.deadline;
    const failed = (err: unknown): RegistryError =>
      this.failure({ method: req.method, url: req.url, signal: req.signal }, err, {
        tooLarge: false,
        cap: 0,
        started,
      });
    if (signal?.aborted) {
      req.body?.destroy();
      throw failed(signal.reason);
    }
    return new Promise((resolve, reject) => {
      const options = {
        method: req.method,
        headers: { ...this.headers, ...req.headers },
        timeout: req.idleMs ?? 30_000,
        ...(secure ? this.tls : {}),
      };
      const onResponse = (res: http.IncomingMessage): void => {
        this.logger.debug(
          {
            method: req.method,
            url: safeUrl(req.url),
            status: res.statusCode,
            ms: Date.now() - started,
            attempt: 1,
            stream: true,
            ...(h2 ? { http2: true } : {}),
          },
          'http',
        );
        resolve({ status: res.statusCode ?? 0, headers: res.headers, stream: res, url: req.url });
      };
      const out: http.ClientRequest = h2
        ? (this.h2Request!(
            target,
            { ...options, agent: this.h2Agent } as never,
            onResponse,
          ) as unknown as http.ClientRequest)
        : (secure ? https : http).request(
            target,
            { ...options, agent: secure ? agents.https : agents.http },
            onResponse,
          );
      const onAbort = (): void => void out.destroy(signal?.reason as Error);
      signal?.addEventListener('abort', onAbort, { once: true });
      out.on('close', () => signal?.removeEventListener('abort', onAbort));
      out.on('timeout', () =>
        out.destroy(Object.assign(new Error('no data for too long'), { code: 'ETIMEDOUT' })),
      );
      let bodyError: unknown;
      out.on('error', (err) => {
        req.body?.destroy();
        reject(bodyError instanceof AppError ? bodyError : failed(err));
      });
      if (req.body) {
        // What failed in the body (a digest check, a source cut off) is the error, not the socket's.
        req.body.on('error', (err) => {
          bodyError = err;
          out.destroy(err);
        });
        req.body.pipe(out);
      } else out.end();
    });
  }

  /** Closes pooled connections. */
  close(): void {
    this.h2Agent?.destroy();
    for (const a of this.agents.values()) {
      if (a.http) a.http.destroy();
      if (a.https) a.https.destroy();
    }
  }
}
