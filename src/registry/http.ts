/**
 * The single got instance: keep-alive pools, timeouts, one retry policy, body size caps and one
 * debug line per HTTP exchange. It knows nothing about manifests or auth.
 */
import http from 'node:http';
import https from 'node:https';
import got, { type Got, type Method, type Response } from 'got';
import { RegistryError } from '../errors.js';
import { safeUrl, silentLogger, type Logger } from '../log.js';

export interface HttpRequest {
  method: Method;
  url: string;
  headers?: Record<string, string>;
  /** A Buffer, never a stream, so a retry resends exactly the same bytes. */
  body?: Buffer;
  /** Abort reading (and fail) once the body exceeds this many bytes. */
  maxBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  url: string;
}

export interface TransportOptions {
  logger?: Logger;
  /** PEM CA bundle trusted in addition to the system roots. */
  ca?: string | Buffer;
  /** Skip TLS verification (per host; the CLI only sets it for hosts named by --insecure). */
  insecure?: boolean;
  /** Retries after the first attempt for idempotent requests. */
  retries?: number;
  /** Longest Retry-After honoured, in ms; longer ones fail the request. */
  maxRetryAfterMs?: number;
  /** Per-request timeout in ms (connect to last byte). */
  timeoutMs?: number;
  /** Base backoff in ms for the first retry (doubled each time, with jitter). */
  backoffMs?: number;
  userAgent?: string;
}

export const DEFAULT_MAX_BODY = 4 * 1024 * 1024;
export const RETRY_STATUS = [408, 429, 500, 502, 503, 504];

/** Sends HTTP requests for one registry host. One instance per host keeps one connection pool per host. */
export class HttpTransport {
  private readonly got: Got;
  private readonly logger: Logger;
  private readonly agents = { http: new http.Agent({ keepAlive: true, maxSockets: 16 }), https: new https.Agent({ keepAlive: true, maxSockets: 16 }) };
  /** Count of requests sent (each attempt), by "METHOD status"; read by tests and the benchmark. */
  readonly stats = { requests: 0, byKind: new Map<string, number>() };

  constructor(options: TransportOptions = {}) {
    this.logger = options.logger ?? silentLogger();
    const backoff = options.backoffMs ?? 500;
    this.got = got.extend({
      agent: this.agents,
      followRedirect: false,
      throwHttpErrors: false,
      responseType: 'buffer',
      decompress: true,
      https: { certificateAuthority: options.ca, rejectUnauthorized: !options.insecure },
      timeout: { request: options.timeoutMs ?? 60_000 },
      headers: { 'user-agent': options.userAgent ?? 'manifold' },
      retry: {
        limit: options.retries ?? 3,
        methods: ['GET', 'HEAD', 'PUT'],
        statusCodes: RETRY_STATUS,
        errorCodes: ['ETIMEDOUT', 'ECONNRESET', 'EADDRINUSE', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'ENETUNREACH', 'EAI_AGAIN'],
        maxRetryAfter: options.maxRetryAfterMs ?? 60_000,
        backoffLimit: 30_000,
        calculateDelay: ({ attemptCount, computedValue }) => {
          if (computedValue === 0) return 0;
          const jitter = Math.random() * backoff * 0.2;
          const exp = backoff * 2 ** (attemptCount - 1) + jitter;
          // computedValue carries Retry-After when the server sent one; honour the larger.
          return Math.max(Math.min(exp, 30_000), computedValue > 1000 + 100 ? computedValue : 0);
        },
      },
      hooks: {
        afterResponse: [(response) => {
          const kind = `${response.request.options.method} ${response.statusCode}`;
          this.stats.requests++;
          this.stats.byKind.set(kind, (this.stats.byKind.get(kind) ?? 0) + 1);
          return response;
        }],
        beforeRetry: [(error, count) => this.logger.debug({ url: safeUrl(error.options.url ?? ''), attempt: count, reason: error.code }, 'retrying')],
      },
    });
  }

  /** Sends one request (with retries) and reads the whole body, up to `maxBytes`. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const started = Date.now();
    const cap = req.maxBytes ?? DEFAULT_MAX_BODY;
    const promise = this.got(req.url, { method: req.method, headers: req.headers, body: req.body, responseType: 'buffer' });
    let tooLarge = false;
    promise.on('downloadProgress', (p) => {
      if (p.transferred > cap || (p.total !== undefined && p.total > cap)) {
        tooLarge = true;
        promise.cancel();
      }
    });
    let res: Response<Buffer>;
    try {
      res = await promise;
    } catch (err) {
      if (tooLarge) throw new RegistryError('TOO_LARGE', `${req.method} ${safeUrl(req.url)}: response body is larger than ${cap} bytes`, { method: req.method, url: safeUrl(req.url) });
      const code = (err as { code?: string }).code ?? 'ERROR';
      this.logger.debug({ method: req.method, url: safeUrl(req.url), error: code, ms: Date.now() - started }, 'http error');
      throw new RegistryError('NETWORK', `${req.method} ${safeUrl(req.url)}: ${code} ${(err as Error).message.replace(/https?:\/\/\S+/g, (u) => safeUrl(u))}`, { method: req.method, url: safeUrl(req.url) }, { cause: err });
    }
    this.logger.debug({ method: req.method, url: safeUrl(req.url), status: res.statusCode, ms: Date.now() - started, attempt: res.retryCount + 1 }, 'http');
    this.logger.trace({ headers: { ...res.request.options.headers } }, 'request headers');
    return { status: res.statusCode, headers: res.headers, body: res.body, url: req.url };
  }

  /** Closes pooled connections. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
