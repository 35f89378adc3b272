/**
 * Serialises an OCI image index or Docker manifest list. The digest and size are those of the
 * exact bytes returned, which are the bytes pushed.
 *
 * The bytes are those Go's encoding/json writes for the image-spec and docker/distribution
 * structs (as manifest-tool and buildx push them): the same data gives the same digest whichever
 * of these tools pushed it, so switching tools moves no tag.
 * Reference: OCI image-spec image-index.md, descriptor.md; Docker manifest v2.2 §Manifest List.
 */
import type { Descriptor, Platform } from './descriptor.js';
import { sha256Digest } from './digest.js';
import { GoMap, goMarshalIndent, type GoValue } from './go-json.js';
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

const nonEmpty = <T>(list: T[] | undefined): T[] | undefined =>
  list && list.length > 0 ? [...list] : undefined;
const annotationsOf = (a: Record<string, string> | undefined): GoMap | undefined =>
  a && Object.keys(a).length > 0 ? new GoMap(a) : undefined;

/**
 * Platform fields in Go's struct order. `features` exists only in the Docker list's platform;
 * the image-spec reserves it, so OCI indexes leave it out.
 */
function platformValue(p: Platform, format: 'oci' | 'docker'): GoValue {
  return {
    architecture: p.architecture,
    os: p.os,
    'os.version': p['os.version'] || undefined,
    'os.features': nonEmpty(p['os.features']),
    variant: p.variant || undefined,
    features: format === 'docker' ? nonEmpty(p.features) : undefined,
  };
}

/**
 * Descriptor fields in each Go struct's declaration order: docker/distribution's
 * `manifestlist.ManifestDescriptor` (size before digest; the platform always present) and the
 * image-spec's `Descriptor` (digest before size; artifactType last).
 */
const ENTRY_FIELDS = {
  docker: ['mediaType', 'size', 'digest', 'urls', 'annotations', 'platform'],
  oci: ['mediaType', 'digest', 'size', 'urls', 'annotations', 'platform', 'artifactType'],
} as const;

function entry(d: Descriptor, format: 'oci' | 'docker'): GoValue {
  const platform = format === 'docker' ? (d.platform ?? { architecture: '', os: '' }) : d.platform;
  const values: Record<string, GoValue | undefined> = {
    mediaType: d.mediaType,
    size: d.size,
    digest: d.digest,
    urls: nonEmpty(d.urls),
    annotations: annotationsOf(d.annotations),
    platform: platform ? platformValue(platform, format) : undefined,
    artifactType: d.artifactType || undefined,
  };
  return Object.fromEntries(ENTRY_FIELDS[format].map((k) => [k, values[k]]));
}

/** Builds the index bytes (entries in the given order). */
export function buildIndex(input: IndexInput): BuiltIndex {
  let body: GoValue;
  if (input.format === 'docker') {
    body = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPE_DOCKER_LIST,
      manifests: input.manifests.map((d) => entry(d, 'docker')),
    };
  } else {
    const s = input.subject;
    body = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPE_OCI_INDEX,
      artifactType: input.artifactType || undefined,
      manifests: input.manifests.map((d) => entry(d, 'oci')),
      subject: s ? { mediaType: s.mediaType, digest: s.digest, size: s.size } : undefined,
      annotations: annotationsOf(input.annotations),
    };
  }
  const mediaType = input.format === 'oci' ? MEDIA_TYPE_OCI_INDEX : MEDIA_TYPE_DOCKER_LIST;
  const bytes = Buffer.from(goMarshalIndent(body));
  return { bytes, digest: sha256Digest(bytes), size: bytes.length, mediaType };
}
