/**
 * The plumbing under RegistryClient, for one registry host: the scheme (https, or http where
 * allowed), the one auth loop (send; on 401, refresh the token once and resend), redirects,
 * errors that say what went wrong with credentials, streamed GETs. It knows requests, not
 * manifests: the registry operations are RegistryClient's.
 */
import type { Logger } from '../log.js';
import { RegistryError } from '../errors.js';
import { safeUrl, silentLogger } from '../log.js';
import { Authenticator } from './auth/authenticator.js';
import type { CredentialStore } from './auth/credentials.js';
import { registryErrorFrom } from './errors.js';
import type { Method } from 'got';
import type { Readable } from 'node:stream';
import {
  HttpTransport,
  type HttpRequest,
  type HttpResponse,
  type StreamResponse,
  type TransportOptions,
} from './http.js';

export interface ClientOptions {
  /** `host[:port]` to connect to. */
  host: string;
  /** Plain HTTP only. */
  plainHttp?: boolean;
  /**
   * Try https, and fall back to http only when the server answers plain HTTP (never on a
   * certificate error). Default: true for localhost, 127.0.0.1 and [::1] only.
   */
  httpFallback?: boolean;
  credentials?: CredentialStore;
  logger?: Logger;
  transport?: HttpTransport;
  transportOptions?: TransportOptions;
  /**
   * Every scope the job will need on this registry (pull on sources, pull and push on targets),
   * so the first token covers them all. Requests still ask for their own scopes when they go
   * beyond these.
   */
  scopes?: string[];
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/;
export const MAX_REDIRECTS = 5;

/** TLS error codes that mean "the server speaks plain HTTP" (decided on codes, not message text). */
const PLAIN_HTTP_CODES = new Set([
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
]);

/** Scope strings. Reference: distribution docs/spec/auth/scope.md. */
export const pullScope = (repo: string): string => `repository:${repo}:pull`;
export const pushScope = (repo: string): string => `repository:${repo}:pull,push`;

/** Opens a request body afresh (a streamed body can be sent again only by opening it again). */
export type BodyFunc = () => Readable | Promise<Readable>;

/** Reads a streamed answer's (small) body, for an error report. */
export async function drain(res: StreamResponse): Promise<HttpResponse> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res.stream) {
    size += (c as Buffer).length;
    if (size <= 64 * 1024) chunks.push(c as Buffer);
  }
  return { status: res.status, headers: res.headers, body: Buffer.concat(chunks), url: res.url };
}

export class RegistrySession {
  readonly host: string;
  readonly transport: HttpTransport;
  readonly logger: Logger;
  readonly options: ClientOptions;
  private setup?: Promise<{ baseUrl: URL; auth: Authenticator }>;

  constructor(options: ClientOptions) {
    this.options = options;
    this.host = options.host;
    this.logger = options.logger ?? silentLogger();
    this.transport =
      options.transport ?? new HttpTransport({ ...options.transportOptions, logger: this.logger });
  }

  /** The registry's base URL once the scheme is known (https, or http where allowed). */
  async baseUrl(): Promise<URL> {
    return (await this.ready()).baseUrl;
  }

  /**
   * Picks the scheme: https, except plain http when asked (--plain-http) and for a loopback
   * registry that answers https with plain HTTP. A certificate error never falls back to http.
   */
  ready(): Promise<{ baseUrl: URL; auth: Authenticator }> {
    this.setup ??= (async () => {
      const make = (baseUrl: URL, ping?: HttpResponse): { baseUrl: URL; auth: Authenticator } => {
        const auth = new Authenticator({
          baseUrl,
          transport: this.transport,
          credentials: this.options.credentials,
          logger: this.logger,
          ping,
        });
        // The job's scopes, known before the first request: one token covers them all.
        auth.addScopes(this.options.scopes ?? []);
        return { baseUrl, auth };
      };
      if (this.options.plainHttp) return make(new URL(`http://${this.host}`));
      const https = new URL(`https://${this.host}`);
      if (!(this.options.httpFallback ?? LOOPBACK.test(this.host))) return make(https);
      try {
        return make(
          https,
          await this.transport.send({
            method: 'GET',
            url: `${https.origin}/v2/`,
            maxBytes: 64 * 1024,
          }),
        );
      } catch (err) {
        if (
          err instanceof RegistryError &&
          err.code === 'NETWORK' &&
          PLAIN_HTTP_CODES.has(String((err.cause as { code?: string } | undefined)?.code))
        ) {
          this.logger.debug({ host: this.host }, 'registry speaks plain http');
          return make(new URL(`http://${this.host}`));
        }
        throw err;
      }
    })();
    return this.setup;
  }

