/**
 * Credential sources and auth flows against the real registry (basic and verified-token
 * variants): docker config.json with credHelpers / credsStore / auths, containers auth.json,
 * identity tokens, token expiry, `auth check`, and proxies. Secrets never reach the output.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runInProcess as runCli, type CliResult } from '../helpers/cli.js';
import { startConnectProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { HarnessClient } from '../helpers/harness-client.js';
import { freePort, startRegistry, type RegistryHandle } from '../helpers/registry.js';
import { seedImage, STANDARD_PLATFORMS } from '../helpers/seed.js';

let basic: RegistryHandle;
let token: RegistryHandle;
let dir: string;
let n = 0;

beforeAll(async () => {
  [basic, token] = await Promise.all([
    startRegistry({ variant: 'basic' }),
    startRegistry({ variant: 'token' }),
  ]);
  for (const reg of [basic, token])
    await seedImage(new HarnessClient(reg), {
      repository: 'src/app',
      tag: 'amd64',
      platform: STANDARD_PLATFORMS['amd64']!,
    });
  dir = mkdtempSync(join(tmpdir(), 'manifold-creds-'));
});
afterAll(async () => {
  await Promise.all([basic?.stop(), token?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const spec = (reg: RegistryHandle): string =>
  `image: ${reg.host}/dst/c${++n}:1\nmanifests:\n  - image: ${reg.host}/src/app:amd64\n`;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Writes a docker config dir (and, optionally, a docker-credential-<name> script) and returns env. */
function dockerConfig(
  config: object,
  helpers: Record<string, string> = {},
): Record<string, string> {
  const d = mkdtempSync(join(dir, 'cfg-'));
  writeFileSync(join(d, 'config.json'), JSON.stringify(config));
  for (const [name, script] of Object.entries(helpers)) {
    writeFileSync(join(d, `docker-credential-${name}`), `#!/bin/sh\n${script}\n`);
    chmodSync(join(d, `docker-credential-${name}`), 0o755);
  }
  return { DOCKER_CONFIG: d, HOME: d, PATH: `${d}:${process.env['PATH']}` };
}

function noSecrets(res: CliResult, secrets: string[]): void {
  for (const s of secrets) expect(`${res.stdout}\n${res.stderr}`).not.toContain(s);
}

