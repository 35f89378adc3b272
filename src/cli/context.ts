/**
 * Turns global and registry options into the dependencies commands need: the logger, the
 * credential chain and one RegistryClient per registry host.
 */
import { noteInterrupt } from './interrupt.js';
import { X509Certificate } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LevelWithSilent } from 'pino';
import { AppError } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import {
  containersAuthFiles,
  CredentialChain,
  DockerConfigStore,
  RegistryClient,
  runCredentialHelper,
  StaticCredentials,
  type CredentialStore,
} from '../registry/index.js';
import type { Io } from './io.js';
import type { GlobalOptions, RegistryOptions } from './registry-options.js';

export type { GlobalOptions, RegistryOptions };

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export function makeLogger(global: GlobalOptions, io: Io): Logger {
  const level = global.debug ? 'debug' : global.quiet ? 'error' : global.logLevel;
  if (!LEVELS.includes(level))
    throw new AppError(
      'USAGE',
      `--log-level must be one of ${LEVELS.join(', ')}, found "${level}"`,
    );
  if (global.logFormat !== 'json' && global.logFormat !== 'pretty')
    throw new AppError('USAGE', `--log-format must be pretty or json, found "${global.logFormat}"`);
  return createLogger({
    level: level as LevelWithSilent,
    format: global.logFormat,
    stream: { write: (s: string) => io.stderr(s) },
  });
}

function positiveInt(value: string, flag: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new AppError('USAGE', `${flag} must be a positive whole number, found "${value}"`);
  if (n > max) throw new AppError('USAGE', `${flag} ${value} is more than the maximum, ${max}`);
  return n;
}

/** Longest --timeout a timer can hold (2^31 - 1 ms, about 24 days). */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Credential sources in docker's order: flags/environment, docker config.json, containers auth.json. */
export function credentialChain(
  opts: RegistryOptions,
  io: Io,
  signal?: AbortSignal,
): CredentialStore {
  const stores: CredentialStore[] = [];
  if (opts.creds !== undefined) {
    if (opts.username !== undefined || opts.password !== undefined || opts.passwordStdin)
      throw new AppError('USAGE', 'give --creds or --username with a password, not both');
    const at = opts.creds.indexOf(':');
    if (at <= 0 || at === opts.creds.length - 1)
      throw new AppError('USAGE', '--creds needs USER:PASSWORD');
    stores.push(
      new StaticCredentials({
        username: opts.creds.slice(0, at),
        password: opts.creds.slice(at + 1),
        source: '--creds',
      }),
    );
  }
  const user = opts.username ?? io.env['MANIFOLD_USERNAME'];
  if (opts.password !== undefined && opts.passwordStdin)
    throw new AppError('USAGE', 'give --password or --password-stdin, not both');
  if (user) {
    const password =
      opts.password ??
      (opts.passwordStdin ? io.readStdin().replace(/\r?\n$/, '') : io.env['MANIFOLD_PASSWORD']);
    if (password === undefined || password === '')
      throw new AppError(
        'USAGE',
        `a user name was given (${opts.username ? '--username' : 'MANIFOLD_USERNAME'}) but no password: use --password-stdin or MANIFOLD_PASSWORD`,
      );
    const how =
      opts.password !== undefined
        ? '--password'
        : opts.passwordStdin
          ? '--password-stdin'
          : 'MANIFOLD_PASSWORD';
    stores.push(
      new StaticCredentials({
        username: user,
        password,
        source: opts.username ? `--username/${how}` : `MANIFOLD_USERNAME/${how}`,
      }),
    );
  } else if (opts.passwordStdin || opts.password !== undefined) {
    throw new AppError(
      'USAGE',
      `${opts.password !== undefined ? '--password' : '--password-stdin'} needs --username (or MANIFOLD_USERNAME)`,
    );
  }
  let cfg = opts.dockerCfg ?? DockerConfigStore.defaultPath(io.env);
  if (opts.dockerCfg) {
    if (!existsSync(cfg))
      throw new AppError('USAGE', `--docker-cfg ${opts.dockerCfg}: no such file or directory`);
    if (statSync(cfg).isDirectory()) cfg = join(cfg, 'config.json');
  }
  const seconds = Number(io.env['MANIFOLD_CREDENTIAL_HELPER_TIMEOUT'] ?? 30);
  const helper = (name: string, url: string) =>
    runCredentialHelper(name, url, {
      timeoutMs: (seconds > 0 ? seconds : 30) * 1000,
      env: io.env,
      signal,
    });
  if (opts.authfile !== undefined) {
    if (!existsSync(opts.authfile))
      throw new AppError('USAGE', `--authfile ${opts.authfile}: no such file`);
    stores.push(new DockerConfigStore(opts.authfile, helper));
  }
  stores.push(new DockerConfigStore(cfg, helper));
  // GitLab's DOCKER_AUTH_CONFIG: a whole docker config.json in a variable.
  const inline = io.env['DOCKER_AUTH_CONFIG'];
  if (inline) stores.push(new DockerConfigStore('DOCKER_AUTH_CONFIG', helper, inline));
  if (opts.authfile === undefined)
    for (const file of containersAuthFiles(io.env))
      stores.push(new DockerConfigStore(file, helper));
  return new CredentialChain(stores);
}

/**
 * Reads a CA file given on the command line and checks it holds PEM certificates: text, a
 * private key or DER is an error naming the file (exit 2), not an opaque TLS failure later.
 */
