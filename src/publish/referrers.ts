/**
 * Makes an index with a `subject` findable from its subject on every registry: where the
 * registry has no referrers API, the referrers tag (`sha256-<hex>` of the subject) holds an
 * index listing its referrers, which clients maintain: fetch it, add the descriptor, push it.
 * Reference: OCI distribution-spec v1.1 §Pushing Manifests with Subject, §Referrers Tag Schema.
 */
import { AppError } from '../errors.js';
import { buildIndex } from '../oci/index.js';
import { referrersTag, type RegistryClient } from '../registry/index.js';
import type { PublishPlan, ReferrersReport } from './types.js';

/** Registers the plan's index as a referrer of its subject; reports how. Never throws an AppError. */
export async function registerReferrer(
  client: RegistryClient,
  plan: PublishPlan,
): Promise<ReferrersReport | undefined> {
  const ref = plan.referrer;
  if (!ref) return undefined;
  const repo = plan.target.repository;
  try {
    const found = await client.listReferrers(repo, ref.subject.digest);
    if (found.source === 'api') return { via: 'api' };
    const tag = referrersTag(ref.subject.digest);
    if (found.manifests.some((d) => d.digest === ref.descriptor.digest))
      return { via: 'tag', tag, added: false };
    const index = buildIndex({ format: 'oci', manifests: [...found.manifests, ref.descriptor] });
    await client.putManifest(repo, tag, index.bytes, index.mediaType);
    return { via: 'tag', tag, added: true };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { via: 'tag', tag: referrersTag(ref.subject.digest), added: false, error: err.message };
  }
}
