/**
 * Answers one registry host's auth challenges: learns the scheme once (GET /v2/), then gives each
 * request its Authorization header. Bearer tokens cover every scope the job declared, so one
 * publish fetches one token, and concurrent requests share that fetch.
 * Reference: distribution docs/spec/auth/token.md and oauth.md.
 */
import { RegistryError } from '../../errors.js';
import { safeUrl, silentLogger, type Logger } from '../../log.js';
import type { HttpResponse, HttpTransport } from '../http.js';
import { basic } from '../basic-auth.js';
import { pickChallenge, parseChallenges, type Challenge } from './challenge.js';
import type { Credential, CredentialStore } from './credentials.js';
import { validateRealm } from './realm.js';
import { expiryOf, TokenCache, type CachedToken } from './token-cache.js';

const MAX_TOKEN_BODY = 64 * 1024;

type State = { kind: 'none' } | { kind: 'basic' } | { kind: 'bearer'; realm: URL; service: string };

export interface AuthenticatorOptions {
  baseUrl: URL;
  transport: HttpTransport;
  credentials?: CredentialStore;
  logger?: Logger;
  cache?: TokenCache;
  /** The answer to a GET /v2/ already sent (by scheme detection), so it is not sent twice. */
  ping?: HttpResponse;
}

export class Authenticator {
  private state?: Promise<State>;
  private credential?: Promise<Credential | undefined>;
  private readonly scopes = new Map<string, Set<string>>();
  private readonly cache: TokenCache;
  private readonly logger: Logger;

  constructor(private readonly options: AuthenticatorOptions) {
    this.cache = options.cache ?? new TokenCache();
    this.logger = options.logger ?? silentLogger();
  }

  /**
   * Declares scopes the job will need, so the first token covers them all. Actions merge per
   * resource: `pull` on a repository already held with `pull,push` changes nothing (and so
   * fetches no new token).
   */
  addScopes(scopes: string[]): void {
    for (const s of scopes) {
      const last = s.lastIndexOf(':');
      const resource = last > 0 ? s.slice(0, last) : s;
      const actions = this.scopes.get(resource) ?? new Set<string>();
      for (const a of last > 0 ? s.slice(last + 1).split(',') : []) if (a) actions.add(a);
      this.scopes.set(resource, actions);
    }
  }

  private scopeList(): string[] {
    return [...this.scopes].map(([resource, actions]) =>
      actions.size ? `${resource}:${[...actions].sort().join(',')}` : resource,
    );
  }

  /** The credential for this host (looked up once), or undefined for anonymous. */
  credentialFor(): Promise<Credential | undefined> {
    this.credential ??= (async () => {
      const cred = await this.options.credentials?.get(this.options.baseUrl.host);
      this.logger.debug(
        { host: this.options.baseUrl.host, credentials: cred ? cred.source : 'anonymous' },
        'credentials',
      );
      return cred;
    })();
    return this.credential;
  }

  private discover(): Promise<State> {
    this.state ??= (async () => {
      const res =
        this.options.ping ??
        (await this.options.transport.getEarly(
          new URL('/v2/', this.options.baseUrl).toString(),
          MAX_TOKEN_BODY,
        ));
      if (res.status === 200) return { kind: 'none' } as State;
      if (res.status !== 401)
        throw new RegistryError(
          'REGISTRY',
          `${this.options.baseUrl.host} does not answer as a registry (GET /v2/: HTTP ${res.status})`,
          { status: res.status },
        );
      return this.stateFrom(pickChallenge(parseChallenges(res.headers['www-authenticate'])));
    })();
    return this.state;
  }

  private stateFrom(challenge: Challenge | undefined): State {
    if (!challenge)
      throw new RegistryError(
        'AUTH',
        `${this.options.baseUrl.host} asks for an authentication scheme manifold does not support`,
      );
    if (challenge.scheme === 'basic') return { kind: 'basic' };
    const realm = validateRealm(challenge.params['realm']!, this.options.baseUrl);
    return { kind: 'bearer', realm, service: challenge.params['service'] ?? '' };
  }

  /** The Authorization header for a request needing `scopes` (empty for anonymous registries). */
  async header(scopes: string[]): Promise<Record<string, string>> {
    const state = await this.discover();
    if (state.kind === 'none') return {};
    const cred = await this.credentialFor();
    if (state.kind === 'basic') {
      if (!cred?.username || cred.password === undefined) return {};
      return { authorization: basic(cred.username, cred.password) };
    }
    this.addScopes(scopes);
    const all = this.scopeList();
    const key = TokenCache.key(state.realm.toString(), state.service, all);
    const token = await this.cache.get(key, () => this.fetchToken(state, all, cred));
    return { authorization: `Bearer ${token}` };
  }

