/**
 * publish(spec) = resolve → plan → (dry run ? report the plan : apply it).
 */
import type { Logger } from '../log.js';
import { formatPlatform, formatReference } from '../oci/index.js';
import { pullScope, pushScope, type RegistryClient } from '../registry/index.js';
import type { Spec } from '../spec/index.js';
import { copyChildren, pushTags, targetState, type TargetState } from './apply.js';
import { buildPlan } from './plan.js';
import { resolveAll } from './resolve.js';
import type { ChildReport, PublishPlan, PublishResult, TagResult } from './types.js';

export type { PublishResult, TagResult, ChildReport, PublishPlan } from './types.js';
export { PushError } from './apply.js';
export { buildPlan, chooseFormat, MAX_INDEX_BYTES } from './plan.js';
export { reconcilePlatform } from './platform-check.js';

export interface PublishDeps {
  client: RegistryClient;
  logger: Logger;
  concurrency: number;
  ignoreMissing: boolean;
  dryRun: boolean;
}

function children(plan: PublishPlan, copied: Set<string> | undefined): ChildReport[] {
  return plan.entries.map((e) => {
    const inTarget = e.sourceRepo === plan.target.repository;
    const action = inTarget ? 'present' : copied === undefined ? 'planned-copy' : copied.has(e.descriptor.digest) ? 'copied' : 'present';
    const report: ChildReport = { digest: e.descriptor.digest, mediaType: e.descriptor.mediaType, size: e.descriptor.size, source: e.from.source, action };
    if (e.descriptor.platform) report.platform = formatPlatform(e.descriptor.platform);
    return report;
  });
}

/** Publishes one spec document. Nothing is pushed unless every required child resolved. */
export async function publish(spec: Spec, deps: PublishDeps): Promise<PublishResult> {
  const target = spec.target.repository;
  const sources = [...new Set(spec.manifests.map((m) => m.ref.repository))].filter((r) => r !== target);
  // Every scope the job needs, requested up front: one token for the whole publish.
  deps.client.addScopes([deps.dryRun ? pullScope(target) : pushScope(target), ...sources.map(pullScope)]);
  const log = deps.logger.child({ target: formatReference({ ...spec.target, digest: undefined }) });
  const started = Date.now();
  // Children resolve while the target's tags are looked up: the two need nothing of each other.
  const state: Promise<TargetState> = deps.dryRun ? Promise.resolve({ exists: true, tags: new Map() }) : targetState(deps.client, target, [...spec.tags]);
  const [resolved, current] = await Promise.all([
    resolveAll(spec, { ...deps, targetRepo: target, targetHasTags: state.then((s) => s.exists, () => true), logger: log }),
    state.then((s) => s.tags),
  ]);
  const plan = buildPlan(spec, resolved);
  log.debug({ ms: Date.now() - started, entries: plan.entries.length, digest: plan.index.digest }, 'resolved and planned');
  const base: Omit<PublishResult, 'tags' | 'children'> = {
    target: formatReference({ ...spec.target, tag: spec.tags[0], digest: undefined }),
    digest: plan.index.digest, size: plan.index.size, mediaType: plan.index.mediaType, skipped: resolved.skipped, dryRun: deps.dryRun,
  };
  if (deps.dryRun) {
    const tags: TagResult[] = plan.tags.map((tag) => ({ tag, status: 'planned' }));
    return { ...base, tags, children: children(plan, undefined), indexJson: plan.index.bytes.toString('utf8') };
  }
  const copied = await copyChildren(plan, { ...deps, logger: log });
  log.debug({ ms: Date.now() - started, copied: copied.size }, 'children copied');
  const tags = await pushTags(plan, current, { ...deps, logger: log });
  log.debug({ ms: Date.now() - started }, 'published');
  return { ...base, tags, children: children(plan, copied) };
}
