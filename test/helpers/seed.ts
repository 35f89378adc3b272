/**
 * Seeds synthetic single-platform images (a real tar.gz layer, a real config with
 * os/architecture/variant/os.version) and multi-platform indexes into a test registry through the
 * registry API, and returns every digest so tests can compare against them.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { HarnessClient } from './harness-client.js';

export type Format = 'docker' | 'oci';

export interface SeedPlatform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

export interface SeededImage {
  /** `host/repo:tag` */
  ref: string;
  repository: string;
  tag: string;
  digest: string;
  size: number;
  mediaType: string;
  platform: SeedPlatform;
  configDigest: string;
  layerDigests: string[];
  bytes: Buffer;
}

export interface SeededIndex {
  ref: string;
  repository: string;
  tag: string;
  digest: string;
  size: number;
  mediaType: string;
  children: SeededImage[];
  attestation?: { digest: string; size: number; describes: string };
  bytes: Buffer;
}

const MT = {
  docker: {
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
    index: 'application/vnd.docker.distribution.manifest.list.v2+json',
  },
  oci: {
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
    index: 'application/vnd.oci.image.index.v1+json',
  },
} as const;

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A one-file POSIX tar archive (ustar), enough for a real layer. */
export function tarOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const put = (s: string, off: number, len: number): void =>
    void header.write(s.slice(0, len), off, 'ascii');
  put(name, 0, 100);
  put('0000644\0', 100, 8);
  put('0000000\0', 108, 8);
  put('0000000\0', 116, 8);
  put(`${content.length.toString(8).padStart(11, '0')}\0`, 124, 12);
  put('00000000000\0', 136, 12);
  put('        ', 148, 8);
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const byte of header) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, pad, Buffer.alloc(1024)]);
}

export function platformKey(p: SeedPlatform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** Pushes one image for `platform` to `repository:tag` and returns its digests. */
export async function seedImage(
  client: HarnessClient,
  options: {
    repository: string;
    tag: string;
    platform: SeedPlatform;
    format?: Format;
    salt?: string;
  },
): Promise<SeededImage> {
  const format = options.format ?? 'docker';
  const mt = MT[format];
  const label = `${platformKey(options.platform)} ${options.repository}:${options.tag} ${options.salt ?? ''}`;
  const tar = tarOneFile('hello.txt', Buffer.from(`hello from ${label}\n`));
  const layer = gzipSync(tar, { level: 9 });
  layer.writeUInt32LE(0, 4); // zero the gzip mtime so seeded digests are reproducible
  const config = Buffer.from(
    JSON.stringify({
      architecture: options.platform.architecture,
      os: options.platform.os,
      ...(options.platform.variant ? { variant: options.platform.variant } : {}),
      ...(options.platform['os.version'] ? { 'os.version': options.platform['os.version'] } : {}),
      ...(options.platform['os.features']
        ? { 'os.features': options.platform['os.features'] }
        : {}),
      config: { Cmd: ['/hello'] },
      rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
      history: [{ created_by: `manifold test seed ${label}` }],
    }),
  );
  const configDigest = sha256(config);
  const layerDigest = sha256(layer);
  await client.pushBlob(options.repository, configDigest, config);
  await client.pushBlob(options.repository, layerDigest, layer);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mt.manifest,
      config: { mediaType: mt.config, size: config.length, digest: configDigest },
      layers: [{ mediaType: mt.layer, size: layer.length, digest: layerDigest }],
    }),
  );
  const digest = sha256(manifest);
  const answered = await client.pushManifest(
    options.repository,
    options.tag,
    mt.manifest,
    manifest,
  );
  if (answered !== digest)
    throw new Error(`seed: registry answered digest ${answered}, expected ${digest}`);
  return {
    ref: `${client.registry.host}/${options.repository}:${options.tag}`,
    repository: options.repository,
    tag: options.tag,
    digest,
    size: manifest.length,
    mediaType: mt.manifest,
    platform: options.platform,
    configDigest,
    layerDigests: [layerDigest],
    bytes: manifest,
  };
}

