/**
 * Real images for the binaries check: Debian's executables of other architectures (fetched by
 * scripts/test-binaries.sh), layers written as tar with the entry types a check must honour
 * (symlinks, hard links, whiteouts, opaque directories), pushed to a test registry, and images
 * built by buildah (FROM scratch, COPY, --arch; gzip or zstd layers).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import type { HarnessClient } from './harness-client.js';

const run = promisify(execFile);
const DIR = resolve('.cache/test-binaries');

/** A real executable from Debian (busybox-static-arm64, ld-linux-aarch64.so.1, zlib1-x86_64.dll …). */
export function testBinary(name: string): Buffer {
  const path = join(DIR, name);
  if (!existsSync(join(DIR, '.complete-1')) || !existsSync(path))
    throw new Error(
      `test binary ${name} is missing from ${DIR}: run bash scripts/test-binaries.sh (npm test runs it through scripts/system-deps.sh)`,
    );
  return readFileSync(path);
}

export interface TarEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  mode?: number;
  linkname?: string;
  content?: Buffer | string;
}

/** A tar archive of `entries`, in order. */
export async function tarLayer(entries: TarEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((r, j) => p.on('end', r).on('error', j));
  for (const e of entries) {
    const type = e.type ?? 'file';
    const content =
      type === 'file'
        ? typeof e.content === 'string'
          ? Buffer.from(e.content)
          : (e.content ?? Buffer.alloc(0))
        : undefined;
    await new Promise<void>((r, j) =>
      p.entry(
        {
          name: e.name,
          type,
          mode: e.mode ?? (type === 'directory' ? 0o755 : 0o755),
          mtime: new Date(0),
          ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
        },
        content,
        (err) => (err ? j(err) : r()),
      ),
    );
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface PushedImage {
  ref: string;
  digest: string;
  configDigest: string;
  layers: { digest: string; size: number }[];
}

/**
 * Pushes an image whose layers are `tars` (base first), gzip-compressed unless `compression`
 * says 'none', with a config of `platform` and `config` (Entrypoint, Cmd, Env …).
 */
export async function pushImage(
  client: HarnessClient,
  o: {
    repository: string;
    tag: string;
    platform: { os: string; architecture: string; variant?: string };
    config: Record<string, unknown>;
    tars: Buffer[];
    compression?: 'gzip' | 'none';
  },
): Promise<PushedImage> {
  const gz = o.compression !== 'none';
  const blobs = o.tars.map((t) => {
    const b = gz ? gzipSync(t) : t;
    if (gz) b.writeUInt32LE(0, 4);
    return b;
  });
  const config = Buffer.from(
    JSON.stringify({
      ...o.platform,
      config: o.config,
      rootfs: { type: 'layers', diff_ids: o.tars.map(sha256) },
    }),
  );
  const configDigest = sha256(config);
  await client.pushBlob(o.repository, configDigest, config);
  for (const b of blobs) await client.pushBlob(o.repository, sha256(b), b);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        size: config.length,
        digest: configDigest,
      },
      layers: blobs.map((b) => ({
        mediaType: gz
          ? 'application/vnd.oci.image.layer.v1.tar+gzip'
          : 'application/vnd.oci.image.layer.v1.tar',
        size: b.length,
        digest: sha256(b),
      })),
    }),
  );
  const mt = 'application/vnd.oci.image.manifest.v1+json';
  const digest = await client.pushManifest(o.repository, o.tag, mt, manifest);
  return {
    ref: `${client.registry.host}/${o.repository}:${o.tag}`,
    digest,
    configDigest,
    layers: blobs.map((b) => ({ digest: sha256(b), size: b.length })),
  };
}

export const BUILDAH = process.env['MANIFOLD_BUILDAH_BIN'] ?? '/usr/bin/buildah';

/**
 * Builds an image with buildah (FROM scratch, each file COPYed, `--arch`/`--os` set in the
 * config) and pushes it to `ref` on a plain-HTTP registry, with gzip or zstd layers.
 */
export async function buildahImage(o: {
  ref: string;
  files: { path: string; content: Buffer; mode?: number }[];
  arch: string;
  os?: string;
  variant?: string;
  entrypoint?: string[];
  cmd?: string[];
  compression?: 'gzip' | 'zstd';
}): Promise<void> {
  if (!existsSync(BUILDAH))
    throw new Error(`buildah is not installed at ${BUILDAH}: apt-get install -y buildah`);
  const work = mkdtempSync(join(tmpdir(), 'manifold-buildah-'));
  const storage = [
    '--root',
    join(work, 'root'),
    '--runroot',
    join(work, 'run'),
    '--storage-driver',
    'vfs',
  ];
  const b = async (...args: string[]): Promise<string> =>
    (await run(BUILDAH, [...storage, ...args], { maxBuffer: 16 << 20 })).stdout.trim();
  try {
    const c = await b('from', 'scratch');
    for (const [i, f] of o.files.entries()) {
      const local = join(work, `f${i}`);
      writeFileSync(local, f.content, { mode: f.mode ?? 0o755 });
      await b('copy', '--chmod', (f.mode ?? 0o755).toString(8), c, local, f.path);
    }
    const cfg = ['--arch', o.arch, '--os', o.os ?? 'linux'];
    if (o.variant) cfg.push('--variant', o.variant);
    if (o.entrypoint) cfg.push('--entrypoint', JSON.stringify(o.entrypoint));
    if (o.cmd) cfg.push('--cmd', JSON.stringify(o.cmd));
    await b('config', ...cfg, c);
    await b('commit', '--format', 'oci', c, 'manifold-test');
    await b(
      'push',
      '--tls-verify=false',
      '--compression-format',
      o.compression ?? 'gzip',
      'manifold-test',
      `docker://${o.ref}`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