  /**
   * Sends a request to this registry with auth and reads its answer whole: on 401, the token is
   * refreshed once and the request resent; GET/HEAD redirects are followed, credentials kept to
   * the registry's own origin, https never dropped to http.
   */
  async request(
    req: Omit<HttpRequest, 'url'> & { path: string; scopes: string[] },
  ): Promise<HttpResponse> {
    return this.exchange(req, (url, header) =>
      this.transport.send({
        method: req.method,
        url: url.toString(),
        headers: { ...req.headers, ...header },
        body: req.body,
        maxBytes: req.maxBytes,
        signal: req.signal,
      }),
    );
  }

  /**
   * The same request path for a body and/or an answer that are streams (a blob of any size):
   * the same auth loop and redirects as `request`. `body` is a function that opens the body
   * afresh, so a request refused with 401 is resent whole after the token is refreshed. The
   * answer's body is `res.stream`. Not retried here: the blob copy restarts a cut transfer
   * (see blob-copy.ts), with the same notion of what is worth retrying (`isRetryable`).
   */
  async stream(req: {
    method: Method;
    path: string;
    headers?: Record<string, string>;
    body?: BodyFunc;
    scopes: string[];
    signal?: AbortSignal;
  }): Promise<StreamResponse> {
    return this.exchange(
      req,
      async (url, header) =>
        this.transport.openStream({
          method: req.method,
          url: url.toString(),
          headers: { ...req.headers, ...header },
          ...(req.body ? { body: await req.body() } : {}),
          signal: req.signal,
        }),
      (res) => void res.stream.resume(),
    );
  }

  /** The auth loop and the redirects, for either kind of answer. */
  private async exchange<R extends { status: number; headers: HttpResponse['headers'] }>(
    req: { method: Method; path: string; scopes: string[] },
    send: (url: URL, header: Record<string, string>) => Promise<R>,
    discard: (res: R) => void = () => undefined,
  ): Promise<R> {
    const { baseUrl, auth } = await this.ready();
    let url = new URL(req.path, baseUrl);
    let res = await send(url, await auth.header(req.scopes));
    if (res.status === 401) {
      discard(res);
      await auth.refused(res.headers['www-authenticate'], req.scopes);
      res = await send(url, await auth.header(req.scopes));
    }
    for (
      let hops = 0;
      (req.method === 'GET' || req.method === 'HEAD') &&
      [301, 302, 303, 307, 308].includes(res.status);
      hops++
    ) {
      discard(res);
      if (hops >= MAX_REDIRECTS)
        throw new RegistryError(
          'REGISTRY',
          `${req.method} ${safeUrl(url)}: more than ${MAX_REDIRECTS} redirects`,
        );
      const next = new URL(String(res.headers['location'] ?? ''), url);
      if (url.protocol === 'https:' && next.protocol !== 'https:')
        throw new RegistryError(
          'REGISTRY',
          `${req.method} ${safeUrl(url)}: refusing a redirect from https to ${next.protocol}`,
        );
      url = next;
      // Credentials stay with the registry's own origin.
      res = await send(url, url.origin === baseUrl.origin ? await auth.header(req.scopes) : {});
    }
    return res;
  }

  /**
   * The error for an unexpected answer. A 401 says which of two things happened, once per
   * registry: no credentials were found (and where manifold looked), or the ones found were refused.
   */
  async fail(method: string, res: HttpResponse, subject?: string): Promise<RegistryError> {
    const err = registryErrorFrom(method, res, subject);
    if (res.status !== 401) return err;
    const cred = await (await this.ready()).auth.credentialFor().catch(() => undefined);
    const tried = this.options.credentials?.sources?.() ?? [];
    const summary = cred
      ? `${this.host} refused the credentials from ${cred.source} (HTTP 401): check them with \`manifold auth check ${this.host}/<repository>\``
      : `${this.host} asks for credentials (HTTP 401) and none were found (sources tried: ${tried.length ? tried.join(', ') : 'none'}): log in (docker login ${this.host}) or pass --username with --password-stdin; \`manifold auth check ${this.host}/<repository>\` shows what is found`;
    return new RegistryError(
      'AUTH',
      `${subject ? `${subject}: ` : ''}${summary}`,
      { ...err.details, authSummary: summary },
      { cause: err },
    );
  }

  async uploadLocation(res: HttpResponse): Promise<URL> {
    const base = await this.baseUrl();
    const location = new URL(String(res.headers['location'] ?? ''), base);
    if (location.origin !== base.origin) {
      throw new RegistryError(
        'REGISTRY',
        `${this.host} named an upload location on another origin (${location.protocol}//${location.host}); refused`,
      );
    }
    return location;
  }

  /** Closes pooled connections. */
  close(): void {
    this.transport.close();
  }
}