  /** Called after a 401 on an authorised request: drops the cached token and learns new scopes. */
  async refused(wwwAuthenticate: string | string[] | undefined, scopes: string[]): Promise<void> {
    const state = await this.discover();
    if (state.kind === 'bearer')
      this.cache.invalidate(
        TokenCache.key(state.realm.toString(), state.service, this.scopeList()),
      );
    const challenge = pickChallenge(parseChallenges(wwwAuthenticate));
    if (challenge?.params['scope']) this.addScopes(challenge.params['scope'].split(' '));
    this.addScopes(scopes);
  }

  /**
   * Whether credentials may go to this realm: to the registry's own host, or to another host
   * over https only. A plain-http realm elsewhere gets an anonymous request.
   */
  private mayCarryCredentials(realm: URL): boolean {
    return realm.hostname === this.options.baseUrl.hostname || realm.protocol === 'https:';
  }

  private async fetchToken(
    state: Extract<State, { kind: 'bearer' }>,
    scopes: string[],
    cred: Credential | undefined,
  ): Promise<CachedToken> {
    const usable = cred && this.mayCarryCredentials(state.realm) ? cred : undefined;
    if (cred && !usable)
      this.logger.warn(
        { realm: state.realm.origin },
        'token realm is another host over plain http: asking anonymously, credentials withheld',
      );
    const started = Date.now();
    let res = usable?.identityToken
      ? await this.postRefreshToken(state, scopes, usable.identityToken)
      : undefined;
    // OAuth2 POST is not supported everywhere (GCR 404, Artifactory 401, ACR 400): fall back to GET.
    if (!res || [400, 401, 404, 405].includes(res.status))
      res = await this.getToken(state, scopes, usable);
    const url = state.realm;
    this.logger.debug(
      {
        realm: safeUrl(url),
        scopes,
        status: res.status,
        credentials: usable ? usable.source : 'anonymous',
        ms: Date.now() - started,
      },
      'token',
    );
    if (res.status !== 200) {
      throw new RegistryError(
        'AUTH',
        `token request to ${url.origin}${url.pathname} for ${this.options.baseUrl.host} refused: HTTP ${res.status}${usable ? ` (credentials from ${usable.source})` : ' (anonymous)'}`,
        { status: res.status },
      );
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(res.body.toString('utf8')) as typeof body;
    } catch {
      throw new RegistryError('AUTH', `token response from ${url.origin} is not JSON`);
    }
    const token =
      typeof body.token === 'string'
        ? body.token
        : typeof body.access_token === 'string'
          ? body.access_token
          : undefined;
    if (!token) throw new RegistryError('AUTH', `token response from ${url.origin} has no token`);
    return { token, expiresAt: expiryOf(body, Date.now()) };
  }

  private getToken(
    state: Extract<State, { kind: 'bearer' }>,
    scopes: string[],
    cred: Credential | undefined,
  ): Promise<HttpResponse> {
    const url = new URL(state.realm);
    if (state.service) url.searchParams.set('service', state.service);
    for (const s of scopes) url.searchParams.append('scope', s);
    const headers: Record<string, string> = {};
    const user = cred?.identityToken ? (cred.username ?? '<token>') : cred?.username;
    const secret = cred?.identityToken ?? cred?.password;
    if (user && secret !== undefined) {
      headers['authorization'] = basic(user, secret);
      url.searchParams.set('account', user);
    }
    return this.options.transport.send({
      method: 'GET',
      url: url.toString(),
      headers,
      maxBytes: MAX_TOKEN_BODY,
    });
  }

  /** OAuth2 refresh-token grant. Reference: distribution docs/spec/auth/oauth.md. */
  private postRefreshToken(
    state: Extract<State, { kind: 'bearer' }>,
    scopes: string[],
    refreshToken: string,
  ): Promise<HttpResponse> {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      service: state.service,
      client_id: 'manifold',
      refresh_token: refreshToken,
      scope: scopes.join(' '),
    });
    return this.options.transport.send({
      method: 'POST',
      url: state.realm.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(form.toString()),
      maxBytes: MAX_TOKEN_BODY,
    });
  }
}