function readPem(file: string, flag: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new AppError('USAGE', `${flag} ${file}: cannot read it`);
  }
  const text = bytes.toString('latin1');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    const what = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)
      ? 'a private key, not a certificate'
      : bytes[0] === 0x30
        ? 'DER (binary) data; convert it with: openssl x509 -inform der -in FILE -out FILE.pem'
        : 'no PEM certificate (-----BEGIN CERTIFICATE-----)';
    throw new AppError('USAGE', `${flag} ${file}: holds ${what}`);
  }
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch (err) {
      throw new AppError(
        'USAGE',
        `${flag} ${file}: a certificate in it cannot be read (${(err as Error).message})`,
      );
    }
  }
  return bytes;
}

function readCas(opts: RegistryOptions, host: string): Buffer | undefined {
  const pems: Buffer[] = [];
  if (opts.caFile) pems.push(readPem(opts.caFile, '--ca-file'));
  if (opts.certDir) {
    const hostDir = join(opts.certDir, host);
    const dir = existsSync(hostDir) ? hostDir : opts.certDir;
    let files: string[];
    try {
      files = readdirSync(dir)
        .filter((n) => n.endsWith('.crt'))
        .sort();
    } catch {
      throw new AppError('USAGE', `--cert-dir ${opts.certDir}: cannot read it`);
    }
    for (const f of files) pems.push(readPem(join(dir, f), '--cert-dir'));
  }
  return pems.length
    ? Buffer.concat(pems.map((p) => Buffer.concat([p, Buffer.from('\n')])))
    : undefined;
}

/**
 * Retry timings from the environment: MANIFOLD_RETRY_BASE_MS (first backoff, doubled each retry)
 * and MANIFOLD_RETRY_AFTER_MAX_MS (longest Retry-After honoured). Tests shorten them to check the
 * schedule in milliseconds instead of waiting it out; users rarely need them.
 */
function retryTimings(env: NodeJS.ProcessEnv): { backoffMs?: number; maxRetryAfterMs?: number } {
  const num = (name: string): number | undefined => {
    const v = env[name];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0)
      throw new AppError('USAGE', `${name} must be a number of milliseconds, found "${v}"`);
    return n;
  };
  const backoffMs = num('MANIFOLD_RETRY_BASE_MS');
  const maxRetryAfterMs = num('MANIFOLD_RETRY_AFTER_MAX_MS');
  return {
    ...(backoffMs !== undefined ? { backoffMs } : {}),
    ...(maxRetryAfterMs !== undefined ? { maxRetryAfterMs } : {}),
  };
}

export interface RegistryContext {
  logger: Logger;
  concurrency: number;
  credentials: CredentialStore;
  /** The client for a host; `scopes` (the job's, on first use) go into its first token. */
  clientFor(host: string, scopes?: string[]): RegistryClient;
  close(): void;
}

/** Builds the registry context for a command: one client (connection pool, token cache) per host. */
export function registryContext(
  global: GlobalOptions,
  opts: RegistryOptions,
  io: Io,
): RegistryContext {
  const logger = makeLogger(global, io);
  if (opts.password !== undefined || opts.creds !== undefined)
    logger.warn(
      `${opts.creds !== undefined ? '--creds' : '--password'} puts the password where other processes and shell history can read it; prefer --password-stdin or MANIFOLD_PASSWORD`,
    );
  const tlsVerify = opts.tlsVerify?.toLowerCase();
  if (tlsVerify !== undefined && !['true', 'false', '1', '0'].includes(tlsVerify))
    throw new AppError('USAGE', `--tls-verify must be true or false, found "${opts.tlsVerify}"`);
  const noVerify = tlsVerify === 'false' || tlsVerify === '0';
  if (noVerify)
    logger.warn(
      '--tls-verify=false: TLS is not verified and plain HTTP is allowed for every registry of this run; --insecure-registry HOST limits that to one host',
    );
  const concurrency = positiveInt(opts.concurrency, '--concurrency');
  const deadlineMs = positiveInt(opts.timeout, '--timeout', MAX_TIMEOUT_SECONDS) * 1000;
  const deadline = new AbortController();
  // Every request listens to the one deadline signal: that is by design, not a leak.
  setMaxListeners(0, deadline.signal);
  const timer = setTimeout(() => deadline.abort(new Error('deadline')), deadlineMs);
  timer.unref();
  // Ctrl-C or a CI cancellation aborts the requests in flight; the command then reports what moved.
  const onSignal = (signal: NodeJS.Signals): void => {
    noteInterrupt(signal);
    logger.warn({ signal }, 'interrupted: aborting requests in flight');
    deadline.abort(Object.assign(new Error(`interrupted by ${signal}`), { signal }));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const credentials = credentialChain(opts, io, deadline.signal);
  const insecureHosts = new Set(opts.insecureRegistry ?? []);
  const clients = new Map<string, RegistryClient>();
  return {
    logger,
    concurrency,
    credentials,
    clientFor(host, scopes) {
      let c = clients.get(host);
      if (!c) {
        const insecureHost = noVerify || insecureHosts.has(host);
        c = new RegistryClient({
          host,
          scopes,
          plainHttp: opts.plainHttp,
          httpFallback: insecureHost || undefined,
          credentials,
          logger,
          transportOptions: {
            ca: readCas(opts, host),
            insecure: Boolean(opts.insecure) || insecureHost,
            deadline: deadline.signal,
            env: io.env,
            logger,
            // One connection per request in flight on HTTP/1.1: a wave is never split by the pool
            // (HTTP/2 origins, Docker Hub and GHCR among them, multiplex on one connection anyway).
            maxSockets: concurrency,
            ...retryTimings(io.env),
          },
        });
        clients.set(host, c);
      }
      return c;
    },
    close() {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      for (const c of clients.values()) c.close();
    },
  };
}
