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

/** docker/distribution `manifestlist.ManifestDescriptor`: the platform is always present. */
function dockerEntry(d: Descriptor): GoValue {
  return {
    mediaType: d.mediaType,
    size: d.size,
    digest: d.digest,
    urls: nonEmpty(d.urls),
    annotations: annotationsOf(d.annotations),
    platform: platformValue(d.platform ?? { architecture: '', os: '' }, 'docker'),
  };
}

/** image-spec `Descriptor`. */
function ociEntry(d: Descriptor): GoValue {
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    urls: nonEmpty(d.urls),
    annotations: annotationsOf(d.annotations),
    platform: d.platform ? platformValue(d.platform, 'oci') : undefined,
    artifactType: d.artifactType || undefined,
  };
}

/** Builds the index bytes (entries in the given order). */
export function buildIndex(input: IndexInput): BuiltIndex {
  let body: GoValue;
  if (input.format === 'docker') {
    body = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPE_DOCKER_LIST,
      manifests: input.manifests.map(dockerEntry),
    };
  } else {
    const s = input.subject;
    body = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPE_OCI_INDEX,
      artifactType: input.artifactType || undefined,
      manifests: input.manifests.map(ociEntry),
      subject: s ? { mediaType: s.mediaType, digest: s.digest, size: s.size } : undefined,
      annotations: annotationsOf(input.annotations),
    };
  }
  const mediaType = input.format === 'oci' ? MEDIA_TYPE_OCI_INDEX : MEDIA_TYPE_DOCKER_LIST;
  const bytes = Buffer.from(goMarshalIndent(body));
  return { bytes, digest: sha256Digest(bytes), size: bytes.length, mediaType };
}
