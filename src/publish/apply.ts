/**
 * Applies a plan: copy children that live in other repositories into the target repository
 * (HEAD by digest, else blob mounts and a manifest PUT), then PUT the index under every tag
 * that does not already point at it. The index is only PUT once every child is in place.
 */
import pLimit from 'p-limit';
import { AppError, isAborted } from '../errors.js';
import type { Logger } from '../log.js';
import { isIndexMediaType, parseImageIndex, parseImageManifest } from '../oci/index.js';
import { pushScope, type RegistryClient } from '../registry/index.js';
import type { PublishPlan, ResolvedEntry, TagResult } from './types.js';

export interface ApplyDeps {
  client: RegistryClient;
  logger: Logger;
  concurrency: number;
  /** What the run has copied so far (shared by every document of the run). */
  memo?: CopyMemo;
  progress?: (phase: 'copy' | 'tag', delta: { total?: number; done?: number }) => void;
}

/** Thrown when writing started and did not finish: the run's report says what moved. */
export class PushError extends AppError {
  override name = 'PushError';
  constructor(message: string, options?: ErrorOptions) {
    super('PUSH_FAILED', message, options);
  }
}

/** How long reads that settle an interrupted write may take. */
export const SETTLE_GRACE_MS = 5_000;

/** Deepest nesting of indexes manifold copies (an index whose entries are indexes, and so on). */
export const MAX_INDEX_DEPTH = 16;

/**
 * What this run has copied (or is copying) into each repository, by digest: every distinct
 * manifest and blob is copied once per run, across children and documents, however often it
 * is referenced (a nested index listing the same child many times costs one copy).
 */
export class CopyMemo {
  readonly manifests = new Map<string, Promise<boolean>>();
  readonly blobs = new Map<string, Promise<unknown>>();

  once<T>(map: Map<string, Promise<T>>, key: string, run: () => Promise<T>): Promise<T> {
    let p = map.get(key);
    if (!p) {
      p = run();
      map.set(key, p);
    }
    return p;
  }
}

interface CopyOrder {
  from: string;
  to: string;
  digest: string;
  bytes?: Buffer;
  mediaType?: string;
  knownAbsent?: boolean;
  depth?: number;
}

/** Copies one manifest (and what it references) from `from` into `to`, by digest. Returns false when already there. */
function copyManifest(client: RegistryClient, memo: CopyMemo, o: CopyOrder): Promise<boolean> {
  return memo.once(memo.manifests, `${o.to}@${o.digest}`, () => copyManifestOnce(client, memo, o));
}

async function copyManifestOnce(client: RegistryClient, memo: CopyMemo, o: CopyOrder): Promise<boolean> {
  const depth = o.depth ?? 0;
  if (depth > MAX_INDEX_DEPTH) throw new AppError('CONTENT_INVALID', `${o.from}@${o.digest}: indexes nested more than ${MAX_INDEX_DEPTH} deep; refused`);
  if (!o.knownAbsent && (await client.headManifest(o.to, o.digest, [pushScope(o.to)]))) return false;
  let bytes = o.bytes;
  let mediaType = o.mediaType;
  if (!bytes || !mediaType) {
    const m = await client.getManifest(o.from, o.digest);
    bytes = m.bytes;
    mediaType = m.mediaType;
  }
  const where = `${o.from}@${o.digest}`;
  if (isIndexMediaType(mediaType)) {
    const index = parseImageIndex(bytes, where);
    await Promise.all(index.manifests.map((d) => copyManifest(client, memo, { from: o.from, to: o.to, digest: d.digest, depth: depth + 1 })));
  } else {
    const m = parseImageManifest(bytes, where);
    // Non-distributable layers (with urls) are not in the registry and are not copied.
    const blobs = [m.config, ...m.layers.filter((l) => !l.urls?.length)];
    await Promise.all(blobs.map((b) => memo.once(memo.blobs, `${o.to}@${b.digest}`, () => client.mountBlob(o.to, b.digest, o.from, b.size))));
  }
  await putManifestSettled(client, o.to, o.digest, bytes, mediaType);
  return true;
}

/**
 * PUTs a manifest by digest. When the PUT's answer was lost (a network failure after the
 * retries), the registry may still have stored it: a HEAD settles it.
 */
async function putManifestSettled(client: RegistryClient, repo: string, digest: string, bytes: Buffer, mediaType: string): Promise<void> {
  try {
    await client.putManifest(repo, digest, bytes, mediaType);
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'NETWORK' || isAborted(err)) throw err;
    if ((await client.headManifest(repo, digest, [pushScope(repo)]).catch(() => undefined))?.digest !== digest) throw err;
  }
}

/**
 * Ensures every child of the plan exists in the target repository. Adds what it copied to
 * `copied` as it goes (so a failure still reports the copies made); throws when any copy failed.
 */
