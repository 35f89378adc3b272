/**
 * The publish plan, computed without I/O: the index bytes (and so its digest), the tags, and
 * which children must first be copied into the target repository.
 */
import { AppError } from '../errors.js';
import {
  buildIndex, formatPlatform, MEDIA_TYPE_DOCKER_LIST, MEDIA_TYPE_DOCKER_MANIFEST, platformKey, type Descriptor,
} from '../oci/index.js';
import type { Spec } from '../spec/index.js';
import type { PublishPlan, ResolvedEntry } from './types.js';

/** Largest index manifold pushes; registries must accept at least this (distribution-spec §Pushing Manifests). */
export const MAX_INDEX_BYTES = 4 * 1024 * 1024;

const DOCKER_TYPES = new Set([MEDIA_TYPE_DOCKER_MANIFEST, MEDIA_TYPE_DOCKER_LIST]);

/** `auto`: a Docker list when every child is Docker and nothing OCI-only is asked for; else OCI. */
export function chooseFormat(spec: Spec, entries: ResolvedEntry[]): 'oci' | 'docker' {
  if (spec.mediaType !== 'auto') return spec.mediaType;
  const ociOnly = spec.annotations || spec.artifactType || spec.subject || entries.some((e) => e.descriptor.annotations || e.kind === 'attestation');
  return !ociOnly && entries.every((e) => DOCKER_TYPES.has(e.descriptor.mediaType) && e.descriptor.platform) ? 'docker' : 'oci';
}

function checkDuplicates(entries: ResolvedEntry[]): void {
  const seen = new Map<string, ResolvedEntry>();
  for (const e of entries) {
    if (e.kind === 'attestation' || !e.descriptor.platform) continue;
    const key = platformKey(e.descriptor.platform);
    const first = seen.get(key);
    if (first) {
      throw new AppError('PLATFORM_MISMATCH', `duplicate platform ${formatPlatform(e.descriptor.platform)}: ${first.from.path} (${first.from.source}) and ${e.from.path} (${e.from.source}); nothing was pushed`);
    }
    seen.set(key, e);
  }
}

function checkDocker(entries: ResolvedEntry[]): void {
  const bad = entries.find((e) => e.kind === 'attestation' || e.descriptor.annotations || !e.descriptor.platform);
  if (!bad) return;
  const why = bad.kind === 'attestation' ? 'it carries attestation manifests' : bad.descriptor.annotations ? 'it has annotations' : 'it has no platform';
  throw new AppError('UNSUPPORTED_MEDIA_TYPE', `${bad.from.path} (${bad.from.source}) cannot go into a Docker manifest list: ${why}; use mediaType: oci`);
}

/** Builds the plan. Throws on duplicate platforms, impossible Docker lists and oversized indexes. */
export function buildPlan(spec: Spec, resolved: { entries: ResolvedEntry[]; subject?: Descriptor }): PublishPlan {
  const { entries } = resolved;
  checkDuplicates(entries);
  const format = chooseFormat(spec, entries);
  if (format === 'docker') checkDocker(entries);
  const index = buildIndex({ format, manifests: entries.map((e) => e.descriptor), annotations: spec.annotations, artifactType: spec.artifactType, subject: resolved.subject });
  if (index.size > MAX_INDEX_BYTES) {
    throw new AppError('TOO_LARGE', `the index for ${spec.target.registry}/${spec.target.repository} would be ${index.size} bytes, over the ${MAX_INDEX_BYTES}-byte limit registries must accept; nothing was pushed`);
  }
  return {
    target: { registry: spec.target.registry, host: spec.target.host, repository: spec.target.repository },
    index,
    tags: [...spec.tags],
    entries,
    copies: entries.filter((e) => e.sourceRepo !== spec.target.repository),
  };
}
