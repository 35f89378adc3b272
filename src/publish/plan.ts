/**
 * The publish plan, computed without I/O: the index bytes (and so its digest), the tags, and
 * which children must first be copied into the target repository.
 */
import { AppError } from '../errors.js';
import {
  ATTESTATION_DIGEST_KEY,
  buildIndex,
  formatPlatform,
  MEDIA_TYPE_DOCKER_LIST,
  MEDIA_TYPE_DOCKER_MANIFEST,
  platformKey,
  type Descriptor,
} from '../oci/index.js';
import type { Spec } from '../spec/index.js';
import type { PublishPlan, ResolvedEntry } from './types.js';

/** Largest index manifold pushes; registries must accept at least this (distribution-spec §Pushing Manifests). */
export const MAX_INDEX_BYTES = 4 * 1024 * 1024;

const DOCKER_TYPES = new Set([MEDIA_TYPE_DOCKER_MANIFEST, MEDIA_TYPE_DOCKER_LIST]);

/** `auto`: a Docker list when every child is Docker and nothing OCI-only is asked for; else OCI. */
export function chooseFormat(spec: Spec, entries: ResolvedEntry[]): 'oci' | 'docker' {
  if (spec.mediaType !== 'auto') return spec.mediaType;
  const ociOnly =
    spec.annotations ||
    spec.artifactType ||
    spec.subject ||
    entries.some((e) => e.descriptor.annotations || e.kind === 'attestation');
  return !ociOnly &&
    entries.every((e) => DOCKER_TYPES.has(e.descriptor.mediaType) && e.descriptor.platform)
    ? 'docker'
    : 'oci';
}

function checkDuplicates(entries: ResolvedEntry[]): void {
  const seen = new Map<string, ResolvedEntry>();
  for (const e of entries) {
    if (e.kind === 'attestation' || !e.descriptor.platform) continue;
    const key = platformKey(e.descriptor.platform);
    const first = seen.get(key);
    if (first) {
      throw new AppError(
        'DUPLICATE_PLATFORM',
        `duplicate platform ${formatPlatform(e.descriptor.platform)}: ${first.from.path} (${first.from.source}) and ${e.from.path} (${e.from.source}); nothing was pushed`,
      );
    }
    seen.set(key, e);
  }
}

/**
 * What a Docker manifest list cannot hold: entries without a platform, and annotations the spec
 * asked for. Attestations and annotations carried over from a child index go in as manifest-tool
 * writes them (docker/distribution's list has an annotations field), with a warning.
 */
function checkDocker(entries: ResolvedEntry[], warnings: string[]): void {
  const bad = entries.find((e) => e.specAnnotations || !e.descriptor.platform);
  if (bad) {
    const why = bad.specAnnotations ? 'it has annotations' : 'it has no platform';
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      `${bad.from.path} (${bad.from.source}) cannot go into a Docker manifest list: ${why}; use mediaType: oci`,
    );
  }
  const carried = entries.filter((e) => e.kind === 'attestation' || e.descriptor.annotations);
  if (carried.length > 0) {
    warnings.push(
      `the Docker manifest list carries ${carried.length} entr${carried.length === 1 ? 'y' : 'ies'} with annotations from a child index (attestations among them), as manifest-tool writes it; mediaType: oci (--type oci) gives a standard OCI index`,
    );
  }
}

/**
 * `create --append`: an entry of the index appended to gives way to a new entry for the same
 * platform, and so do the attestations that describe it.
 */
function dropReplaced(entries: ResolvedEntry[]): ResolvedEntry[] {
  const isImage = (e: ResolvedEntry): boolean =>
    e.kind !== 'attestation' && e.descriptor.platform !== undefined;
  const fresh = new Set(
    entries
      .filter((e) => !e.replaceable && isImage(e))
      .map((e) => platformKey(e.descriptor.platform!)),
  );
  const dropped = new Set<string>();
  const kept = entries.filter((e) => {
    const replaced =
      Boolean(e.replaceable) && isImage(e) && fresh.has(platformKey(e.descriptor.platform!));
    if (replaced) dropped.add(e.descriptor.digest);
    return !replaced;
  });
  return kept.filter(
    (e) =>
      !(
        e.replaceable &&
        e.kind === 'attestation' &&
        dropped.has(e.descriptor.annotations?.[ATTESTATION_DIGEST_KEY] ?? '')
      ),
  );
}

/** Images in spec order, then every attestation, as manifest-tool orders a flattened index. */
function ordered(entries: ResolvedEntry[]): ResolvedEntry[] {
  return [
    ...entries.filter((e) => e.kind !== 'attestation'),
    ...entries.filter((e) => e.kind === 'attestation'),
  ];
}

/** `create --append`: the tag whose index was merged, and the digest that was read from it. */
function mergedFrom(
  spec: Spec,
  entries: ResolvedEntry[],
): { mergedFrom?: { tag: string; digest: string } } {
  // Only where the index was read: another target's tag was never read for the merge.
  const digest = entries.find(
    (e) =>
      e.mergedFrom !== undefined &&
      e.sourceHost === spec.target.host &&
      e.sourceRepo === spec.target.repository,
  )?.mergedFrom;
  return spec.mergedFrom && digest ? { mergedFrom: { tag: spec.mergedFrom, digest } } : {};
}

/** Builds the plan. Throws on duplicate platforms, impossible Docker lists and oversized indexes. */
export function buildPlan(
  spec: Spec,
  resolved: { entries: ResolvedEntry[]; subject?: Descriptor },
): PublishPlan {
  const entries = ordered(dropReplaced(resolved.entries));
  const warnings: string[] = [];
  checkDuplicates(entries);
  const format = chooseFormat(spec, entries);
  if (format === 'docker') {
    const ociOnly = (['annotations', 'artifactType', 'subject'] as const).find(
      (k) => spec[k] !== undefined,
    );
    if (ociOnly)
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        `${spec.file}: "${ociOnly}" cannot go into a Docker manifest list; use the OCI type (mediaType: oci, --type oci)`,
      );
    checkDocker(entries, warnings);
  }
  const index = buildIndex({
    format,
    manifests: entries.map((e) => e.descriptor),
    annotations: spec.annotations,
    artifactType: spec.artifactType,
    subject: resolved.subject,
  });
  if (index.size > MAX_INDEX_BYTES) {
    throw new AppError(
      'TOO_LARGE',
      `the index for ${spec.target.registry}/${spec.target.repository} would be ${index.size} bytes, over the ${MAX_INDEX_BYTES}-byte limit registries must accept; nothing was pushed`,
    );
  }
  return {
    target: {
      registry: spec.target.registry,
      host: spec.target.host,
      repository: spec.target.repository,
    },
    index,
    tags: [...spec.tags],
    entries,
    // From another repository, or content of manifold's own (a rewritten config).
    copies: entries.filter(
      (e) =>
        e.sourceRepo !== spec.target.repository ||
        e.sourceHost !== spec.target.host ||
        e.held !== undefined,
    ),
    warnings,
    ...mergedFrom(spec, resolved.entries),
    ...(resolved.subject
      ? {
          referrer: {
            subject: resolved.subject,
            descriptor: {
              mediaType: index.mediaType,
              digest: index.digest,
              size: index.size,
              ...(spec.artifactType ? { artifactType: spec.artifactType } : {}),
              ...(spec.annotations ? { annotations: { ...spec.annotations } } : {}),
            },
          },
        }
      : {}),
  };
}
