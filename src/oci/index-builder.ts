/**
 * Serialises an OCI image index or Docker manifest list. The digest and size are those of the
 * exact bytes returned, which are the bytes pushed.
 * Reference: OCI image-spec image-index.md; Docker manifest v2.2 §Manifest List.
 */
import type { Descriptor, Platform } from './descriptor.js';
import { sha256Digest } from './digest.js';
import { MEDIA_TYPE_DOCKER_LIST, MEDIA_TYPE_OCI_INDEX } from './media-types.js';

export interface IndexInput {
  format: 'oci' | 'docker';
  manifests: Descriptor[];
  annotations?: Record<string, string>;
  artifactType?: string;
  subject?: Descriptor;
}

export interface BuiltIndex {
  bytes: Buffer;
  digest: string;
  size: number;
  mediaType: string;
}

/** Platform fields in the order the specs list them; empty optional fields left out. */
function orderedPlatform(p: Platform): Platform {
  const out: Platform = { architecture: p.architecture, os: p.os };
  if (p['os.version']) out['os.version'] = p['os.version'];
  if (p['os.features']?.length) out['os.features'] = [...p['os.features']];
  if (p.variant) out.variant = p.variant;
  if (p.features?.length) out.features = [...p.features];
  return out;
}

function entry(d: Descriptor, format: 'oci' | 'docker'): Descriptor {
  const out: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (d.platform) out.platform = orderedPlatform(d.platform);
  if (format === 'oci' && d.artifactType) out.artifactType = d.artifactType;
  if (format === 'oci' && d.annotations && Object.keys(d.annotations).length > 0) out.annotations = { ...d.annotations };
  return out;
}

/** Builds the index bytes (two-space indented JSON, entries in the given order). */
export function buildIndex(input: IndexInput): BuiltIndex {
  const mediaType = input.format === 'oci' ? MEDIA_TYPE_OCI_INDEX : MEDIA_TYPE_DOCKER_LIST;
  const body: Record<string, unknown> = { schemaVersion: 2, mediaType };
  if (input.format === 'oci' && input.artifactType) body['artifactType'] = input.artifactType;
  body['manifests'] = input.manifests.map((d) => entry(d, input.format));
  if (input.format === 'oci' && input.subject) body['subject'] = { mediaType: input.subject.mediaType, digest: input.subject.digest, size: input.subject.size };
  if (input.format === 'oci' && input.annotations && Object.keys(input.annotations).length > 0) body['annotations'] = { ...input.annotations };
  const bytes = Buffer.from(`${JSON.stringify(body, null, 2)}\n`);
  return { bytes, digest: sha256Digest(bytes), size: bytes.length, mediaType };
}
