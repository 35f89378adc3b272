/**
 * Puts every child of a plan into the target repository: HEAD by digest, else its blobs (a
 * mount on the same registry, a streamed and verified copy from another one) and then its
 * manifest by digest. Each distinct manifest and blob is copied once per run.
 */
import pLimit from 'p-limit';
import { AppError, isAborted } from '../errors.js';
import type { Logger } from '../log.js';
import {
  isIndexMediaType,
  parseImageIndex,
  parseImageManifest,
  type Descriptor,
} from '../oci/index.js';
import { copyBlob, pushScope, type ByteLimiter, type RegistryClient } from '../registry/index.js';
import { PushError } from './apply.js';
import type { PublishPlan, ResolvedEntry } from './types.js';

/** Deepest nesting of indexes manifold copies (an index whose entries are indexes, and so on). */
export const MAX_INDEX_DEPTH = 16;

/** A repository on a registry, with the client that reaches it. */
export interface Place {
  host: string;
  repo: string;
  client: RegistryClient;
}

/**
 * Where a child's content comes from: a registry repository, and an in-memory store of content
 * that is manifold's own (a rewritten config), by digest. A blob the store holds is uploaded
 * from it; every other blob is placed from the repository. One placement path for both.
 */
export interface Source extends Place {
  held?: ReadonlyMap<string, Buffer>;
}

/**
 * What this run has copied (or is copying), by digest and place: every distinct manifest and
 * blob is copied once per run, across children and documents, however often it is referenced.
 * `homes` remembers a repository of each registry that holds a blob, to mount it from there.
 */
export class CopyMemo {
  readonly manifests = new Map<string, Promise<boolean>>();
  readonly blobs = new Map<string, Promise<unknown>>();
  readonly homes = new Map<string, string>();
  /** Bytes streamed across registries (or within one, when a mount was refused). */
  bytesCopied = 0;
  blobsCopied = 0;

  once<T>(map: Map<string, Promise<T>>, key: string, run: () => Promise<T>): Promise<T> {
    let p = map.get(key);
    if (!p) {
      p = run();
      map.set(key, p);
    }
    return p;
  }
}

export interface CopyDeps {
  /** The target registry's client. */
  client: RegistryClient;
  clientFor: (host: string) => RegistryClient;
  logger: Logger;
  concurrency: number;
  memo: CopyMemo;
  limiter?: ByteLimiter;
  /** The run's copy pool (every document's copies share it); else one of `concurrency`. */
  limit?: ReturnType<typeof pLimit>;
  progress?: (
    phase: 'copy' | 'bytes',
    delta: { total?: number; done?: number; key?: string },
  ) => void;
}

interface CopyOrder {
  /** The child this copy is for (progress names it). */
  label: string;
  from: Source;
  to: Place;
  digest: string;
  bytes?: Buffer;
  mediaType?: string;
  knownAbsent?: boolean;
  depth?: number;
}

const at = (p: Place): string => `${p.host}/${p.repo}`;

/** Puts one blob in place: mounted on the same registry, else streamed across. */
async function placeBlob(
  from: Source,
  to: Place,
  b: Descriptor,
  deps: CopyDeps,
  label: string,
): Promise<void> {
  const { memo } = deps;
  const held = from.held?.get(b.digest);
  if (held) {
    if (await to.client.uploadBlob(to.repo, b.digest, held)) memo.blobsCopied += 1;
    return void memo.homes.set(`${to.host}@${b.digest}`, to.repo);
  }
  let session: URL | undefined;
  // Same registry: mount from the source. Another registry: mount from a repository of the
  // target registry this run already put the blob in, if any.
  const mountFrom = from.host === to.host ? from.repo : memo.homes.get(`${to.host}@${b.digest}`);
  if (mountFrom && mountFrom !== to.repo) {
    const m = await to.client.mountBlob(to.repo, b.digest, mountFrom);
    if (m.mounted) return void memo.homes.set(`${to.host}@${b.digest}`, to.repo);
    session = m.session;
  }
  const source = from.host === to.host || !mountFrom ? from : { ...to, repo: mountFrom };
  const done = await copyBlob(
    { client: source.client, repo: source.repo },
    { client: to.client, repo: to.repo },
    b,
    {
      logger: deps.logger,
      limiter: deps.limiter,
      session,
      onBytes: (n) => {
        memo.bytesCopied += n;
        deps.progress?.('bytes', { done: n, key: label });
      },
    },
  );
  if (done === 'copied') memo.blobsCopied += 1;
  memo.homes.set(`${to.host}@${b.digest}`, to.repo);
}

