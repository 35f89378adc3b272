import { AppError } from '../errors.js';
import { readSync, writeSync } from 'node:fs';

/** What a command may touch of the outside world: streams, environment, stdin. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): string;
  env: NodeJS.ProcessEnv;
  isTty: boolean;
}

const pause = new Int32Array(new SharedArrayBuffer(4));
/** Blocks this thread for `ms` (a synchronous read or write waiting on a non-blocking pipe). */
const sleepSync = (ms: number): void => void Atomics.wait(pause, 0, 0, ms);

/**
 * Writes all of `buf` to a descriptor, synchronously. A non-blocking pipe that is full (EAGAIN)
 * is waited for, 10 ms at a time, up to `maxWaitMs` in all; then the error is thrown.
 */
export function writeAllSync(fd: number, buf: Buffer, maxWaitMs = Infinity): void {
  let waited = 0;
  for (let off = 0; off < buf.length;) {
    try {
      off += writeSync(fd, buf, off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN' || waited >= maxWaitMs) throw err;
      sleepSync(10);
      waited += 10;
    }
  }
}

/**
 * Writes all of `text` to a descriptor, synchronously. A reader that went away (EPIPE: `| head`)
 * ends output quietly: later writes are dropped, no error, no stack trace.
 */
function fdWriter(fd: number): (text: string) => void {
  let closed = false;
  return (text) => {
    if (closed) return;
    try {
      writeAllSync(fd, Buffer.from(text));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EPIPE' && code !== 'EBADF') throw err;
      closed = true;
    }
  };
}

/** The most standard input manifold reads (a spec, a password): far above any real spec. */
export const MAX_STDIN_BYTES = 16 * 1024 * 1024;

/**
 * Reads standard input to its end, synchronously. A pipe may be non-blocking and its writer
 * slow (a spec piped from another command, or written a moment after start): EAGAIN means "not
 * yet", so the read waits a little and goes on, until end of input.
 */
function readAllStdin(): string {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.alloc(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buf, 0, buf.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        sleepSync(10);
        continue;
      }
      if (code === 'EOF') break;
      throw err;
    }
    if (n === 0) break;
    total += n;
    if (total > MAX_STDIN_BYTES)
      throw new AppError('USAGE', `standard input is larger than ${MAX_STDIN_BYTES} bytes`);
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** How a command reports the exit code it finished with (errors go through main's mapping). */
export type Exit = (code: number) => void;

/** Streams that go nowhere: for building the command tree without running a command. */
export const silentIo = (): Io => ({
  stdout: () => undefined,
  stderr: () => undefined,
  readStdin: () => '',
  env: {},
  isTty: false,
});

/** The real process streams. Writes are synchronous so nothing is lost when the process exits. */
export function processIo(): Io {
  return {
    stdout: fdWriter(1),
    stderr: fdWriter(2),
    readStdin: readAllStdin,
    env: process.env,
    isTty: Boolean(process.stderr.isTTY),
  };
}
