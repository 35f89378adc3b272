import { describe, expect, test } from '@jest/globals';
import {
  parseChallenges,
  pickChallenge,
  TokenCache,
  validateRealm,
} from '../../src/registry/index.js';

describe('WWW-Authenticate parsing', () => {
  test.each([
    [
      'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.example.com/token',
            service: 'registry.example.com',
            scope: 'repository:a/b:pull',
          },
        },
      ],
    ],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    [
      'Negotiate, Bearer realm="https://a/t", error="insufficient_scope"',
      [
        { scheme: 'negotiate', params: {} },
        { scheme: 'bearer', params: { realm: 'https://a/t', error: 'insufficient_scope' } },
      ],
    ],
    [
      'Bearer realm="a \\"quoted\\" realm"',
      [{ scheme: 'bearer', params: { realm: 'a "quoted" realm' } }],
    ],
    [
      'Bearer realm=https://unquoted/token,service=x',
      [{ scheme: 'bearer', params: { realm: 'https://unquoted/token', service: 'x' } }],
    ],
    ['', []],
  ])('%s', (header, expected) => {
    expect(parseChallenges(header)).toEqual(expected);
  });

  test('prefers Bearer over Basic and ignores unknown schemes', () => {
    expect(
      pickChallenge(parseChallenges('Negotiate, Basic realm="x", Bearer realm="https://r/t"'))
        ?.scheme,
    ).toBe('bearer');
    expect(pickChallenge(parseChallenges('Negotiate'))).toBeUndefined();
  });

  test('is bounded: 64 KiB of parameters and 100 challenges parse into at most 16', () => {
    const huge = `Bearer ${Array.from({ length: 5000 }, (_, i) => `p${i}="${'x'.repeat(10)}"`).join(',')}`;
    const many = Array.from({ length: 100 }, () => 'Basic realm="x"').join(', ');
    expect(parseChallenges(huge)).toHaveLength(1);
    expect(parseChallenges(many)).toHaveLength(16);
  });
});

describe('TokenCache', () => {
  test('concurrent callers share one fetch; a fresh token is reused; an expired one is fetched again', async () => {
    let now = 1000;
    const cache = new TokenCache(() => now);
    let fetches = 0;
    const fetch = async () => ({ token: `t${++fetches}`, expiresAt: now + 50_000 });
    const key = TokenCache.key('https://r/t', 's', ['b', 'a']);
    expect(key).toBe(TokenCache.key('https://r/t', 's', ['a', 'b']));
    expect(
      await Promise.all([cache.get(key, fetch), cache.get(key, fetch), cache.get(key, fetch)]),
    ).toEqual(['t1', 't1', 't1']);
    expect(await cache.get(key, fetch)).toBe('t1');
    now += 60_000;
    expect(await cache.get(key, fetch)).toBe('t2');
    cache.invalidate(key);
    expect(await cache.get(key, fetch)).toBe('t3');
  });
});

describe('validateRealm', () => {
  const https = new URL('https://registry.example.com');
  const loop = new URL('http://127.0.0.1:5000');
  test.each([
    ['https://auth.example.com/token', https],
    ['/token', https],
    ['http://127.0.0.1:9999/token', loop],
  ])('allows %s', (realm, registry) => {
    expect(validateRealm(realm, registry)).toBeInstanceOf(URL);
  });
  test.each([
    ['http://auth.example.com/token', https, 'is https, the realm is not'],
    ['https://169.254.169.254/latest', https, 'private, loopback or link-local'],
    ['https://0.0.0.0:9/', https, 'private, loopback or link-local'],
    ['https://[::1]/', https, 'private, loopback or link-local'],
    ['https://10.1.2.3/', https, 'private, loopback or link-local'],
    ['https://user:pw@auth.example.com/', https, 'carries credentials'],
  ])('refuses %s', (realm, registry, why) => {
    expect(() => validateRealm(realm, registry)).toThrow(why);
  });
});

describe('token responses (§F4)', () => {
  test('expires_in missing or below 60 s counts as 60 s; refreshed 10 s early', async () => {
    const { expiryOf } = await import('../../src/registry/auth/token-cache.js');
    expect(expiryOf({}, 0)).toBe(50_000);
    expect(expiryOf({ expires_in: 5 }, 0)).toBe(50_000);
    expect(expiryOf({ expires_in: 300 }, 0)).toBe(290_000);
    expect(expiryOf({ expires_in: 'x' }, 0)).toBe(50_000);
  });
});
