/**
 * publish(specs): the conductor of a run, in phases across every document —
 *   1. resolve and plan every document (reads only; one prewarm per target origin);
 *   2. every copy of every document, in one pool (shared concurrency and byte budget);
 *   3. only when every copy has finished: every tag of every document in one parallel wave (each
 *      tag's PUT, then its read-back), then the post-push steps (the referrers entry).
 * A child missing in any document, or a copy that fails, means no tag moves at all. A dry run
 * reports the plans. Statuses come from `indexStatus` (types.ts).
 */
import { AggregateAppError, AppError } from '../errors.js';
import type { Logger } from '../log.js';
import { formatPlatform, formatReference, parseImageManifest } from '../oci/index.js';
import { ByteLimiter, pullScope, pushScope, type RegistryClient } from '../registry/index.js';
import type { Spec } from '../spec/index.js';
import { PushError, pushTags, targetState, type TargetState } from './apply.js';
import { copyChildren, CopyMemo } from './copy.js';
import { checkMinimum, checkShrink, type GuardOptions } from './guards.js';
import { buildPlan } from './plan.js';
import { registerReferrer } from './referrers.js';
import { resolveAll } from './resolve.js';
import pLimit from 'p-limit';
import {
  indexStatus,
  tagLanded,
  tagMoved,
  type ChildReport,
  type PublishPlan,
  type PublishResult,
  type TagResult,
} from './types.js';

export { tagLanded, tagMoved } from './types.js';
export type {
  PublishResult,
  TagResult,
  ChildReport,
  PublishPlan,
  TagStatus,
  IndexStatus,
} from './types.js';
export { PushError } from './apply.js';
export { buildPlan, chooseFormat, MAX_INDEX_BYTES } from './plan.js';
export { reconcilePlatform } from './platform-check.js';
export { checkImageAt } from './binaries.js';
export { DEFAULT_VERIFY_BUDGET, type BinaryCheck } from '../verify/index.js';

export interface PublishDeps {
  /**
   * The client for a registry host (one per host for the whole run); `scopes`, given on its
   * first use, are the job's scopes there.
   */
  clientFor(host: string, scopes?: string[]): RegistryClient;
  logger: Logger;
  concurrency: number;
  ignoreMissing: boolean;
  dryRun: boolean;
  /** Release guards (--min-children, --allow-fewer-platforms). */
  guard?: GuardOptions;
  /** Compressed bytes a child's binaries check may read (--verify-budget). */
  verifyBudget?: number;
  /** Told how far the run is (a terminal's progress line). */
  progress?: (
    phase: 'resolve' | 'copy' | 'bytes' | 'tag',
    delta: { total?: number; done?: number; key?: string },
  ) => void;
}

/** A document resolved and planned, nothing written yet. */
interface Prepared {
  spec: Spec;
  client: RegistryClient;
  plan: PublishPlan;
  current: Map<string, string | undefined>;
  skipped: PublishResult['skipped'];
  log: Logger;
}

function children(
  plan: PublishPlan,
  copied: Set<string> | undefined,
  failed = false,
): ChildReport[] {
  // An entry the plan does not copy lives in the target repository already.
  const copies = new Set(plan.copies);
  return plan.entries.map((e) => {
    const inTarget = !copies.has(e) || e.inTarget === true;
    const action = inTarget
      ? 'present'
      : copied === undefined
        ? 'planned-copy'
        : copied.has(e.descriptor.digest)
          ? 'copied'
          : failed
            ? 'not-copied'
            : 'present';
    const report: ChildReport = {
      digest: e.descriptor.digest,
      mediaType: e.descriptor.mediaType,
      size: e.descriptor.size,
      source: e.from.source,
      action,
    };
    if (e.descriptor.platform) report.platform = formatPlatform(e.descriptor.platform);
    if (e.binaries) {
      const { outcome, platform, message, bytesRead, layersRead, layers } = e.binaries;
      report.binaries = { outcome, platform, message, bytesRead, layersRead, layers };
    }
    if (e.rewrite) report.rewrite = e.rewrite;
    return report;
  });
}

/**
 * The job's scopes per registry host, over every document: pull on every source (on its own
 * registry), pull and push on every target. One token per registry covers the job.
 */
