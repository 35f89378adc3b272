import { readFileSync, writeSync } from 'node:fs';

/** What a command may touch of the outside world: streams, environment, stdin. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): string;
  env: NodeJS.ProcessEnv;
  isTty: boolean;
}

/**
 * Writes all of `text` to a descriptor, synchronously. A reader that went away (EPIPE: `| head`)
 * ends output quietly: later writes are dropped, no error, no stack trace.
 */
function fdWriter(fd: number): (text: string) => void {
  let closed = false;
  return (text) => {
    if (closed) return;
    const buf = Buffer.from(text);
    for (let off = 0; off < buf.length;) {
      try {
        off += writeSync(fd, buf, off);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') continue;
        if (code === 'EPIPE' || code === 'EBADF') {
          closed = true;
          return;
        }
        throw err;
      }
    }
  };
}

/** How a command reports the exit code it finished with (errors go through main's mapping). */
export type Exit = (code: number) => void;

/** The real process streams. Writes are synchronous so nothing is lost when the process exits. */
export function processIo(): Io {
  return {
    stdout: fdWriter(1),
    stderr: fdWriter(2),
    readStdin: () => readFileSync(0, 'utf8'),
    env: process.env,
    isTty: Boolean(process.stderr.isTTY),
  };
}
