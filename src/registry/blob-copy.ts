/**
 * Copies a blob from one repository to another, on the same registry or across registries,
 * streamed from the source answer into the target upload: never held in memory, hashed on the
 * way, committed only when the bytes hash to the descriptor's digest. An interrupted transfer
 * restarts that blob alone, resuming from what the target already holds where it can say.
 * Reference: OCI distribution-spec v1.1 §Pushing blobs (chunked upload, PATCH then PUT).
 */
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { AppError, RegistryError } from '../errors.js';
import type { Logger } from '../log.js';
import type { RegistryClient } from './client.js';
import { isRetryable } from './http.js';

export interface BlobPlace {
  client: RegistryClient;
  repo: string;
}

export interface BlobCopyOptions {
  logger: Logger;
  /** Told every chunk that reaches the target (progress). */
  onBytes?: (n: number) => void;
  /** Transfers per blob before giving up (the first included). */
  attempts?: number;
  /** Admission by bytes as well as by count (shared by every copy of the run). */
  limiter?: ByteLimiter;
  /** An upload session the target already opened (a mount answered 202), used for the first transfer. */
  session?: URL;
}

/**
 * A semaphore on bytes and on count: at most `maxBytes` of blobs and `maxCount` transfers in
 * flight; a blob larger than the budget runs alone.
 */
export class ByteLimiter {
  private bytes = 0;
  private count = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly maxBytes: number,
    readonly maxCount: number,
  ) {}

  private fits(size: number): boolean {
    return this.count === 0 || (this.count < this.maxCount && this.bytes + size <= this.maxBytes);
  }

  async run<T>(size: number, work: () => Promise<T>): Promise<T> {
    while (!this.fits(size)) await new Promise<void>((r) => this.waiting.push(r));
    this.bytes += size;
    this.count += 1;
    try {
      return await work();
    } finally {
      this.bytes -= size;
      this.count -= 1;
      for (const w of this.waiting.splice(0)) w();
    }
  }
}

/** Checks size and digest of the bytes passing through. */
function verifier(
  size: number,
  offset: number,
  onBytes?: (n: number) => void,
): Transform & { seen(): number } {
  let seen = offset;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > size)
        return done(
          new AppError('DIGEST_MISMATCH', `more bytes than the descriptor's size ${size}`),
        );
      onBytes?.(chunk.length);
      done(null, chunk);
    },
    // A source that ends short would leave the upload waiting for bytes that never come.
    flush(done) {
      done(
        seen === size
          ? null
          : new AppError(
              'DIGEST_MISMATCH',
              `the source sent ${seen} bytes, the descriptor says ${size}`,
            ),
      );
    },
  });
  return Object.assign(t, { seen: () => seen });
}

/**
 * Whether a transfer that failed is sent again. The policy is the transport's (`isRetryable`):
 * a cut or failed connection, a timeout, 408/429/5xx; never another 4xx, an auth or digest
 * problem, or our own abort. It applies only to what the transport does not retry itself: the
 * streamed GET and PATCH. The buffered requests around them (POST, PUT, HEAD) have had their
 * retries in the transport, so their failure ends the blob. A resumed upload the registry
 * refuses — 416 on the PATCH, or a commit refused as DIGEST_INVALID because the offset it was
 * told was wrong — starts over from byte 0 in a new session.
 */
const restartable = (err: unknown): boolean =>
  (err as { streamed?: boolean }).streamed === true && isRetryable(err);
const offsetRefused = (err: unknown): boolean =>
  err instanceof RegistryError &&
  (err.details.status === 416 ||
    (err.details.status === 400 &&
      (err.details.registryCodes ?? []).some(
        (c) => c === 'DIGEST_INVALID' || c === 'BLOB_UPLOAD_INVALID',
      )));

/**
 * Hashes what the target already holds of an upload, by reading that prefix from the source
 * again (the bytes are small next to a restart, and the digest must cover them).
 */