export function jobScopes(specs: readonly Spec[], dryRun: boolean): Map<string, string[]> {
  const byHost = new Map<string, Set<string>>();
  const add = (host: string, scope: string): void =>
    void byHost.set(host, (byHost.get(host) ?? new Set()).add(scope));
  for (const spec of specs) {
    add(
      spec.target.host,
      dryRun ? pullScope(spec.target.repository) : pushScope(spec.target.repository),
    );
    for (const m of spec.manifests) {
      if (m.ref.host !== spec.target.host || m.ref.repository !== spec.target.repository)
        add(m.ref.host, pullScope(m.ref.repository));
    }
  }
  return new Map([...byHost].map(([h, s]) => [h, [...s]]));
}

/** Resolves and plans one document. Reads only. */
async function prepare(spec: Spec, deps: PublishDeps): Promise<Prepared> {
  const client = deps.clientFor(spec.target.host);
  const target = spec.target.repository;
  const log = deps.logger.child({ target: formatReference({ ...spec.target, digest: undefined }) });
  const started = Date.now();
  // Children resolve while the target's tags are looked up: the two need nothing of each other.
  const state: Promise<TargetState> = targetState(client, target, [...spec.tags]);
  const [resolved, current] = await Promise.all([
    resolveAll(spec, {
      ...deps,
      client,
      clientFor: deps.clientFor,
      targetHost: spec.target.host,
      targetRepo: target,
      targetHasTags: state.then(
        (s) => s.exists,
        () => true,
      ),
      logger: log,
    }),
    state.then((s) => s.tags),
  ]);
  const plan = buildPlan(spec, resolved);
  for (const w of plan.warnings) log.warn(w);
  checkMinimum(spec, plan, deps.guard ?? {});
  await checkShrink({
    spec,
    plan,
    skipped: resolved.skipped,
    current,
    client,
    guard: deps.guard ?? {},
  });
  log.debug(
    { ms: Date.now() - started, entries: plan.entries.length, digest: plan.index.digest },
    'resolved and planned',
  );
  return { spec, client, plan, current, skipped: resolved.skipped, log };
}

/** How a report names a document's index: its target with its first tag. */
const targetName = (s: Spec): string =>
  formatReference({ ...s.target, tag: s.tags[0], digest: undefined });

function baseResult(
  p: Prepared,
  dryRun: boolean,
): Omit<PublishResult, 'tags' | 'children' | 'status'> {
  return {
    target: targetName(p.spec),
    file: p.spec.file,
    document: p.spec.document,
    digest: p.plan.index.digest,
    size: p.plan.index.size,
    mediaType: p.plan.index.mediaType,
    skipped: p.skipped,
    dryRun,
  };
}

/** What a dry run reports for a tag: the status a real run would give it. */
function plannedTag(tag: string, p: Prepared): TagResult {
  const before = p.current.get(tag);
  if (before === p.plan.index.digest) return { tag, status: 'unchanged' };
  return before ? { tag, status: 'updated', previous: before } : { tag, status: 'created' };
}

/**
 * Puts one document's children in place. Returns undefined when done, else the document's
 * failed result (no tag attempted); copies already made are kept and reported.
 */
async function copyPhase(
  p: Prepared,
  deps: PublishDeps,
  shared: { memo: CopyMemo; limiter: ByteLimiter; limit: ReturnType<typeof pLimit> },
  copied: Set<string>,
): Promise<PublishResult | undefined> {
  const started = Date.now();
  try {
    await copyChildren(
      p.plan,
      {
        client: p.client,
        clientFor: deps.clientFor,
        logger: p.log,
        concurrency: deps.concurrency,
        memo: shared.memo,
        limiter: shared.limiter,
        limit: shared.limit,
        progress: deps.progress,
      },
      copied,
    );
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return {
      ...baseResult(p, false),
      status: 'failed',
      tags: notAttemptedTags(p.plan.tags, 'a child could not be copied'),
      children: children(p.plan, copied, true),
      error: { code: err.code, message: err.message },
    };
  }
  p.log.debug({ ms: Date.now() - started, copied: copied.size }, 'children copied');
  return undefined;
}

/** Writes one document's tags (its children are in place) and, for a subject, its referrers entry. */
async function tagPhase(
  p: Prepared,
  deps: PublishDeps,
  copied: Set<string>,
): Promise<PublishResult> {
  const tags = await pushTags(p.plan, p.current, {
    client: p.client,
    logger: p.log,
    progress: deps.progress,
  });
  p.log.debug('published');
  // Post-push steps, for an index at least one tag points at: the referrers entry of a subject.
  const referrers = tags.some((t) => tagLanded(t.status))
    ? await registerReferrer(p.client, p.plan)
    : undefined;
  const status = indexStatus(tags, Boolean(referrers?.error));
  const result: PublishResult = {
    ...baseResult(p, false),
    status,
    tags,
    children: children(p.plan, copied),
    ...(referrers ? { referrers } : {}),
  };
  if (status !== 'published') {
    const bad = tags
      .filter((t) => !tagLanded(t.status))
      .map((t) => `${t.tag}: ${t.status}${t.error ? ` (${t.error})` : ''}`);
    if (referrers?.error) bad.push(`referrers tag ${referrers.tag}: ${referrers.error}`);
    result.error = { code: 'PUSH_FAILED', message: bad.join('\n') };
  }
  return result;
}