export async function copyChildren(plan: PublishPlan, deps: ApplyDeps, copied: Set<string>): Promise<void> {
  const limit = pLimit(Math.max(1, deps.concurrency));
  const memo = deps.memo ?? new CopyMemo();
  const one = async (e: ResolvedEntry): Promise<void> => {
    const did = e.inTarget ? false : await copyManifest(deps.client, memo, { from: e.sourceRepo, to: plan.target.repository, digest: e.descriptor.digest, bytes: e.bytes, mediaType: e.descriptor.mediaType, knownAbsent: e.inTarget === false });
    if (did) copied.add(e.descriptor.digest);
    deps.progress?.('copy', { done: 1 });
    deps.logger.info({ digest: e.descriptor.digest, from: e.sourceRepo, to: plan.target.repository, action: did ? 'copied' : 'present' }, 'child in target repository');
  };
  if (plan.copies.length > 0) deps.progress?.('copy', { total: plan.copies.length });
  const results = await Promise.allSettled(plan.copies.map((e) => limit(() => one(e))));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${plan.copies[i]!.from.path} (${plan.copies[i]!.from.source}): ${(r.reason as Error).message}`] : []));
  if (failed.length > 0) {
    throw new PushError(`copying children into ${plan.target.registry}/${plan.target.repository} failed; no tag was changed:\n${failed.map((f) => `  - ${f}`).join('\n')}`);
  }
}

/** What the target repository holds now: whether it exists at all, and what each tag points at. */
export interface TargetState {
  /** False when the registry says the repository does not exist (nothing of ours can be in it). */
  exists: boolean;
  tags: Map<string, string | undefined>;
}

/**
 * Looks the target up: one tags/list, then a HEAD only for the tags that exist (every tag when
 * the registry will not list). Runs while the children resolve, so it costs no extra round
 * trip; a first publish sends no HEAD at all.
 */
export async function targetState(client: RegistryClient, repo: string, tags: string[]): Promise<TargetState> {
  const listed = await client.listTags(repo);
  const exists = (t: string): boolean => listed === undefined || listed.includes(t);
  const entries = await Promise.all(tags.map(async (t) => [t, exists(t) ? (await client.headManifest(repo, t))?.digest : undefined] as const));
  return { exists: listed === undefined || listed.length > 0, tags: new Map(entries) };
}

/** A tag after its PUT: written (answer 201), cut off by us, or refused. */
type Attempt = { tag: string; before?: string; outcome: 'unchanged' | 'written' | 'aborted' | 'refused'; error?: string; interrupted?: boolean };

/**
 * The truth about a tag once its PUT is over, from a read-back (HEAD by tag).
 *
 * | PUT outcome | tag now points at  | status                                              |
 * |-------------|--------------------|-----------------------------------------------------|
 * | written     | our digest         | created / updated                                   |
 * | written     | what it did before | failed: not applied by the registry                 |
 * | written     | another digest     | failed: moved by another writer                     |
 * | aborted     | our digest         | created / updated (settled after the interrupt)     |
 * | aborted     | what it did before | failed: interrupted, the tag was not moved          |
 * | aborted     | another digest     | failed: moved by another writer                     |
 * | any         | read-back failed   | unknown                                             |
 */
export function settleTag(a: Attempt, now: string | undefined | Error, digest: string): TagResult {
  const base = a.before ? { tag: a.tag, previous: a.before } : { tag: a.tag };
  const cut = a.interrupted ? 'interrupted during its PUT' : `its PUT got no answer (${a.error ?? 'network failure'})`;
  if (now instanceof Error) return { ...base, status: 'unknown', error: `${a.outcome === 'aborted' ? cut : 'written'}, then could not be read back: ${now.message}` };
  if (now === digest) {
    const note = a.outcome !== 'aborted' ? {} : { note: a.interrupted ? 'settled after the interrupt' : 'its PUT got no answer; read back' };
    return { ...base, status: a.before ? 'updated' : 'created', ...note };
  }
  const where = now ? `it points at ${now}` : 'it does not exist';
  if (now !== a.before) return { ...base, status: 'failed', error: `moved by another writer (${where})` };
  if (a.outcome === 'aborted') return { ...base, status: 'failed', error: `${cut}; the tag was not moved` };
  return { ...base, status: 'failed', error: `not applied by the registry: it answered the PUT with success, yet ${where}` };
}

async function attempt(tag: string, plan: PublishPlan, current: Map<string, string | undefined>, client: RegistryClient): Promise<Attempt> {
  const before = current.get(tag);
  if (before === plan.index.digest) return { tag, before, outcome: 'unchanged' };
  try {
    await client.putManifest(plan.target.repository, tag, plan.index.bytes, plan.index.mediaType);
    return { tag, before, outcome: 'written' };
  } catch (err) {
    // Cut off by us, or the answer lost on the way: the registry may have stored it either way.
    const unknown = isAborted(err) || (err instanceof AppError && err.code === 'NETWORK');
    return { tag, before, outcome: unknown ? 'aborted' : 'refused', error: (err as Error).message, interrupted: isAborted(err) };
  }
}

/**
 * PUTs the index under every tag that does not already point at it, in parallel, then reads
 * every written (or cut-off) tag back and reports what it points at. Never throws: failures
 * are in the results. A cut-off write is read back on a short grace period of its own.
 */
export async function pushTags(plan: PublishPlan, current: Map<string, string | undefined>, deps: ApplyDeps): Promise<TagResult[]> {
  const { client } = deps;
  const repo = plan.target.repository;
  deps.progress?.('tag', { total: plan.tags.length });
  const attempts = await Promise.all(plan.tags.map((tag) => attempt(tag, plan, current, client).finally(() => deps.progress?.('tag', { done: 1 }))));
  const interrupted = attempts.some((a) => a.interrupted);
  const signal = interrupted ? AbortSignal.timeout(SETTLE_GRACE_MS) : undefined;
  const results = await Promise.all(attempts.map(async (a): Promise<TagResult> => {
    if (a.outcome === 'unchanged') return { tag: a.tag, status: 'unchanged' };
    if (a.outcome === 'refused') return { tag: a.tag, status: 'failed', ...(a.before ? { previous: a.before } : {}), error: a.error };
    const now = await client.readTag(repo, a.tag, signal).then((d) => d, (err: Error) => err);
    return settleTag(a, now, plan.index.digest);
  }));
  for (const r of results) deps.logger.info({ tag: r.tag, status: r.status, digest: plan.index.digest }, 'tag');
  return results;
}
