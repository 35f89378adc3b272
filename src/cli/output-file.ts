/**
 * Files a run writes its outcome to (--digest-file, GITHUB_OUTPUT), checked before anything is
 * pushed and written after. What the path is decides how it is written:
 *
 * | the path is                                   | written                                    |
 * |-----------------------------------------------|--------------------------------------------|
 * | missing, or a regular file                    | replaced whole: a temporary file, renamed  |
 * |                                               | (appended to, for `append` files)          |
 * | a symlink to a regular file                   | the same, at the link's target: the link   |
 * |                                               | stays a link                               |
 * | a FIFO                                        | through it, on a descriptor opened at the  |
 * |                                               | check; no reader then is exit 2, before    |
 * |                                               | any push (a write would hang)              |
 * | /dev/stdout, /dev/stderr, /dev/fd/N,          | to that descriptor of this process, as a   |
 * | /proc/self/fd/N                               | shell does                                 |
 * | a character device or socket                  | through it, appended (never truncated,     |
 * |                                               | never replaced)                            |
 * | a directory, not writable, missing directory  | refused at the check: exit 2               |
 */
import {
  accessSync,
  appendFileSync,
  closeSync,
  constants,
  existsSync,
  lstatSync,
  openSync,
  readlinkSync,
  realpathSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AppError } from '../errors.js';
import { writeAllSync } from './io.js';

/** How long a write waits for a full pipe (a FIFO or descriptor whose reader is slow). */
const FULL_PIPE_WAIT_MS = 10_000;

export interface OutputFile {
  readonly path: string;
  /** Writes `text`: replacing the file's content, or appending (GITHUB_OUTPUT). */
  write(text: string): void;
  /** Releases a descriptor held since the check (a FIFO). */
  close(): void;
}

/** `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`. */
const OWN_DESCRIPTOR = /^\/(?:dev\/(stdout|stderr)|(?:dev\/fd|proc\/self\/fd)\/(\d+))$/;

/** Paths that name a descriptor or device, never a file to replace. */
const DESCRIPTOR_PATH = /^\/(dev|proc\/self\/fd|proc\/\d+\/fd)\//;

/**
 * Checks `path` and prepares its writer. Throws USAGE (exit 2) for an output that cannot be
 * written, before the run contacts anything.
 */
export function prepareOutputFile(
  path: string,
  what: string,
  mode: 'replace' | 'append',
): OutputFile {
  const full = resolve(path);
  const refuse = (why: string): never => {
    throw new AppError('USAGE', `${what} ${path}: ${why}`);
  };
  // This process's own descriptors are written as shells do: to the descriptor itself (a
  // socket or pipe behind /proc/self/fd cannot be opened again by path).
  const own = OWN_DESCRIPTOR.exec(full);
  if (own)
    return descriptorWriter(
      path,
      what,
      own[1] === 'stdout' ? 1 : own[1] === 'stderr' ? 2 : Number(own[2]),
    );
  let link: ReturnType<typeof lstatSync> | undefined;
  try {
    link = lstatSync(full);
  } catch {
    link = undefined;
  }
  if (!link || (link.isSymbolicLink() && !existsSync(full))) {
    // A new file (or a dangling link: its target is created).
    const target = link ? resolve(dirname(full), readlinkSync(full)) : full;
    const dir = dirname(target);
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      refuse(`the directory ${dir} does not exist`);
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      refuse('cannot create it (the directory is not writable)');
    }
    return regularWriter(path, what, target, mode);
  }
  const st = statSync(full);
  if (st.isDirectory()) refuse('is a directory');
  try {
    accessSync(full, constants.W_OK);
  } catch {
    refuse('not writable');
  }
  if (st.isFIFO()) return fifoWriter(path, what, full, refuse);
  if (st.isFile() && !DESCRIPTOR_PATH.test(full))
    return regularWriter(path, what, realpathSync(full), mode);
  return throughWriter(path, what, full);
}

const failed = (what: string, path: string, err: unknown): AppError =>
  new AppError(
    'PUSH_FAILED',
    `${what} ${path}: ${(err as Error).message} (the push itself finished: see the report above)`,
  );

/** A regular file (at `target`, a link's target): replaced through a rename, or appended to. */
function regularWriter(
  path: string,
  what: string,
  target: string,
  mode: 'replace' | 'append',
): OutputFile {
  return {
    path,
    write(text) {
      try {
        if (mode === 'append') return appendFileSync(target, text);
        const tmp = `${target}.manifold-${process.pid}.tmp`;
        writeFileSync(tmp, text);
        renameSync(tmp, target);
      } catch (err) {
        throw failed(what, path, err);
      }
    },
    close: () => undefined,
  };
}

/**
 * A FIFO: opened for writing now, without blocking. No reader (ENXIO) is refused now; with one,
 * the descriptor is held until the write, so the reader does not see an early end of file.
 */
function fifoWriter(
  path: string,
  what: string,
  full: string,
  refuse: (why: string) => never,
): OutputFile {
  let fd: number;
  try {
    fd = openSync(full, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENXIO')
      refuse('is a FIFO with no reader (writing to it would hang the run after the push)');
    refuse((err as Error).message);
  }
  let open = true;
  return descriptorWriter(path, what, fd, () => {
    if (open) closeSync(fd);
    open = false;
  });
}

/** A device or descriptor path (/dev/stdout): written through, appended, never replaced. */
function throughWriter(path: string, what: string, full: string): OutputFile {
  return {
    path,
    write(text) {
      try {
        appendFileSync(full, text);
      } catch (err) {
        throw failed(what, path, err);
      }
    },
    close: () => undefined,
  };
}

/**
 * A descriptor (one of this process's, or a FIFO opened at the check): written as it is, with a
 * bounded wait for a full pipe; `close` releases it, when it is ours to release.
 */
function descriptorWriter(
  path: string,
  what: string,
  fd: number,
  close: () => void = () => undefined,
): OutputFile {
  return {
    path,
    write(text) {
      try {
        writeAllSync(fd, Buffer.from(text), FULL_PIPE_WAIT_MS);
      } catch (err) {
        throw failed(what, path, err);
      }
    },
    close,
  };
}
