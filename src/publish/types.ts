import type { Descriptor } from '../oci/index.js';

/** One entry of the index to build, with where its manifest lives now. */
export interface ResolvedEntry {
  descriptor: Descriptor;
  /** Repository (on the target's registry) the manifest is read from. */
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
}

export interface SkippedEntry {
  path: string;
  source: string;
  reason: string;
}

export type TagStatus = 'created' | 'updated' | 'unchanged' | 'failed' | 'planned';

export interface TagResult {
  tag: string;
  status: TagStatus;
  previous?: string;
  error?: string;
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
}

export interface ChildReport {
  platform?: string;
  digest: string;
  mediaType: string;
  size: number;
  source: string;
  action: 'present' | 'copied' | 'planned-copy';
}

export interface PublishResult {
  target: string;
  digest: string;
  size: number;
  mediaType: string;
  tags: TagResult[];
  children: ChildReport[];
  skipped: SkippedEntry[];
  dryRun: boolean;
  indexJson?: string;
}
