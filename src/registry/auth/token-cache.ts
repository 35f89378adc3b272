/**
 * Bearer tokens keyed by realm, service and scopes. Parallel requests for the same key share one
 * fetch; tokens are reused until shortly before they expire.
 */

export interface CachedToken {
  token: string;
  expiresAt: number;
}

export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<CachedToken>>();

  constructor(private readonly now: () => number = Date.now) {}

  static key(realm: string, service: string, scopes: string[]): string {
    return `${realm}|${service}|${[...scopes].sort().join(' ')}`;
  }

  /** Returns a valid cached token, or runs `fetch` once for every concurrent caller of the same key. */
  async get(key: string, fetch: () => Promise<CachedToken>): Promise<string> {
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.token;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = fetch().finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    const fresh = await pending;
    this.tokens.set(key, fresh);
    return fresh.token;
  }

  /** Forgets a token the registry refused (expired or revoked). */
  invalidate(key: string): void {
    this.tokens.delete(key);
  }
}

/** Expiry of a token response: expires_in (default 60 s, at least 60 s), refreshed 10 s early. */
export function expiryOf(body: { expires_in?: unknown; issued_at?: unknown }, now: number): number {
  const seconds =
    typeof body.expires_in === 'number' && body.expires_in > 0 ? Math.max(body.expires_in, 60) : 60;
  return now + (seconds - 10) * 1000;
}