/** Pushes an attestation-style manifest (unknown/unknown config) describing `subject`. */
async function seedAttestation(
  client: HarnessClient,
  repository: string,
  subject: SeededImage,
): Promise<{ digest: string; size: number; bytes: Buffer }> {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'unknown',
      os: 'unknown',
      config: {},
      rootfs: { type: 'layers', diff_ids: [] },
    }),
  );
  const statement = Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v0.1',
      subject: [{ digest: { sha256: subject.digest.slice(7) } }],
    }),
  );
  await client.pushBlob(repository, sha256(config), config);
  await client.pushBlob(repository, sha256(statement), statement);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MT.oci.manifest,
      config: { mediaType: MT.oci.config, size: config.length, digest: sha256(config) },
      layers: [
        {
          mediaType: 'application/vnd.in-toto+json',
          size: statement.length,
          digest: sha256(statement),
          annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' },
        },
      ],
    }),
  );
  const digest = sha256(manifest);
  await client.pushManifest(repository, digest, MT.oci.manifest, manifest);
  return { digest, size: manifest.length, bytes: manifest };
}

/**
 * Pushes a multi-platform index whose children are already in `repository`, optionally with
 * a BuildKit-style attestation manifest for the first child.
 */
export async function seedIndex(
  client: HarnessClient,
  options: {
    repository: string;
    tag: string;
    children: SeededImage[];
    format?: Format;
    attestation?: boolean;
  },
): Promise<SeededIndex> {
  const format = options.format ?? 'oci';
  const entries: object[] = options.children.map((c) => ({
    mediaType: c.mediaType,
    digest: c.digest,
    size: c.size,
    platform: c.platform,
  }));
  let attestation: SeededIndex['attestation'];
  const firstChild = options.children[0];
  if (options.attestation && firstChild) {
    const a = await seedAttestation(client, options.repository, firstChild);
    attestation = { digest: a.digest, size: a.size, describes: firstChild.digest };
    entries.push({
      mediaType: MT.oci.manifest,
      digest: a.digest,
      size: a.size,
      platform: { architecture: 'unknown', os: 'unknown' },
      annotations: {
        'vnd.docker.reference.digest': firstChild.digest,
        'vnd.docker.reference.type': 'attestation-manifest',
      },
    });
  }
  const index = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MT[format].index, manifests: entries }),
  );
  const digest = sha256(index);
  await client.pushManifest(options.repository, options.tag, MT[format].index, index);
  return {
    ref: `${client.registry.host}/${options.repository}:${options.tag}`,
    repository: options.repository,
    tag: options.tag,
    digest,
    size: index.length,
    mediaType: MT[format].index,
    children: options.children,
    attestation,
    bytes: index,
  };
}

/** The platforms seeded by `seedStandardSet`, keyed by a short name. */
export const STANDARD_PLATFORMS: Record<string, SeedPlatform> = {
  amd64: { os: 'linux', architecture: 'amd64' },
  arm64: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  armv7: { os: 'linux', architecture: 'arm', variant: 'v7' },
  ppc64le: { os: 'linux', architecture: 'ppc64le' },
  s390x: { os: 'linux', architecture: 's390x' },
  i386: { os: 'linux', architecture: '386' },
  windows: { os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.2527' },
};

export interface StandardSet {
  /** Docker v2.2 images in `app`, tagged `<name>`. */
  docker: Record<string, SeededImage>;
  /** OCI images in `app-oci`, tagged `<name>` (a second repository). */
  oci: Record<string, SeededImage>;
  /** An OCI index `multi:both` over amd64 and arm64 images in `multi`, with an attestation. */
  index: SeededIndex;
}

/** Seeds every standard platform as Docker images in `app`, as OCI images in `app-oci`, and one index. */
export async function seedStandardSet(client: HarnessClient, prefix = ''): Promise<StandardSet> {
  const docker: Record<string, SeededImage> = {};
  const oci: Record<string, SeededImage> = {};
  await Promise.all(
    Object.entries(STANDARD_PLATFORMS).map(async ([name, platform]) => {
      docker[name] = await seedImage(client, {
        repository: `${prefix}app`,
        tag: name,
        platform,
        format: 'docker',
      });
      oci[name] = await seedImage(client, {
        repository: `${prefix}app-oci`,
        tag: name,
        platform,
        format: 'oci',
      });
    }),
  );
  const children = await Promise.all(
    [STANDARD_PLATFORMS['amd64']!, STANDARD_PLATFORMS['arm64']!].map((platform, i) =>
      seedImage(client, {
        repository: `${prefix}multi`,
        tag: `part-${i}`,
        platform,
        format: 'oci',
      }),
    ),
  );
  const index = await seedIndex(client, {
    repository: `${prefix}multi`,
    tag: 'both',
    children,
    attestation: true,
  });
  return { docker, oci, index };
}