describe('credential sources', () => {
  test('§F10: credHelpers[host] runs docker-credential-<name> get with the server on stdin; its stdout is never logged', async () => {
    const env = dockerConfig(
      {
        credHelpers: { [basic.host]: 'fake' },
        auths: { [basic.host]: { auth: b64('alice:wrong') } },
      },
      {
        fake: `read url; [ "$url" = "${basic.host}" ] || exit 3; echo '{"ServerURL":"'$url'","Username":"${basic.username}","Secret":"${basic.password}"}'`,
      },
    );
    const res = await runCli(['publish', '--from-spec', '-', '--log-level', 'trace'], {
      input: spec(basic),
      env,
    });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('credential helper docker-credential-fake');
    noSecrets(res, [basic.password!]);
  });

  test('§F10: a helper that answers "credentials not found" means anonymous; one that hangs is killed at the timeout', async () => {
    const nf = dockerConfig(
      { credsStore: 'none' },
      { none: 'echo "credentials not found in native keychain"; exit 1' },
    );
    const anon = await runCli(['publish', '--from-spec', '-'], { input: spec(basic), env: nf });
    expect(anon.code).toBe(3);
    expect(anon.stderr).toContain('HTTP 401');
    const hang = dockerConfig({ credsStore: 'slow' }, { slow: 'sleep 30' });
    const res = await runCli(['publish', '--from-spec', '-'], {
      input: spec(basic),
      env: { ...hang, MANIFOLD_CREDENTIAL_HELPER_TIMEOUT: '1' },
    });
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('docker-credential-slow did not answer within 1 s; killed');
  });

  test('a hanging helper is ended by --timeout and by SIGTERM, not left to its own 30 s; --timeout beyond what a timer holds is exit 2', async () => {
    const hang = dockerConfig({ credsStore: 'slow' }, { slow: 'sleep 60' });
    const res = await runCli(['publish', '--from-spec', '-', '--timeout', '2'], {
      input: spec(basic),
      env: hang,
    });
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('docker-credential-slow killed');
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('../helpers/cli.js');
    // The helper says when it runs: the CLI is then waiting on it (an event, not a fixed wait).
    const started = join(mkdtempSync(join(dir, 'started-')), 'flag');
    const marked = dockerConfig({ credsStore: 'slow' }, { slow: `touch ${started}; sleep 60` });
    const child = spawn(process.execPath, [CLI, 'publish', '--from-spec', '-'], {
      env: { ...marked },
    });
    child.stdin.end(spec(basic));
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const { existsSync } = await import('node:fs');
    for (let i = 0; i < 800 && !existsSync(started); i++)
      await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGTERM');
    const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
    expect(code).toBe(143);
    expect(stderr).toContain('interrupted by SIGTERM');
    const tooLong = await runCli(['publish', '--from-spec', '-', '--timeout', '3000000'], {
      input: spec(basic),
    });
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toContain('--timeout 3000000 is more than the maximum, 2147483');
  });

  test('§F11: precedence credHelpers > credsStore > auths', async () => {
    const good = `echo '{"Username":"${basic.username}","Secret":"${basic.password}"}'`;
    const bad = `echo '{"Username":"${basic.username}","Secret":"nope"}'`;
    const helperWins = dockerConfig(
      {
        credHelpers: { [basic.host]: 'good' },
        credsStore: 'bad',
        auths: { [basic.host]: { auth: b64('x:y') } },
      },
      { good, bad },
    );
    const first = await runCli(['publish', '--from-spec', '-'], {
      input: spec(basic),
      env: helperWins,
    });
    expect({ code: first.code, stderr: first.code === 0 ? '' : first.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    const storeWins = dockerConfig(
      { credsStore: 'good', auths: { [basic.host]: { auth: b64('x:y') } } },
      { good },
    );
    const second = await runCli(['publish', '--from-spec', '-'], {
      input: spec(basic),
      env: storeWins,
    });
    expect({ code: second.code, stderr: second.code === 0 ? '' : second.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    const storeBeatsAuths = dockerConfig(
      {
        credsStore: 'bad',
        auths: { [basic.host]: { auth: b64(`${basic.username}:${basic.password}`) } },
      },
      { bad },
    );
    const third = await runCli(['publish', '--from-spec', '-'], {
      input: spec(basic),
      env: storeBeatsAuths,
    });
    expect({ code: third.code, stderr: third.code === 3 ? '' : third.stderr }).toEqual({
      code: 3,
      stderr: '',
    });
  });

  test('§F11: REGISTRY_AUTH_FILE (containers auth.json) is used when docker has nothing; flags win over both', async () => {
    const authFile = join(dir, 'auth.json');
    writeFileSync(
      authFile,
      JSON.stringify({
        auths: { [basic.host]: { auth: b64(`${basic.username}:${basic.password}`) } },
      }),
    );
    const empty = dockerConfig({});
    const res = await runCli(['publish', '--from-spec', '-', '--log-level', 'debug'], {
      input: spec(basic),
      env: { ...empty, REGISTRY_AUTH_FILE: authFile },
    });
    expect(res.code).toBe(0);
    const flags = await runCli(['publish', '--from-spec', '-'], {
      input: spec(basic),
      env: {
        ...empty,
        REGISTRY_AUTH_FILE: authFile,
        MANIFOLD_USERNAME: 'alice',
        MANIFOLD_PASSWORD: 'wrong-one',
      },
    });
    expect(flags.code).toBe(3);
    noSecrets(flags, ['wrong-one', basic.password!]);
  });

  test('§F3: an auth value that is not base64 of user:password is a clear error', async () => {
    const env = dockerConfig({ auths: { [basic.host]: { auth: b64('no-colon-here') } } });
    const res = await runCli(['publish', '--from-spec', '-'], { input: spec(basic), env });
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('is not base64 of user:password');
    noSecrets(res, ['no-colon-here', b64('no-colon-here')]);
  });
});

describe('token flows on the verified-token registry', () => {
  test('§F5: an identity token from config.json uses the OAuth2 POST; where POST is unsupported it falls back to GET', async () => {
    const refresh = `refresh-${Date.now()}-secret`;
    token.tokenServer!.refreshTokens.set(refresh, token.username!);
    const env = dockerConfig({ auths: { [token.host]: { identitytoken: refresh } } });
    const before = token.tokenServer!.requests.length;
    const res = await runCli(['publish', '--from-spec', '-', '--log-level', 'trace'], {
      input: spec(token),
      env,
    });
    expect(res.code).toBe(0);
    const asked = token.tokenServer!.requests.slice(before);
    expect(asked.map((r) => r.method)).toEqual(['POST']);
    expect(asked[0]!.account).toBe(token.username);
    token.tokenServer!.postUnsupported = true;
    try {
      const before2 = token.tokenServer!.requests.length;
      const res2 = await runCli(['publish', '--from-spec', '-', '--log-level', 'trace'], {
        input: spec(token),
        env,
      });
      expect(res2.code).toBe(0);
      expect(token.tokenServer!.requests.slice(before2).map((r) => r.method)).toEqual(['GET']);
      noSecrets(res2, [refresh]);
    } finally {
      token.tokenServer!.postUnsupported = false;
    }
    noSecrets(res, [refresh, ...asked.map((r) => r.token!).filter(Boolean)]);
  });

  test('§F6: a token that expires mid-run (401 invalid_token) is refreshed once; a second refusal is an auth error, no loop', async () => {
    const proxy = await startFaultProxy(token.url);
    try {
      const realm = token.tokenServer!.realm;
      const challenge = `Bearer realm="${realm}",service="manifold-test-registry",error="invalid_token"`;
      const s = spec(token).replaceAll(token.host, proxy.host);
      proxy.setFault((r, count) =>
        r.method === 'GET' &&
        r.url === '/v2/src/app/manifests/amd64' &&
        r.headers.authorization &&
        count === 1
          ? { kind: 'answer', status: 401, headers: { 'www-authenticate': challenge } }
          : undefined,
      );
      const before = token.tokenServer!.requests.length;
      const env = { MANIFOLD_USERNAME: token.username!, MANIFOLD_PASSWORD: token.password! };
      const ok = await runCli(['publish', '--from-spec', '-'], { input: s, env });
      expect(ok.code).toBe(0);
      expect(token.tokenServer!.requests.length - before).toBe(2);
      proxy.setFault((r) =>
        r.method === 'GET' && r.url === '/v2/src/app/manifests/amd64' && r.headers.authorization
          ? { kind: 'answer', status: 401, headers: { 'www-authenticate': challenge } }
          : undefined,
      );
      const start = proxy.requests.length;
      const fail = await runCli(['publish', '--from-spec', '-'], {
        input: spec(token).replaceAll(token.host, proxy.host),
        env,
      });
      expect(fail.code).toBe(3);
      expect(fail.stderr).toContain('HTTP 401');
      expect(
        proxy.requests
          .slice(start)
          .filter((r) => r.url === '/v2/src/app/manifests/amd64' && r.headers.authorization),
      ).toHaveLength(2);
    } finally {
      await proxy.close();
    }
  });
});

describe('manifold auth check', () => {
  test('names the credential source and whether pull and push are granted, without printing a secret', async () => {
    const env = dockerConfig({
      auths: { [basic.host]: { auth: b64(`${basic.username}:${basic.password}`) } },
    });
    const ok = await runCli(['auth', 'check', `${basic.host}/dst/app`], { env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      new RegExp(
        `^${basic.host}/dst/app: credentials: .*config\\.json \\(auths\\."${basic.host}"\\); pull: yes; push: yes\\n$`,
      ),
    );
    noSecrets(ok, [basic.password!, b64(`${basic.username}:${basic.password}`)]);
    const anon = await runCli(['auth', 'check', '--output', 'json', `${basic.host}/dst/app`], {
      env: dockerConfig({}),
    });
    expect(anon.code).toBe(3);
    expect(JSON.parse(anon.stdout)).toEqual([
      expect.objectContaining({ credentials: 'anonymous', pull: false, push: false }),
    ]);
  });

  test('a pull-only grant on the token registry shows pull: yes, push: no', async () => {
    token.tokenServer!.setPolicy((_a, _r, requested) => requested.filter((x) => x === 'pull'));
    try {
      const res = await runCli(['auth', 'check', `${token.host}/src/app:amd64`], {
        env: { MANIFOLD_USERNAME: token.username!, MANIFOLD_PASSWORD: token.password! },
      });
      expect(res.code).toBe(3);
      expect(res.stdout).toContain(
        'credentials: MANIFOLD_USERNAME/MANIFOLD_PASSWORD; pull: yes; push: no',
      );
    } finally {
      token.tokenServer!.setPolicy((account, _r, requested) =>
        account ? requested : requested.filter((x) => x === 'pull'),
      );
    }
  });
});

describe('proxies', () => {
  test('HTTPS_PROXY tunnels to a TLS registry with CONNECT; NO_PROXY bypasses it', async () => {
    const tls = await startRegistry({ variant: 'tls' });
    const proxy = await startConnectProxy();
    try {
      await seedImage(new HarnessClient(tls), {
        repository: 'src/app',
        tag: 'amd64',
        platform: STANDARD_PLATFORMS['amd64']!,
      });
      const s = `image: ${tls.host}/dst/app:1\nmanifests:\n  - image: ${tls.host}/src/app:amd64\n`;
      const via = await runCli(['publish', '--from-spec', '-', '--ca-file', tls.caFile!], {
        input: s,
        env: { HTTPS_PROXY: proxy.url },
      });
      expect(via.code).toBe(0);
      expect(proxy.tunnels.length).toBeGreaterThan(0);
      expect(new Set(proxy.tunnels)).toEqual(new Set([tls.host]));
      const count = proxy.tunnels.length;
      const direct = await runCli(['publish', '--from-spec', '-', '--ca-file', tls.caFile!], {
        input: s,
        env: { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' },
      });
      expect(direct.code).toBe(0);
      expect(proxy.tunnels.length).toBe(count);
    } finally {
      await proxy.close();
      await tls.stop();
    }
  });

  test('a proxy that is down is named as the proxy, not as the registry', async () => {
    const tls = await startRegistry({ variant: 'tls' });
    const port = await freePort();
    try {
      const res = await runCli(['inspect', '--ca-file', tls.caFile!, `${tls.host}/src/app:amd64`], {
        env: { HTTPS_PROXY: `http://127.0.0.1:${port}`, MANIFOLD_RETRY_BASE_MS: '5' },
      });
      expect(res.code).toBe(3);
      expect(res.stderr).toContain(`cannot connect to the proxy 127.0.0.1:${port}`);
      expect(res.stderr).toContain(`on the way to ${tls.host}`);
      expect(res.stderr).not.toContain('is the registry running');
    } finally {
      await tls.stop();
    }
  });
});

describe('credential helpers are foreign programs', () => {
  test('a helper that prints without end (600 MB) is stopped at the cap: a clear error, no crash', async () => {
    const env = dockerConfig(
      { credHelpers: { [basic.host]: 'flood' } },
      { flood: 'head -c 629145600 /dev/zero' },
    );
    const res = await runCli(['publish', '--from-spec', '-'], { input: spec(basic), env });
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('docker-credential-flood printed more than 1048576 bytes; killed');
    expect(res.stderr).not.toContain('unexpected error');
  });

  test("a helper's stderr is escaped like registry text: it cannot start a CI command line", async () => {
    const env = dockerConfig(
      { credHelpers: { [basic.host]: 'forge' } },
      { forge: `printf 'oops\\n::set-output name=digest::sha256:forged\\n\\033[2J' >&2; exit 1` },
    );
    const res = await runCli(['publish', '--from-spec', '-'], { input: spec(basic), env });
    expect(res.code).toBe(3);
    expect(res.stderr).toContain(
      'docker-credential-forge get failed with exit code 1: oops\\x0a::set-output',
    );
    for (const line of `${res.stdout}\n${res.stderr}`.split('\n'))
      expect(line.trimStart().startsWith('::')).toBe(false);
    expect(res.stderr).not.toContain('\u001b');
  });
});

describe('the flags skopeo and podman users type by habit', () => {
  test("--creds USER:PASSWORD, --authfile and GitLab's DOCKER_AUTH_CONFIG are credential sources; the secret never shows", async () => {
    const empty = dockerConfig({});
    const creds = await runCli(
      ['publish', '--from-spec', '-', '--creds', `${basic.username}:${basic.password}`],
      { input: spec(basic), env: empty },
    );
    expect(creds.code).toBe(0);
    expect(creds.stderr).toContain('--creds puts the password where other processes');
    noSecrets(creds, [basic.password!]);
    const authfile = join(mkdtempSync(join(dir, 'authfile-')), 'auth.json');
    writeFileSync(
      authfile,
      JSON.stringify({
        auths: { [basic.host]: { auth: b64(`${basic.username}:${basic.password}`) } },
      }),
    );
    const viaFile = await runCli(['publish', '--from-spec', '-', '--authfile', authfile], {
      input: spec(basic),
      env: empty,
    });
    expect(viaFile.code).toBe(0);
    const inline = await runCli(['publish', '--from-spec', '-'], {
      input: spec(basic),
      env: {
        ...empty,
        DOCKER_AUTH_CONFIG: JSON.stringify({
          auths: { [basic.host]: { auth: b64(`${basic.username}:${basic.password}`) } },
        }),
      },
    });
    expect(inline.code).toBe(0);
    noSecrets(inline, [basic.password!]);
    const bad = await runCli(['publish', '--from-spec', '-', '--creds', 'nopassword'], {
      input: spec(basic),
      env: empty,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--creds needs USER:PASSWORD');
  });

  test('--tls-verify=false reaches a TLS registry whose CA is not trusted, and says what it allows', async () => {
    const tls = await startRegistry({ variant: 'tls' });
    try {
      await seedImage(new HarnessClient(tls), {
        repository: 'src/app',
        tag: 'amd64',
        platform: STANDARD_PLATFORMS['amd64']!,
      });
      const refused = await runCli(['inspect', `${tls.host}/src/app:amd64`]);
      expect(refused.code).toBe(3);
      const res = await runCli(['inspect', '--tls-verify=false', `${tls.host}/src/app:amd64`]);
      expect(res.code).toBe(0);
      expect(res.stderr).toContain('--insecure-registry HOST limits that to one host');
      const wrong = await runCli(['inspect', '--tls-verify=maybe', `${tls.host}/src/app:amd64`]);
      expect(wrong.code).toBe(2);
    } finally {
      await tls.stop();
    }
  });
});
