/**
 * Type guards for manifests read from a registry: parsed at the boundary, never trusted blindly.
 * Reference: OCI image-spec manifest.md, image-index.md; Docker manifest v2.2.
 */
import { AppError } from '../errors.js';
import { escapeForeign } from '../escape.js';
import type { Descriptor, Platform } from './descriptor.js';
import { platformProblem } from './platform.js';
import { isSha256Digest } from './digest.js';

export interface ImageManifest {
  config: Descriptor;
  layers: Descriptor[];
}

export interface ImageIndex {
  manifests: Descriptor[];
}

/** Annotation BuildKit puts on attestation manifests in an index. */
export const ATTESTATION_TYPE_KEY = 'vnd.docker.reference.type';
export const ATTESTATION_DIGEST_KEY = 'vnd.docker.reference.digest';

function descriptorOf(value: unknown, where: string): Descriptor {
  const d = value as Partial<Descriptor> | null;
  if (
    !d ||
    typeof d !== 'object' ||
    typeof d.digest !== 'string' ||
    !isSha256Digest(d.digest) ||
    typeof d.size !== 'number' ||
    d.size < 0 ||
    !Number.isSafeInteger(d.size)
  ) {
    throw new AppError(
      'CONTENT_INVALID',
      `${where}: a descriptor lacks a valid sha256 digest or size`,
    );
  }
  return { ...d, mediaType: typeof d.mediaType === 'string' ? d.mediaType : '' } as Descriptor;
}

function parseJson(bytes: Buffer, where: string): Record<string, unknown> {
  try {
    const v = JSON.parse(bytes.toString('utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new AppError('CONTENT_INVALID', `${where}: not a JSON object`);
}

/** Parses an image manifest's config and layers. */
export function parseImageManifest(bytes: Buffer, where: string): ImageManifest {
  const m = parseJson(bytes, where);
  if (!Array.isArray(m['layers']))
    throw new AppError('CONTENT_INVALID', `${where}: image manifest has no layers list`);
  return {
    config: descriptorOf(m['config'], where),
    layers: m['layers'].map((l) => descriptorOf(l, where)),
  };
}

/** Parses an index's entries. */
export function parseImageIndex(bytes: Buffer, where: string): ImageIndex {
  const m = parseJson(bytes, where);
  if (!Array.isArray(m['manifests']))
    throw new AppError('CONTENT_INVALID', `${where}: index has no manifests list`);
  return { manifests: m['manifests'].map((d) => descriptorOf(d, where)) };
}

/** Reads os, architecture, variant, os.version and os.features from an image config blob. */
export function platformFromConfig(bytes: Buffer, where: string): Platform {
  const c = parseJson(bytes, where);
  const problem = platformProblem({
    os: c['os'],
    architecture: c['architecture'],
    variant: c['variant'] || undefined,
    'os.version': c['os.version'] || undefined,
    'os.features':
      Array.isArray(c['os.features']) && c['os.features'].length === 0
        ? undefined
        : c['os.features'],
  });
  if (
    problem &&
    ((problem.field !== 'os' && problem.field !== 'architecture') || (c['os'] && c['architecture']))
  ) {
    throw new AppError(
      'CONTENT_INVALID',
      `${where}: the image config's ${problem.field} "${escapeForeign(problem.value)}" is not a valid platform value; the child is refused`,
    );
  }
  const str = (k: string): string | undefined =>
    typeof c[k] === 'string' && c[k] !== '' ? (c[k] as string) : undefined;
  const architecture = str('architecture');
  const os = str('os');
  if (!architecture || !os)
    throw new AppError('CONTENT_INVALID', `${where}: the image config has no os/architecture`);
  const p: Platform = { architecture, os };
  const variant = str('variant');
  if (variant) p.variant = variant;
  const osVersion = str('os.version');
  if (osVersion) p['os.version'] = osVersion;
  const features = c['os.features'];
  if (Array.isArray(features) && features.length > 0) p['os.features'] = features.map(String);
  return p;
}

/** True for a BuildKit attestation manifest entry. */
export function isAttestation(d: Descriptor): boolean {
  return d.annotations?.[ATTESTATION_TYPE_KEY] === 'attestation-manifest';
}