/** Copies one manifest (and what it references) by digest. Returns false when already there. */
function copyManifest(o: CopyOrder, deps: CopyDeps): Promise<boolean> {
  return deps.memo.once(deps.memo.manifests, `${at(o.to)}@${o.digest}`, () =>
    copyManifestOnce(o, deps),
  );
}

async function copyManifestOnce(o: CopyOrder, deps: CopyDeps): Promise<boolean> {
  const depth = o.depth ?? 0;
  if (depth > MAX_INDEX_DEPTH)
    throw new AppError(
      'CONTENT_INVALID',
      `${at(o.from)}@${o.digest}: indexes nested more than ${MAX_INDEX_DEPTH} deep; refused`,
    );
  if (
    !o.knownAbsent &&
    (await o.to.client.headManifest(o.to.repo, o.digest, [pushScope(o.to.repo)]))
  )
    return false;
  let bytes = o.bytes;
  let mediaType = o.mediaType;
  if (!bytes || !mediaType) {
    const m = await o.from.client.getManifest(o.from.repo, o.digest);
    bytes = m.bytes;
    mediaType = m.mediaType;
  }
  const where = `${at(o.from)}@${o.digest}`;
  if (isIndexMediaType(mediaType)) {
    const index = parseImageIndex(bytes, where);
    await Promise.all(
      index.manifests.map((d) =>
        copyManifest(
          { label: o.label, from: o.from, to: o.to, digest: d.digest, depth: depth + 1 },
          deps,
        ),
      ),
    );
  } else {
    const m = parseImageManifest(bytes, where);
    // Non-distributable layers (with urls) are not in the registry and are not copied.
    const blobs = [m.config, ...m.layers.filter((l) => !l.urls?.length)];
    if (o.from.host !== o.to.host || o.from.held)
      deps.progress?.('bytes', { total: blobs.reduce((n, b) => n + b.size, 0), key: o.label });
    await Promise.all(
      blobs.map((b) =>
        deps.memo.once(deps.memo.blobs, `${at(o.to)}@${b.digest}`, () =>
          placeBlob(o.from, o.to, b, deps, o.label),
        ),
      ),
    );
  }
  await putManifestSettled(o.to, o.digest, bytes, mediaType);
  return true;
}

/**
 * PUTs a manifest by digest. When the PUT's answer was lost (a network failure after the
 * retries), the registry may still have stored it: a HEAD settles it.
 */
async function putManifestSettled(
  to: Place,
  digest: string,
  bytes: Buffer,
  mediaType: string,
): Promise<void> {
  try {
    await to.client.putManifest(to.repo, digest, bytes, mediaType);
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'NETWORK' || isAborted(err)) throw err;
    if (
      (await to.client.headManifest(to.repo, digest, [pushScope(to.repo)]).catch(() => undefined))
        ?.digest !== digest
    )
      throw err;
  }
}

/**
 * Ensures every child of the plan exists in the target repository. Adds what it copied to
 * `copied` as it goes (so a failure still reports the copies made); throws when any copy failed.
 */
export async function copyChildren(
  plan: PublishPlan,
  deps: CopyDeps,
  copied: Set<string>,
): Promise<void> {
  const limit = deps.limit ?? pLimit(Math.max(1, deps.concurrency));
  const to: Place = { host: plan.target.host, repo: plan.target.repository, client: deps.client };
  const one = async (e: ResolvedEntry): Promise<void> => {
    const from: Source = {
      host: e.sourceHost,
      repo: e.sourceRepo,
      client: deps.clientFor(e.sourceHost),
      ...(e.held ? { held: e.held } : {}),
    };
    const did = e.inTarget
      ? false
      : await copyManifest(
          {
            label: e.from.source,
            from,
            to,
            digest: e.descriptor.digest,
            bytes: e.bytes,
            mediaType: e.descriptor.mediaType,
            knownAbsent: e.inTarget === false,
          },
          deps,
        );
    if (did) copied.add(e.descriptor.digest);
    deps.progress?.('copy', { done: 1 });
    deps.logger.info(
      {
        digest: e.descriptor.digest,
        from: at(from),
        to: at(to),
        action: did ? 'copied' : 'present',
      },
      'child in target repository',
    );
  };
  if (plan.copies.length > 0) deps.progress?.('copy', { total: plan.copies.length });
  const results = await Promise.allSettled(plan.copies.map((e) => limit(() => one(e))));
  const failed = results.flatMap((r, i) =>
    r.status === 'rejected'
      ? [
          `${plan.copies[i]!.from.path} (${plan.copies[i]!.from.source}): ${(r.reason as Error).message}`,
        ]
      : [],
  );
  if (failed.length > 0) {
    throw new PushError(
      `copying children into ${plan.target.registry}/${plan.target.repository} failed; no tag was changed:\n${failed.map((f) => `  - ${f}`).join('\n')}`,
    );
  }
}
