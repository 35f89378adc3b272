import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { escapeForeign } from '../../src/escape.js';
import { Authenticator } from '../../src/registry/auth/authenticator.js';
import {
  decodeAuthEntry,
  DockerConfigStore,
  StaticCredentials,
  containersAuthFiles,
} from '../../src/registry/auth/credentials.js';
import {
  retryAfterMs,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
} from '../../src/registry/http.js';
import { bypassesProxy, proxyFor } from '../../src/registry/proxy.js';

describe('Retry-After', () => {
  test.each([
    ['3', 3000],
    [' 0 ', 0],
    [new Date(1_000_000 + 5000).toUTCString(), 5000],
    ['soon', undefined],
    [undefined, undefined],
  ])('%j → %j ms', (value, expected) => {
    const got = retryAfterMs(value, 1_000_000);
    if (expected === undefined) expect(got).toBeUndefined();
    else expect(Math.abs(got! - expected)).toBeLessThan(1000);
  });
});

describe('proxy selection', () => {
  const env = {
    HTTPS_PROXY: 'http://proxy.example:3128',
    http_proxy: 'proxy.example:8080',
    NO_PROXY: 'internal.example,.corp.example,10.0.0.1:5000',
  };
  test.each([
    ['https://registry.example.com/v2/', 'http://proxy.example:3128/'],
    ['http://registry.example.com/v2/', 'http://proxy.example:8080/'],
    ['https://internal.example/v2/', undefined],
    ['https://a.internal.example/v2/', undefined],
    ['https://x.corp.example/v2/', undefined],
    ['https://corp.example/v2/', undefined],
    ['http://10.0.0.1:5000/v2/', undefined],
    ['http://10.0.0.1:5001/v2/', 'http://proxy.example:8080/'],
  ])('%s → %s', (url, expected) => {
    expect(proxyFor(new URL(url), env)?.href).toBe(expected);
  });
  test('NO_PROXY=* bypasses everything', () =>
    expect(bypassesProxy(new URL('https://a.b/'), { NO_PROXY: '*' })).toBe(true));
});

describe('docker config credentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'manifold-unit-cfg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const store = (config: object): DockerConfigStore => {
    const f = join(dir, `${Math.random()}.json`);
    writeFileSync(f, JSON.stringify(config));
    return new DockerConfigStore(f, async () => undefined);
  };

  test('§F3: auth splits on the first colon; trailing NULs are trimmed', () => {
    expect(
      decodeAuthEntry({ auth: Buffer.from('user:pa:ss\0\0').toString('base64') }, 's'),
    ).toEqual({ username: 'user', password: 'pa:ss', source: 's' });
    expect(() => decodeAuthEntry({ auth: Buffer.from(':nouser').toString('base64') }, 's')).toThrow(
      'not base64 of user:password',
    );
  });

  test('§F12/§B12: Docker Hub credentials live under https://index.docker.io/v1/ and never go to a look-alike host', async () => {
    const s = store({
      auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw').toString('base64') } },
    });
    expect(await s.get('registry-1.docker.io')).toMatchObject({ username: 'hub' });
    expect(await s.get('notdocker.io')).toBeUndefined();
    expect(await s.get('evil-docker.io')).toBeUndefined();
  });

  test('legacy keys with a scheme match their host exactly', async () => {
    const s = store({ auths: { 'https://reg.example.com/v1/': { username: 'u', password: 'p' } } });
    expect(await s.get('reg.example.com')).toMatchObject({ username: 'u', password: 'p' });
    expect(await s.get('example.com')).toBeUndefined();
  });

  test('containers auth.json search order: REGISTRY_AUTH_FILE alone, else XDG_RUNTIME_DIR then XDG_CONFIG_HOME', () => {
    expect(
      containersAuthFiles({ REGISTRY_AUTH_FILE: '/x/auth.json', XDG_RUNTIME_DIR: '/run/u' }),
    ).toEqual(['/x/auth.json']);
    expect(containersAuthFiles({ XDG_RUNTIME_DIR: '/run/u', HOME: '/h' })).toEqual([
      '/run/u/containers/auth.json',
      '/h/.config/containers/auth.json',
    ]);
  });
});

describe('Authenticator: where credentials may go', () => {
  function fakeTransport(challenge: string): { transport: HttpTransport; sent: HttpRequest[] } {
    const sent: HttpRequest[] = [];
    const send = async (req: HttpRequest): Promise<HttpResponse> => {
      sent.push(req);
      if (req.url.endsWith('/v2/'))
        return {
          status: 401,
          headers: { 'www-authenticate': challenge },
          body: Buffer.alloc(0),
          url: req.url,
        };
      return {
        status: 200,
        headers: {},
        body: Buffer.from('{"token":"tok","expires_in":300}'),
        url: req.url,
      };
    };
    // The registry ping goes through getEarly(); here it is recorded like any other GET.
    const transport = {
      send,
      getEarly: (url: string) => send({ method: 'GET', url }),
    } as unknown as HttpTransport;
    return { transport, sent };
  }
  const creds = new StaticCredentials({ username: 'u', password: 'secret-pw', source: 'test' });

  test('§F36: a plain-http realm on another host gets an anonymous token request', async () => {
    const { transport, sent } = fakeTransport(
      'Bearer realm="http://auth.example.net/token",service="s"',
    );
    const auth = new Authenticator({
      baseUrl: new URL('http://registry.example.net:5000'),
      transport,
      credentials: creds,
    });
    expect(await auth.header(['repository:a:pull'])).toEqual({ authorization: 'Bearer tok' });
    const tokenReq = sent.find((r) => r.url.startsWith('http://auth.example.net/'))!;
    expect(tokenReq.headers?.['authorization']).toBeUndefined();
    expect(tokenReq.url).not.toContain('account=');
  });

  test('an https realm on another host, and the registry host itself, get the credentials', async () => {
    for (const [base, realm] of [
      ['https://registry.example.net', 'https://auth.example.net/token'],
      ['http://127.0.0.1:5000', 'http://127.0.0.1:5001/token'],
    ] as const) {
      const { transport, sent } = fakeTransport(`Bearer realm="${realm}",service="s"`);
      const auth = new Authenticator({ baseUrl: new URL(base), transport, credentials: creds });
      await auth.header(['repository:a:pull']);
      expect(sent.find((r) => r.url.startsWith(realm))!.headers?.['authorization']).toBe(
        `Basic ${Buffer.from('u:secret-pw').toString('base64')}`,
      );
    }
  });

  test('§F2: anonymous: the token request carries service and one scope per scope, no Authorization', async () => {
    const { transport, sent } = fakeTransport(
      'Bearer realm="https://auth.example.net/token",service="reg"',
    );
    const auth = new Authenticator({ baseUrl: new URL('https://registry.example.net'), transport });
    auth.addScopes(['repository:b:pull']);
    await auth.header(['repository:a:pull,push']);
    const u = new URL(sent[1]!.url);
    expect(u.searchParams.get('service')).toBe('reg');
    expect(u.searchParams.getAll('scope').sort()).toEqual([
      'repository:a:pull,push',
      'repository:b:pull',
    ]);
    expect(sent[1]!.headers?.['authorization']).toBeUndefined();
  });
});

describe('escapeForeign', () => {
  test('escapes newlines, escapes and line separators so registry text stays on one line', () => {
    expect(escapeForeign('a\n::set-output name=x::y\u001b[2J\r\u2028z')).toBe(
      'a\\x0a::set-output name=x::y\\x1b[2J\\x0d\\u2028z',
    );
  });
});
