import type { Platform } from '../oci/index.js';
import type { ImageRef } from '../oci/index.js';

/** `mediaType` of the index to push. */
export type IndexFormat = 'oci' | 'docker' | 'auto';

/** The spec document as written, after YAML parsing, interpolation and schema validation. */
export interface RawPlatform {
  /** os and architecture come together, or neither (then both are read from the image config). */
  architecture?: string;
  os?: string;
  variant?: string;
  features?: string[];
  'os.version'?: string;
  'os.features'?: string[];
  osversion?: string;
  osfeatures?: string[];
}

export interface RawEntry {
  image: string;
  platform?: RawPlatform;
  annotations?: Record<string, string>;
  optional?: boolean;
  overridePlatform?: boolean;
  index?: 'flatten' | 'nest';
  platforms?: string[];
  verify?: VerifyMode;
  rewriteConfig?: boolean;
}

/** What a child's platform is checked against: the image config, or the config and the binaries. */
export type VerifyMode = 'config' | 'binaries';

export interface RawSpec {
  image: string;
  targets?: string[];
  tags?: string[];
  minChildren?: number;
  mediaType?: IndexFormat;
  annotations?: Record<string, string>;
  artifactType?: string;
  subject?: string;
  verify?: VerifyMode;
  unverified?: 'warn' | 'error';
  manifests: RawEntry[];
}

/** The platform keys a spec may give without os and architecture. */
export type PlatformHint = Omit<Platform, 'os' | 'architecture'>;

/** One child of the index, normalised. */
export interface SpecEntry {
  /** The reference as written in the spec (after interpolation). */
  source: string;
  ref: ImageRef;
  /** Platform from the spec with manifest-tool's key names mapped to OCI's; undefined when omitted. */
  platform?: Platform;
  /**
   * Platform keys given without os and architecture (`platform: {variant: v8}`): os and
   * architecture come from the image config, these keys apply as if given with them.
   */
  platformHint?: PlatformHint;
  annotations?: Record<string, string>;
  optional: boolean;
  /** Publish the spec's platform even when the image config disagrees. */
  overridePlatform: boolean;
  /** For a child that is an index: take its entries over (flatten) or nest it as one entry. */
  index: 'flatten' | 'nest';
  /** For a child that is an index: only these platforms (os/arch[/variant]). */
  platforms?: Platform[];
  /** The entry's own `verify`, when it gives one (else the document's applies). */
  verify?: VerifyMode;
  /** Write the spec's platform into the child's config (a new config and manifest). */
  rewriteConfig: boolean;
  /** Where the entry is, for messages: `manifests[2]` at `file:line`. */
  location: { path: string; line: number };
  /**
   * Not a spec key: set by `create --append` on the index being appended to. Its entries give
   * way to a later entry for the same platform instead of being reported as duplicates.
   */
  replaceable?: boolean;
}

/** One index to publish: a normalised, frozen spec document. */
export interface Spec {
  file: string;
  /** 0-based index of the YAML document in the file. */
  document: number;
  target: ImageRef;
  /** More repositories the same index (children and tags) is pushed to (`targets:`). */
  moreTargets: ImageRef[];
  /** Every tag to push, the target's own tag first, without duplicates. */
  tags: string[];
  mediaType: IndexFormat;
  /** `create --append`: the tag whose index is merged into this one (read, changed, written back). */
  mergedFrom?: string;
  /** Whether the document itself set `mediaType` (a command line `--type` default yields to it). */
  mediaTypeGiven: boolean;
  /** Fewest images the index may hold (a guard against optional children shrinking a release). */
  minChildren?: number;
  annotations?: Record<string, string>;
  artifactType?: string;
  subject?: ImageRef;
  /** The document's check for children that set none (`verify`, or --verify-binaries). */
  verify: VerifyMode;
  /** What a child whose binaries could not be checked does. */
  unverified: 'warn' | 'error';
  manifests: SpecEntry[];
}