async function prefixHash(
  from: BlobPlace,
  digest: string,
  offset: number,
): Promise<ReturnType<typeof createHash>> {
  const hash = createHash('sha256');
  if (offset === 0) return hash;
  const res = await from.client.streamBlob(from.repo, digest);
  let left = offset;
  for await (const chunk of res.stream) {
    const c = chunk as Buffer;
    hash.update(left >= c.length ? c : c.subarray(0, left));
    left -= Math.min(left, c.length);
    if (left === 0) {
      res.stream.destroy();
      break;
    }
  }
  return hash;
}

/** One transfer: session, stream, verify, commit. Resumes `session` from `offset` when given. */
async function transfer(
  from: BlobPlace,
  to: BlobPlace,
  d: { digest: string; size: number },
  o: BlobCopyOptions,
  resume?: { location: URL; offset: number },
): Promise<void> {
  let location = resume?.location ?? o.session ?? (await to.client.startUpload(to.repo));
  o.session = undefined;
  const offset = resume?.offset ?? 0;
  let hash: ReturnType<typeof createHash> | undefined;
  // The body, opened afresh each time the PATCH is sent (a 401 answered by a new token resends it).
  const open = async (): Promise<Readable> => {
    hash = await prefixHash(from, d.digest, offset);
    const h = hash;
    const source = await from.client.streamBlob(from.repo, d.digest, offset);
    // A source that ignored the Range header sends everything: start over instead.
    if (offset > 0 && source.status !== 206) {
      source.stream.destroy();
      throw new RegistryError(
        'NETWORK',
        `${from.client.host} does not serve ranges; restarting the blob`,
      );
    }
    const hashing = new Transform({
      transform(chunk: Buffer, _e, done) {
        h.update(chunk);
        done(null, chunk);
      },
    });
    source.stream.on('error', (err) => hashing.destroy(err));
    const body = source.stream.pipe(hashing).pipe(verifier(d.size, offset, o.onBytes));
    hashing.on('error', (err) => body.destroy(err));
    return body;
  };
  try {
    location = await to.client.patchUpload(to.repo, location, open, { size: d.size, offset });
  } catch (err) {
    if (err instanceof Error) Object.assign(err, { session: location, streamed: true });
    throw err;
  }
  const actual = `sha256:${hash!.digest('hex')}`;
  if (actual !== d.digest) {
    await to.client.cancelUpload(to.repo, location);
    throw new AppError(
      'DIGEST_MISMATCH',
      `blob ${d.digest} from ${from.client.host}/${from.repo}: the bytes streamed hash to ${actual}; the upload was cancelled`,
    );
  }
  await to.client.commitUpload(to.repo, location, d.digest);
}

/**
 * Copies `d` from `from` into `to` unless `to` holds it already. Returns what happened.
 * Transient failures restart the blob (resuming where the target can say how much it holds).
 */
export async function copyBlob(
  from: BlobPlace,
  to: BlobPlace,
  d: { digest: string; size: number },
  o: BlobCopyOptions,
): Promise<'present' | 'copied'> {
  if (await to.client.blobExists(to.repo, d.digest)) return 'present';
  const attempts = o.attempts ?? 3;
  const go = async (): Promise<'copied'> => {
    let resume: { location: URL; offset: number } | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        await transfer(from, to, d, o, resume);
        return 'copied';
      } catch (err) {
        const refused = resume !== undefined && offsetRefused(err);
        if (!(restartable(err) || refused) || attempt >= attempts) throw err;
        const session = refused ? undefined : (err as { session?: URL }).session;
        if (refused && resume) await to.client.cancelUpload(to.repo, resume.location);
        const held = session
          ? await to.client.uploadOffset(to.repo, session).catch(() => undefined)
          : undefined;
        resume =
          session && held !== undefined && held > 0 && held < d.size
            ? { location: session, offset: held }
            : undefined;
        o.logger.warn(
          {
            digest: d.digest,
            attempt: attempt + 1,
            resumeAt: resume?.offset ?? 0,
            reason: (err as Error).message,
          },
          'blob transfer interrupted; trying again',
        );
      }
    }
  };
  return o.limiter ? o.limiter.run(d.size, go) : go();
}
