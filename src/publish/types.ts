import type { Descriptor } from '../oci/index.js';
import type { BinaryCheck } from '../verify/index.js';

/** One entry of the index to build, with where its manifest lives now. */
export interface ResolvedEntry {
  descriptor: Descriptor;
  /** Registry host and repository the manifest is read from. */
  sourceHost: string;
  sourceRepo: string;
  /** The spec entry it came from (`manifests[2]`) and its reference as written. */
  from: { path: string; source: string };
  kind: 'image' | 'index' | 'attestation';
  /** Exact manifest bytes when already fetched (saves a GET when copying). */
  bytes?: Buffer;
  /** Whether the manifest is already in the target repository, when resolving found out. */
  inTarget?: boolean;
  /** The descriptor carries annotations the spec gave (OCI only), not just its source index's. */
  specAnnotations?: boolean;
  /** From the index `create --append` adds to: gives way to a new entry for the same platform. */
  replaceable?: boolean;
  /** For a replaceable entry: the digest of the index it was read from (what the tag held). */
  mergedFrom?: string;
  /** What the binaries check found (verify: binaries). */
  binaries?: BinaryCheck;
  /** rewriteConfig: the manifest and config this entry replaces (the descriptor is the new one). */
  rewrite?: RewriteReport;
  /**
   * Content that is manifold's own (a rewritten config), by digest: placed from here, every
   * other blob from the source repository.
   */
  held?: ReadonlyMap<string, Buffer>;
}

export interface RewriteReport {
  /** The manifest in the source, replaced by the descriptor's. */
  from: string;
  config: { from: string; to: string };
}

export interface SkippedEntry {
  path: string;
  source: string;
  reason: string;
}

/**
 * What happened to a tag. created/updated/unchanged: it points at the digest now (read back
 * after a write); failed: it does not; unknown: a write was cut off and could not be settled;
 * not-attempted: an earlier step failed. In a dry run: what a real run would do.
 */
export type TagStatus =
  'created' | 'updated' | 'unchanged' | 'failed' | 'unknown' | 'not-attempted';

/** The tag points at the index after the run (what a pipeline may act on). */
export const tagLanded = (s: TagStatus): boolean =>
  s === 'created' || s === 'updated' || s === 'unchanged';

/** The run moved the tag. */
export const tagMoved = (s: TagStatus): boolean => s === 'created' || s === 'updated';

/**
 * What happened to an index. published: every tag points at it; partial: some do; failed: a
 * write was attempted and no tag points at it; not-attempted: no write was attempted (another
 * document could not be prepared, or its copies failed);
 * planned: a dry run.
 */
export type IndexStatus = 'published' | 'partial' | 'failed' | 'not-attempted' | 'planned';

/**
 * An index's status once its tags were written: every tag landed (and no post-push step failed)
 * is published; some landed, or all did but a post-push step (the referrers entry) failed, is
 * partial; none landed is failed. The one place this is decided (table-tested).
 */
export function indexStatus(
  tags: readonly { status: TagStatus }[],
  postPushFailed: boolean,
): 'published' | 'partial' | 'failed' {
  const landed = tags.filter((t) => tagLanded(t.status)).length;
  if (tags.length === 0 || landed === 0) return 'failed';
  return landed === tags.length && !postPushFailed ? 'published' : 'partial';
}

export interface TagResult {
  tag: string;
  status: TagStatus;
  /** The digest the tag pointed at before this run. */
  previous?: string;
  /** Why the tag is failed or unknown. */
  error?: string;
  /** How a status was reached when that is worth saying (a write settled after an interrupt). */
  note?: string;
}

/** What will be pushed, computed without I/O from the spec and the resolved entries. */
export interface PublishPlan {
  target: { registry: string; host: string; repository: string };
  index: { bytes: Buffer; digest: string; size: number; mediaType: string };
  tags: string[];
  entries: ResolvedEntry[];
  /** Entries whose manifests must be copied into the target repository first. */
  copies: ResolvedEntry[];
  /** Things the user should know about the index built (printed as warnings). */
  warnings: string[];
  /** For an index with a subject: the subject, and the descriptor that lists the index as its referrer. */
  referrer?: { subject: Descriptor; descriptor: Descriptor };
  /**
   * `create --append`: this tag's index was read and merged into the new one. Just before the
   * write the tag is read again; if another writer moved it meanwhile, nothing is written.
   */
  mergedFrom?: { tag: string; digest: string };
}

/** How an index with a subject was made findable from it. */
export interface ReferrersReport {
  /** api: the registry lists referrers itself; tag: through the referrers tag manifold maintains. */
  via: 'api' | 'tag';
  tag?: string;
  /** Whether this run added the index to the referrers tag (false: it was there already). */
  added?: boolean;
  error?: string;
}

export interface ChildReport {
  platform?: string;
  digest: string;
  mediaType: string;
  size: number;
  source: string;
  /** present: already in the target repository; copied: copied by this run (kept even when a later step failed); planned-copy: to be copied; not-copied: its copy failed or was not reached. */
  action: 'present' | 'copied' | 'planned-copy' | 'not-copied';
  /** verify: binaries: what the check found. */
  binaries?: {
    outcome: BinaryCheck['outcome'];
    platform: string;
    message: string;
    bytesRead: number;
    layersRead: number;
    layers: number;
  };
  /** rewriteConfig: the source manifest and config this child replaces (digest is the new one). */
  rewrite?: RewriteReport;
}

export interface PublishResult {
  target: string;
  status: IndexStatus;
  /** The spec file and 0-based document the index came from. */
  file: string;
  document: number;
  /** The index's digest, size and media type: absent only when it could not be planned. */
  digest?: string;
  size?: number;
  mediaType?: string;
  tags: TagResult[];
  children: ChildReport[];
  skipped: SkippedEntry[];
  dryRun: boolean;
  indexJson?: string;
  /** Why this index failed, when it did. */
  error?: { code: string; message: string };
  /** For an index with a subject: how it is findable from the subject. */
  referrers?: ReferrersReport;
}
