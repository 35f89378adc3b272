/**
 * The docker credential-helper protocol: `docker-credential-<name> get` with the server URL on
 * stdin, JSON `{ServerURL, Username, Secret}` on stdout. A helper that hangs is killed.
 * Reference: docker/docker-credential-helpers client.
 */
import { spawn } from 'node:child_process';
import { AppError } from '../../errors.js';
import { escapeForeign } from '../../escape.js';
import type { Credential } from './credential.js';

export type HelperRunner = (helper: string, serverUrl: string) => Promise<Credential | undefined>;

export const HELPER_TIMEOUT_MS = 30_000;
/** The most a helper may print on stdout (a credential is a few hundred bytes): more is refused. */
export const HELPER_MAX_STDOUT = 1024 * 1024;
/** What is kept of its stderr for the error message. */
const HELPER_STDERR_KEPT = 4096;
const NOT_FOUND = /credentials not found/i;

export interface HelperOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** The run's deadline and interrupt: when it fires, the helper is killed at once. */
  signal?: AbortSignal;
}

/** Kills a helper's whole process group (it may have started children of its own). */
function killGroup(child: ReturnType<typeof spawn>): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
  child.stdout?.destroy();
  child.stderr?.destroy();
  child.unref();
}

/** Runs a credential helper's `get`; undefined when it has no credentials for the server. */
export function runCredentialHelper(
  helper: string,
  serverUrl: string,
  options: HelperOptions = {},
): Promise<Credential | undefined> {
  const { timeoutMs = HELPER_TIMEOUT_MS, env = process.env, signal } = options;
  if (!/^[A-Za-z0-9._-]+$/.test(helper))
    return Promise.reject(new AppError('AUTH', `credential helper name "${helper}" is not valid`));
  const bin = `docker-credential-${helper}`;
  if (signal?.aborted)
    return Promise.reject(
      new AppError(
        'NETWORK',
        `${bin} not run: ${(signal.reason as Error | undefined)?.message ?? 'aborted'}`,
      ),
    );
  return new Promise((resolve, reject) => {
    // Its own process group, so a hung helper is killed together with anything it started.
    const child = spawn(bin, ['get'], { stdio: ['pipe', 'pipe', 'pipe'], env, detached: true });
    let out = '';
    let err = '';
    let settled = false;
    const stop = (message: string, code: 'AUTH' | 'NETWORK'): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      killGroup(child);
      reject(new AppError(code, message));
    };
    const onAbort = (): void =>
      stop(
        `${bin} killed: ${(signal?.reason as Error | undefined)?.message ?? 'aborted'}`,
        'NETWORK',
      );
    const timer = setTimeout(
      () => stop(`${bin} did not answer within ${Math.round(timeoutMs / 1000)} s; killed`, 'AUTH'),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('close', () => signal?.removeEventListener('abort', onAbort));
    let outBytes = 0;
    child.stdout.on('data', (c: Buffer) => {
      outBytes += c.length;
      // A foreign program: what it prints is bounded, never buffered without end.
      if (outBytes > HELPER_MAX_STDOUT)
        return stop(`${bin} printed more than ${HELPER_MAX_STDOUT} bytes; killed`, 'AUTH');
      out += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      if (err.length < HELPER_STDERR_KEPT) err += c.toString('utf8').slice(0, HELPER_STDERR_KEPT);
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(
        new AppError(
          'AUTH',
          `cannot run ${bin}: ${(e as NodeJS.ErrnoException).code ?? e.message}`,
        ),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (settled) return;
      // Never echo the helper's stdout: it holds the secret.
      if (code !== 0)
        return NOT_FOUND.test(out) || NOT_FOUND.test(err)
          ? resolve(undefined)
          : reject(
              new AppError(
                'AUTH',
                // Its text is escaped like a registry's: it cannot start a line of its own.
                `${bin} get failed with exit code ${code}: ${escapeForeign(err.trim().slice(0, 200))}`,
              ),
            );
      try {
        const parsed = JSON.parse(out) as { Username?: string; Secret?: string };
        if (!parsed.Secret) return resolve(undefined);
        const source = `credential helper ${bin}`;
        resolve(
          parsed.Username === '<token>'
            ? { identityToken: parsed.Secret, source }
            : { username: parsed.Username, password: parsed.Secret, source },
        );
      } catch {
        reject(new AppError('AUTH', `${bin} get printed something that is not JSON`));
      }
    });
    // A helper may exit without reading its input: EPIPE on stdin is not an error of ours.
    child.stdin.on('error', () => undefined);
    child.stdin.end(serverUrl);
  });
}
