import { parsePlatform, type ImageRef, type Platform } from '../oci/index.js';
import { isCompletePlatform, toPlatform, toPlatformHint } from './platform-fields.js';
import type { RawSpec, Spec, SpecEntry } from './types.js';

/**
 * Builds the frozen Spec from a schema-valid, rule-checked document. `refs` holds the references
 * the rules parsed (keyed `image`, `subject`, `manifests.N.image`); `lineOf` locates entries.
 */
export function normalizeSpec(
  raw: RawSpec,
  context: {
    file: string;
    document: number;
    refs: Map<string, ImageRef>;
    lineOf: (index: number) => number;
  },
): Spec {
  const target = context.refs.get('image')!;
  const tags: string[] = [];
  for (const t of [target.tag ?? 'latest', ...(raw.tags ?? [])])
    if (!tags.includes(t)) tags.push(t);
  const manifests: SpecEntry[] = raw.manifests.map((e, i) => {
    const entry: SpecEntry = {
      source: e.image,
      ref: context.refs.get(`manifests.${i}.image`)!,
      optional: e.optional ?? false,
      overridePlatform: e.overridePlatform ?? false,
      index: e.index ?? 'flatten',
      rewriteConfig: e.rewriteConfig ?? false,
      location: { path: `manifests[${i}]`, line: context.lineOf(i) },
    };
    if (e.platform && isCompletePlatform(e.platform)) entry.platform = toPlatform(e.platform);
    else if (e.platform && Object.keys(toPlatformHint(e.platform)).length > 0)
      entry.platformHint = toPlatformHint(e.platform);
    if (e.annotations) entry.annotations = { ...e.annotations };
    if (e.verify) entry.verify = e.verify;
    if (e.platforms)
      entry.platforms = e.platforms
        .map((p) => parsePlatform(p))
        .filter((p): p is Platform => p !== undefined);
    return entry;
  });
  const moreTargets = (raw.targets ?? []).map((_, i) => ({
    ...context.refs.get(`targets.${i}`)!,
    tag: target.tag,
  }));
  const spec: Spec = {
    file: context.file,
    document: context.document,
    target,
    moreTargets,
    tags,
    mediaType: raw.mediaType ?? 'auto',
    mediaTypeGiven: raw.mediaType !== undefined,
    verify: raw.verify ?? 'config',
    unverified: raw.unverified ?? 'warn',
    manifests,
  };
  if (raw.annotations) spec.annotations = { ...raw.annotations };
  if (raw.minChildren !== undefined) spec.minChildren = Number(raw.minChildren);
  if (raw.artifactType) spec.artifactType = raw.artifactType;
  if (raw.subject) spec.subject = context.refs.get('subject');
  return deepFreeze(spec);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
