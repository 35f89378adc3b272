/**
 * Guards for releases: optional children must not silently shrink what a tag serves, and an
 * index may have to hold a minimum number of images. Both run before anything is written.
 */
import { AppError } from '../errors.js';
import {
  formatPlatform,
  isAttestation,
  isIndexMediaType,
  parseImageIndex,
  platformKey,
  type Platform,
} from '../oci/index.js';
import type { RegistryClient } from '../registry/index.js';
import type { Spec } from '../spec/index.js';
import type { PublishPlan, SkippedEntry } from './types.js';

export interface GuardOptions {
  /** From --min-children; wins over the spec's minChildren. */
  minChildren?: number;
  /** --allow-fewer-platforms: a tag may lose platforms when children were skipped. */
  allowFewerPlatforms?: boolean;
}

const images = (plan: PublishPlan): Platform[] =>
  plan.entries
    .filter((e) => e.kind !== 'attestation' && e.descriptor.platform)
    .map((e) => e.descriptor.platform!);

/** Throws GUARD when the index would hold fewer images than the minimum. */
export function checkMinimum(spec: Spec, plan: PublishPlan, o: GuardOptions): void {
  const min = o.minChildren ?? spec.minChildren;
  const count = plan.entries.filter((e) => e.kind !== 'attestation').length;
  if (min !== undefined && count < min) {
    throw new AppError(
      'GUARD',
      `${spec.target.registry}/${spec.target.repository}: the index would hold ${count} image${count === 1 ? '' : 's'}, fewer than the minimum of ${min} (${o.minChildren !== undefined ? '--min-children' : 'minChildren'}); nothing was pushed`,
    );
  }
}

/**
 * When children were skipped (optional, --ignore-missing), refuses an index that serves fewer
 * platforms than what a tag points at now, naming the platforms that would disappear.
 */
export async function checkShrink(o: {
  spec: Spec;
  plan: PublishPlan;
  skipped: SkippedEntry[];
  current: Map<string, string | undefined>;
  client: RegistryClient;
  guard: GuardOptions;
}): Promise<void> {
  if (o.skipped.length === 0 || o.guard.allowFewerPlatforms) return;
  const now = new Set(images(o.plan).map(platformKey));
  const digests = [
    ...new Set(
      [...o.current.values()].filter(
        (d): d is string => d !== undefined && d !== o.plan.index.digest,
      ),
    ),
  ];
  for (const digest of digests) {
    const m = await o.client.getManifest(o.plan.target.repository, digest);
    if (!isIndexMediaType(m.mediaType)) continue;
    const lost = parseImageIndex(m.bytes, digest).manifests.filter(
      (d) => !isAttestation(d) && d.platform && !now.has(platformKey(d.platform)),
    );
    if (lost.length === 0) continue;
    const tags = [...o.current].filter(([, d]) => d === digest).map(([t]) => t);
    throw new AppError(
      'GUARD',
      `${o.spec.target.registry}/${o.spec.target.repository}:${tags.join(',')} serves ${lost.map((d) => formatPlatform(d.platform!)).join(', ')} now; with ${o.skipped.length} child${o.skipped.length === 1 ? '' : 'ren'} skipped (${o.skipped.map((s) => s.source).join(', ')}) the new index would not. Nothing was pushed; pass --allow-fewer-platforms to publish it anyway`,
    );
  }
}
