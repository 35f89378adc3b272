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

/** How many times a referrers tag that another writer keeps changing is merged again. */
export const REFERRERS_MERGE_ATTEMPTS = 3;

/**
 * Registers the plan's index as a referrer of its subject; reports how. Never throws an
 * AppError. The referrers tag is read, extended and written back: it is read again just before
 * the write, and read back after it. When another writer changed it in between, what is there
 * now is merged again (a referrer someone else added is never dropped); after
 * REFERRERS_MERGE_ATTEMPTS the run reports "changed by another writer". The distribution spec
 * has no compare-and-swap: a write between the last read and the PUT can still be lost, and
 * only the read-back after the PUT can see it.
 */
export async function registerReferrer(
  client: RegistryClient,
  plan: PublishPlan,
): Promise<ReferrersReport | undefined> {
  const ref = plan.referrer;
  if (!ref) return undefined;
  const repo = plan.target.repository;
  const tag = referrersTag(ref.subject.digest);
  let wrote = false;
  try {
    for (let attempt = 0; attempt < REFERRERS_MERGE_ATTEMPTS; attempt++) {
      const found = await client.listReferrers(repo, ref.subject.digest);
      if (found.source === 'api') return { via: 'api' };
      if (found.manifests.some((d) => d.digest === ref.descriptor.digest))
        return { via: 'tag', tag, added: wrote };
      const index = buildIndex({
        format: 'oci',
        manifests: [...found.manifests, ref.descriptor],
      });
      if ((await client.readTag(repo, tag)) !== found.tagIndex?.digest) continue;
      await client.putManifest(repo, tag, index.bytes, index.mediaType);
      wrote = true;
      if ((await client.readTag(repo, tag)) === index.digest)
        return { via: 'tag', tag, added: true };
      // Another writer put its own list there meanwhile: merge with it again.
    }
    return {
      via: 'tag',
      tag,
      added: false,
      error: `the referrers tag was changed by another writer ${REFERRERS_MERGE_ATTEMPTS} times while it was being extended; this index is not listed in it`,
    };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { via: 'tag', tag, added: false, error: err.message };
  }
}
