/**
 * Starts the CNCF Distribution registry (Debian package `docker-registry`) on a free 127.0.0.1
 * port with a temporary configuration, waits for `/v2/`, and stops it by PID.
 *
 * Variants: `plain` (HTTP, no auth), `basic` (htpasswd), `tls` (HTTPS with a generated CA) and
 * `token` (bearer tokens signed by test/helpers/token-server.ts and verified by the registry).
 * `REGISTRY_URL=host:port` points the plain variant at an external registry instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { request } from './http.js';
import { makeServerCerts } from './pki.js';
import {
  startTokenServer,
  TOKEN_ISSUER,
  TOKEN_SERVICE,
  type GrantPolicy,
  type TokenServer,
} from './token-server.js';

export const REGISTRY_BIN = process.env['MANIFOLD_REGISTRY_BIN'] ?? '/usr/bin/docker-registry';
export const INSTALL_HINT = 'apt-get install -y docker-registry';

export type RegistryVariant = 'plain' | 'basic' | 'tls' | 'token';

export interface RegistryHandle {
  variant: RegistryVariant;
  /** `127.0.0.1:PORT`, the registry part of image references. */
  host: string;
  /** Base URL, `http://…` or `https://…`. */
  url: string;
  /** PEM of the CA that signed the TLS certificate (tls variant). */
  caFile?: string;
  /** A user the registry (or its token server) accepts. */
  username?: string;
  password?: string;
  tokenServer?: TokenServer;
  /** True when the registry is external (REGISTRY_URL) and was not started here. */
  external: boolean;
  /** What the registry process printed, for diagnosing a failed test. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  variant?: RegistryVariant;
  users?: Record<string, string>;
  policy?: GrantPolicy;
  /** Serve over TLS (with a generated CA) whatever the auth: `tls` is plain auth over TLS. */
  tls?: boolean;
  /** Store blobs on disk (for multi-hundred-MB blobs) instead of in memory. */
  disk?: boolean;
  /** Rewrites the token realm the registry advertises (the benchmark puts a latency proxy in front of the token server). */
  wrapRealm?: (realm: string) => Promise<string>;
}

export const TEST_USER = 'alice';
export const TEST_PASSWORD = 'wonderland-s3cret-9f2c';

/** A free TCP port on 127.0.0.1 (released before the registry binds it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function assertBinary(): void {
  if (!existsSync(REGISTRY_BIN)) {
    throw new Error(
      `The registry tests need the CNCF Distribution registry at ${REGISTRY_BIN}, and it is missing. Install it with:\n  ${INSTALL_HINT}\nor point REGISTRY_URL=host:port at a running registry.`,
    );
  }
}

function configYaml(o: {
  port: number;
  dir: string;
  variant: RegistryVariant;
  certs?: { cert: string; key: string };
  htpasswd?: string;
  token?: TokenServer;
  disk?: boolean;
}): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  formatter: text',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    // In-memory storage copies an upload on every append: fine for small blobs, quadratic for
    // hundreds of MB. Large-blob runs (the copy benchmark) store on disk instead.
    ...(o.disk ? ['  filesystem:', `    rootdirectory: ${o.dir}/storage`] : ['  inmemory: {}']),
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${o.port}`,
    '  secret: manifold-test-http-secret',
  ];
  if (o.certs) lines.push('  tls:', `    certificate: ${o.certs.cert}`, `    key: ${o.certs.key}`);
  if (o.htpasswd)
    lines.push('auth:', '  htpasswd:', '    realm: manifold-test', `    path: ${o.htpasswd}`);
  if (o.token) {
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${o.token.realm}`,
      `    service: ${TOKEN_SERVICE}`,
      `    issuer: ${TOKEN_ISSUER}`,
      `    rootcertbundle: ${o.token.signingKey.bundleFile}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function waitForV2(
  url: string,
  ca: string | undefined,
  proc: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  let last = '';
  while (Date.now() < deadline) {
    if (proc.exitCode !== null)
      throw new Error(`docker-registry exited with ${proc.exitCode}:\n${output()}`);
    try {
      const res = await request(`${url}/v2/`, { ca, timeoutMs: 1000 });
      if (res.status === 200 || res.status === 401) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not answer ${url}/v2/ within 15 s (${last}):\n${output()}`);
}

function externalRegistry(): RegistryHandle | undefined {
  const external = process.env['REGISTRY_URL'];
  if (!external) return undefined;
  const host = external.replace(/^https?:\/\//, '').replace(/\/$/, '');
  return {
    variant: 'plain',
    host,
    url: external.startsWith('https://') ? `https://${host}` : `http://${host}`,
    external: true,
    output: () => '',
    stop: async () => {},
  };
}

/** Starts one registry. Fails loudly (never skips) when the binary is missing. */
export async function startRegistry(options: StartOptions = {}): Promise<RegistryHandle> {
  const variant = options.variant ?? 'plain';
  if (variant === 'plain') {
    const ext = externalRegistry();
    if (ext) return ext;
  }
  assertBinary();
  const users = options.users ?? { [TEST_USER]: TEST_PASSWORD };
  const dir = mkdtempSync(join(tmpdir(), 'manifold-registry-'));
  const port = await freePort();
  const certs = variant === 'tls' || options.tls ? makeServerCerts() : undefined;
  let htpasswd: string | undefined;
  if (variant === 'basic') {
    htpasswd = join(dir, 'htpasswd');
    writeFileSync(
      htpasswd,
      Object.entries(users)
        .map(([u, p]) => `${u}:${bcrypt.hashSync(p, 4)}`)
        .join('\n') + '\n',
    );
  }
  const tokenServer =
    variant === 'token' ? await startTokenServer(users, options.policy, certs) : undefined;
  if (tokenServer && options.wrapRealm)
    tokenServer.realm = await options.wrapRealm(tokenServer.realm);
  const configFile = join(dir, 'config.yml');
  writeFileSync(
    configFile,
    configYaml({ port, dir, variant, certs, htpasswd, token: tokenServer, disk: options.disk }),
  );
  const proc = spawn(REGISTRY_BIN, ['serve', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
  });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  proc.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const scheme = certs ? 'https' : 'http';
  const url = `${scheme}://127.0.0.1:${port}`;
  const caPem = certs ? readFileSync(certs.caCert, 'utf8') : undefined;
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    await tokenServer?.close();
    rmSync(dir, { recursive: true, force: true });
    if (certs) rmSync(certs.dir, { recursive: true, force: true });
  };
  try {
    await waitForV2(url, caPem, proc, () => out);
  } catch (err) {
    await stop();
    throw err;
  }
  const authed = variant === 'basic' || variant === 'token';
  return {
    variant,
    host: `127.0.0.1:${port}`,
    url,
    caFile: certs?.caCert,
    tokenServer,
    external: false,
    username: authed ? Object.keys(users)[0] : undefined,
    password: authed ? Object.values(users)[0] : undefined,
    output: () => out,
    stop,
  };
}
