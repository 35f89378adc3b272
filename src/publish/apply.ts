/**
 * Applies a plan: copy children that live in other repositories into the target repository
 * (HEAD by digest, else blob mounts and a manifest PUT), then PUT the index under every tag
 * that does not already point at it. The index is only PUT once every child is in place.
 */
import pLimit from 'p-limit';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import { isIndexMediaType, parseImageIndex, parseImageManifest } from '../oci/index.js';
import { pushScope, type RegistryClient } from '../registry/index.js';
import type { PublishPlan, PublishResult, ResolvedEntry, TagResult } from './types.js';

export interface ApplyDeps {
  client: RegistryClient;
  logger: Logger;
  concurrency: number;
}

/** Thrown when something was pushed but not everything: carries the state of every tag. */
export class PushError extends AppError {
  override name = 'PushError';
  /** Documents of the same run published in full before this one failed. */
  completed: PublishResult[] = [];
  constructor(message: string, readonly target: string, readonly digest: string, readonly tags: TagResult[], options?: ErrorOptions) {
    super('PUSH_FAILED', message, options);
  }
}

/** Copies one manifest (and what it references) from `from` into `to`, by digest. Returns false when already there. */
async function copyManifest(client: RegistryClient, o: { from: string; to: string; digest: string; bytes?: Buffer; mediaType?: string; knownAbsent?: boolean }): Promise<boolean> {
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
    await Promise.all(index.manifests.map((d) => copyManifest(client, { from: o.from, to: o.to, digest: d.digest })));
  } else {
    const m = parseImageManifest(bytes, where);
    // Non-distributable layers (with urls) are not in the registry and are not copied.
    const blobs = [m.config, ...m.layers.filter((l) => !l.urls?.length)];
    await Promise.all(blobs.map((b) => client.mountBlob(o.to, b.digest, o.from, b.size)));
  }
  await client.putManifest(o.to, o.digest, bytes, mediaType);
  return true;
}

/** Ensures every child of the plan exists in the target repository; returns the digests it copied. */
export async function copyChildren(plan: PublishPlan, deps: ApplyDeps): Promise<Set<string>> {
  const limit = pLimit(Math.max(1, deps.concurrency));
  const copied = new Set<string>();
  const one = async (e: ResolvedEntry): Promise<void> => {
    const did = e.inTarget ? false : await copyManifest(deps.client, { from: e.sourceRepo, to: plan.target.repository, digest: e.descriptor.digest, bytes: e.bytes, mediaType: e.descriptor.mediaType, knownAbsent: e.inTarget === false });
    if (did) copied.add(e.descriptor.digest);
    deps.logger.info({ digest: e.descriptor.digest, from: e.sourceRepo, to: plan.target.repository, action: did ? 'copied' : 'present' }, 'child in target repository');
  };
  const results = await Promise.allSettled(plan.copies.map((e) => limit(() => one(e))));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${plan.copies[i]!.from.path} (${plan.copies[i]!.from.source}): ${(r.reason as Error).message}`] : []));
  if (failed.length > 0) {
    const tags = plan.tags.map((tag) => ({ tag, status: 'failed' as const, error: 'not attempted: a child could not be copied' }));
    throw new PushError(`copying children into ${plan.target.registry}/${plan.target.repository} failed; no tag was changed:\n${failed.map((f) => `  - ${f}`).join('\n')}`, `${plan.target.registry}/${plan.target.repository}`, plan.index.digest, tags);
  }
  return copied;
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

/** PUTs the index under every tag that does not already point at it, in parallel. */
export async function pushTags(plan: PublishPlan, current: Map<string, string | undefined>, deps: ApplyDeps): Promise<TagResult[]> {
  const { client } = deps;
  const repo = plan.target.repository;
  const results = await Promise.all(plan.tags.map(async (tag): Promise<TagResult> => {
    const before = current.get(tag);
    if (before === plan.index.digest) return { tag, status: 'unchanged' };
    try {
      await client.putManifest(repo, tag, plan.index.bytes, plan.index.mediaType);
      return before ? { tag, status: 'updated', previous: before } : { tag, status: 'created' };
    } catch (err) {
      return { tag, status: 'failed', error: (err as Error).message };
    }
  }));
  for (const r of results) deps.logger.info({ tag: r.tag, status: r.status, digest: plan.index.digest }, 'tag');
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length > 0) {
    const moved = results.filter((r) => r.status === 'created' || r.status === 'updated').map((r) => r.tag);
    throw new PushError(`pushing ${plan.target.registry}/${repo} failed for ${failed.map((f) => f.tag).join(', ')} (${moved.length ? `moved: ${moved.join(', ')}` : 'no tag moved'}):\n${failed.map((f) => `  - ${f.tag}: ${f.error}`).join('\n')}`, `${plan.target.registry}/${repo}`, plan.index.digest, results);
  }
  return results;
}