/** Every tag of a document that was not written, and why. */
function notAttemptedTags(tags: readonly string[], why: string): TagResult[] {
  return tags.map((tag): TagResult => ({ tag, status: 'not-attempted', error: why }));
}

/** A document not written because another one's copies failed (its own copies are kept). */
function notAttempted(p: Prepared, copied: Set<string>, failedTarget: string): PublishResult {
  return {
    ...baseResult(p, false),
    status: 'not-attempted',
    tags: notAttemptedTags(
      p.plan.tags,
      `copying the children of another index of this run failed: ${failedTarget}`,
    ),
    children: children(p.plan, copied, true),
  };
}

/** Blob bytes in flight at once across every copy of a run, and blob transfers at once. */
export const COPY_BUDGET_BYTES = 512 * 1024 * 1024;
export const COPY_MAX_BLOBS = 8;

/**
 * Resolves every document first. When any of them fails, nothing is pushed, and the outcome
 * still names every index that would have been written (its targets and tags, not attempted),
 * so a pipeline can tell which one failed. An unexpected error (a bug) is thrown.
 */
async function prepareAll(
  specs: readonly Spec[],
  deps: PublishDeps,
): Promise<{ prepared: Prepared[] } | { early: RunOutcome }> {
  for (const [host, scopes] of jobScopes(specs, deps.dryRun)) deps.clientFor(host, scopes);
  // Connections for the fan-out open while the registry is pinged and the token fetched: once
  // per target origin, for the largest wave the run sends there (every document's children
  // resolve at once, and later every document's tags are written at once).
  const fanout = new Map<string, number>();
  for (const s of specs)
    fanout.set(s.target.host, (fanout.get(s.target.host) ?? 0) + 2 * s.manifests.length + 1);
  for (const [host, n] of fanout) void deps.clientFor(host).prewarm(Math.min(n, deps.concurrency));
  const settled = await Promise.allSettled(specs.map((s) => prepare(s, deps)));
  const failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length === 0)
    return { prepared: settled.map((r) => (r as PromiseFulfilledResult<Prepared>).value) };
  const unexpected = failures.find((f) => !(f instanceof AppError));
  if (unexpected !== undefined) throw unexpected;
  const errors = failures as AppError[];
  const failure =
    errors.length === 1 && specs.length === 1
      ? errors[0]!
      : new AggregateAppError(
          errors[0]!.code,
          errors,
          `${errors.length} of ${specs.length} indexes could not be prepared; nothing was pushed:`,
        );
  const firstFailed = specs[settled.findIndex((r) => r.status === 'rejected')]!;
  const failedName = targetName(firstFailed);
  const results = settled.map((r, i): PublishResult => {
    if (r.status === 'fulfilled')
      return {
        ...baseResult(r.value, deps.dryRun),
        status: 'not-attempted',
        tags: notAttemptedTags(
          r.value.plan.tags,
          `another index of this run could not be prepared: ${failedName}`,
        ),
        children: children(r.value.plan, new Set(), true),
      };
    const spec = specs[i]!;
    const err = r.reason as AppError;
    return {
      target: targetName(spec),
      file: spec.file,
      document: spec.document,
      status: 'failed',
      tags: notAttemptedTags(spec.tags, 'this index could not be prepared'),
      children: [],
      skipped: [],
      dryRun: deps.dryRun,
      error: { code: err.code, message: err.message },
    };
  });
  return { early: { results, failure, early: true } };
}

/** The whole run: a result per document; `failure` set when the run did not do all it was asked. */
export interface RunOutcome {
  results: PublishResult[];
  failure?: AppError;
  /** Set when the run failed before any write (resolution or planning): nothing was pushed. */
  early?: boolean;
}

