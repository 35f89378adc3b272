/**
 * A Docker token-auth server for the tests: it checks Basic credentials, decides which actions
 * to grant per repository, and signs JWTs that the real registry verifies (`auth: token` with
 * `rootcertbundle`). It records what was asked so tests can assert on scopes.
 * Reference: distribution docs/spec/auth/token.md and jwt.md.
 */
import { createSign, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { makeTokenSigningKey, type SigningKey } from './pki.js';

export const TOKEN_SERVICE = 'manifold-test-registry';
export const TOKEN_ISSUER = 'manifold-test-issuer';

/** Decides which actions `account` (undefined = anonymous) gets on `repository`. */
export type GrantPolicy = (
  account: string | undefined,
  repository: string,
  requested: string[],
) => string[];

export interface TokenRequestRecord {
  method: string;
  account?: string;
  authenticated: boolean;
  scopes: string[];
  service?: string;
  granted: { name: string; actions: string[] }[];
  /** The token handed out (tests scan outputs for it). */
  token?: string;
}

export interface TokenServer {
  realm: string;
  signingKey: SigningKey;
  requests: TokenRequestRecord[];
  /** Refresh tokens the OAuth2 POST accepts, mapped to their account. */
  refreshTokens: Map<string, string>;
  /** When true, POST answers 404 (registries without the OAuth2 flow), so clients fall back to GET. */
  postUnsupported: boolean;
  /** Replace the grant policy (tests of refusals). */
  setPolicy(policy: GrantPolicy): void;
  /** Sign a token directly, bypassing the policy (tests of a registry refusing a token). */
  issue(
    account: string | undefined,
    access: { name: string; actions: string[] }[],
    expiresIn?: number,
  ): string;
  close(): Promise<void>;
}

/** Default policy: known users get what they ask for; anonymous callers get pull only. */
export const defaultPolicy: GrantPolicy = (account, _repo, requested) =>
  account ? requested : requested.filter((a) => a === 'pull');

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function signJwt(key: SigningKey, claims: object): string {
  const header = { typ: 'JWT', alg: 'RS256', x5c: [key.certDerBase64] };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key.privateKeyPem);
  return `${input}.${b64url(signature)}`;
}

function parseScopes(scopes: string[]): { name: string; actions: string[] }[] {
  const out: { name: string; actions: string[] }[] = [];
  for (const s of scopes.flatMap((x) => x.split(' ')).filter(Boolean)) {
    const first = s.indexOf(':');
    const last = s.lastIndexOf(':');
    if (first < 0 || last === first || s.slice(0, first) !== 'repository') continue;
    out.push({ name: s.slice(first + 1, last), actions: s.slice(last + 1).split(',') });
  }
  return out;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** Starts the token server on a free 127.0.0.1 port. `users` maps user name to password. */
export async function startTokenServer(
  users: Record<string, string>,
  policy: GrantPolicy = defaultPolicy,
  tls?: { cert: string; key: string },
): Promise<TokenServer> {
  const signingKey = makeTokenSigningKey();
  const requests: TokenRequestRecord[] = [];
  let current = policy;
  const handle = {
    refreshTokens: new Map<string, string>(),
    postUnsupported: false,
  } as TokenServer;
  const issue = (
    account: string | undefined,
    access: { name: string; actions: string[] }[],
    expiresIn = 300,
  ): string => {
    const now = Math.floor(Date.now() / 1000);
    return signJwt(signingKey, {
      iss: TOKEN_ISSUER,
      sub: account ?? '',
      aud: TOKEN_SERVICE,
      exp: now + expiresIn,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access: access.map((a) => ({ type: 'repository', ...a })),
    });
  };
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      let params = url.searchParams;
      if (req.method === 'POST') params = new URLSearchParams(await readBody(req));
      let account: string | undefined;
      if (req.method === 'POST') {
        if (handle.postUnsupported) return void res.writeHead(404).end();
        const refresh = params.get('refresh_token') ?? '';
        if (params.get('grant_type') !== 'refresh_token' || !handle.refreshTokens.has(refresh)) {
          requests.push({
            method: 'POST',
            authenticated: false,
            scopes: (params.get('scope') ?? '').split(' '),
            granted: [],
          });
          return void res.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        }
        account = handle.refreshTokens.get(refresh);
        params = new URLSearchParams(
          (params.get('scope') ?? '')
            .split(' ')
            .filter(Boolean)
            .map((s): [string, string] => ['scope', s]),
        );
      }
      const auth = req.method === 'POST' ? undefined : req.headers.authorization;
      if (auth?.startsWith('Basic ')) {
        const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
        const i = decoded.indexOf(':');
        const user = decoded.slice(0, i);
        const secret = decoded.slice(i + 1);
        if (handle.refreshTokens.has(secret)) {
          account = handle.refreshTokens.get(secret);
        } else if (i < 0 || users[user] === undefined || users[user] !== secret) {
          requests.push({
            method: req.method ?? 'GET',
            account: user,
            authenticated: false,
            scopes: params.getAll('scope'),
            service: params.get('service') ?? undefined,
            granted: [],
          });
          res
            .writeHead(401, { 'content-type': 'application/json' })
            .end('{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}');
          return;
        } else {
          account = user;
        }
      }
      const scopes = params.getAll('scope');
      const granted = parseScopes(scopes).map((s) => ({
        name: s.name,
        actions: current(account, s.name, s.actions),
      }));
      const token = issue(
        account,
        granted.filter((g) => g.actions.length > 0),
      );
      requests.push({
        method: req.method ?? 'GET',
        account,
        authenticated: account !== undefined,
        scopes,
        service: params.get('service') ?? undefined,
        granted,
        token,
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          token,
          access_token: token,
          expires_in: 300,
          issued_at: new Date().toISOString(),
        }),
      );
    })();
  };
  // Over TLS when the registry is (a TLS registry may only name an https realm).
  const server = tls
    ? https.createServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, listener)
    : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(handle, {
    realm: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/token`,
    signingKey,
    requests,
    setPolicy: (p: GrantPolicy) => {
      current = p;
    },
    issue,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return handle;
}