/** One document per target: a spec with `targets:` is the same index pushed to each repository. */
export function expandTargets(specs: readonly Spec[]): Spec[] {
  return specs.flatMap((s) =>
    [
      s,
      ...s.moreTargets.map((t): Spec => ({
        ...s,
        target: { ...t, tag: s.target.tag },
        moreTargets: [],
      })),
    ].map((x) => ({ ...x, moreTargets: [] })),
  );
}

/**
 * Publishes every document of the run. Nothing is written unless every document resolved and
 * planned (otherwise this throws, and nothing was pushed). Once writing has started it does not
 * throw: each document's result says what moved, and `failure` summarises what did not.
 */
/**
 * Says, before anything is written, what will be copied across registries and how much (the
 * sizes of image children's blobs are known from their manifests; index children's are not yet).
 */
function announceCopies(prepared: Prepared[], logger: Logger): void {
  for (const p of prepared) {
    const across = p.plan.copies.filter((e) => e.sourceHost !== p.plan.target.host && !e.inTarget);
    if (across.length === 0) continue;
    const blobs = new Map<string, number>();
    let unknown = 0;
    for (const e of across) {
      if (!e.bytes || e.kind !== 'image') {
        unknown++;
        continue;
      }
      const m = parseImageManifest(e.bytes, e.from.source);
      for (const b of [m.config, ...m.layers.filter((l) => !l.urls?.length)])
        blobs.set(b.digest, b.size);
    }
    const bytes = [...blobs.values()].reduce((a, b) => a + b, 0);
    const hosts = [...new Set(across.map((e) => e.sourceHost))].join(', ');
    logger.info(
      {
        target: `${p.plan.target.host}/${p.plan.target.repository}`,
        from: hosts,
        children: across.length,
        blobs: blobs.size,
        bytes,
      },
      `copying ${across.length} child${across.length === 1 ? '' : 'ren'} across registries (at most ${blobs.size} blobs, ${(bytes / 1e6).toFixed(1)} MB${unknown ? ` plus ${unknown} whose size is read while copying` : ''}); blobs the target holds already are skipped`,
    );
  }
}

export async function publishAll(specs: readonly Spec[], deps: PublishDeps): Promise<RunOutcome> {
  const ready = await prepareAll(expandTargets(specs), deps);
  if ('early' in ready) return ready.early;
  const prepared = ready.prepared;
  announceCopies(prepared, deps.logger);
  if (deps.dryRun) {
    return {
      results: prepared.map((p) => ({
        ...baseResult(p, true),
        status: 'planned',
        tags: p.plan.tags.map((t) => plannedTag(t, p)),
        children: children(p.plan, undefined),
        indexJson: p.plan.index.bytes.toString('utf8'),
      })),
    };
  }
  // Every copy of every document first, in one pool: no tag moves before every child is in place.
  const shared = {
    memo: new CopyMemo(),
    limiter: new ByteLimiter(COPY_BUDGET_BYTES, COPY_MAX_BLOBS),
    limit: pLimit(Math.max(1, deps.concurrency)),
  };
  const copied = prepared.map(() => new Set<string>());
  const copyFailures = await Promise.all(
    prepared.map((p, i) => copyPhase(p, deps, shared, copied[i]!)),
  );
  const firstFailed = copyFailures.find((f) => f !== undefined);
  // Then every tag of every document in one wave (a failed tag does not hold the others back:
  // each document's report says what moved), or none when a copy failed.
  const results: PublishResult[] = firstFailed
    ? prepared.map((p, i) => copyFailures[i] ?? notAttempted(p, copied[i]!, firstFailed.target))
    : await Promise.all(prepared.map((p, i) => tagPhase(p, deps, copied[i]!)));
  if (shared.memo.bytesCopied > 0)
    deps.logger.info(
      { blobs: shared.memo.blobsCopied, bytes: shared.memo.bytesCopied },
      'blobs copied',
    );
  const bad = results.filter((r) => r.status !== 'published');
  if (bad.length === 0) return { results };
  const lines = bad.map((r) => {
    const moved = r.tags.filter((t) => tagMoved(t.status)).map((t) => t.tag);
    const head = `  - ${r.target} (${r.digest}): ${r.status}${moved.length ? `; moved: ${moved.join(', ')}` : ''}`;
    return r.error
      ? `${head}\n${r.error.message
          .split('\n')
          .map((l) => `    ${l}`)
          .join('\n')}`
      : head;
  });
  const moved = results.some((r) => r.tags.some((t) => tagMoved(t.status)));
  return {
    results,
    failure: new PushError(
      `publishing did not finish (${moved ? 'some tags moved' : 'no tag moved'}):\n${lines.join('\n')}`,
    ),
  };
}
