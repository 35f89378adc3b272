/**
 * The cross-registry copy benchmark: children with large layers on registry A, published to
 * registry B (both on disk, on loopback). Reports manifold's wall time, bytes/s and peak RSS
 * beside `skopeo copy --all` of the same index in the same run.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessClient } from '../test/helpers/harness-client.js';
import { startRegistry } from '../test/helpers/registry.js';
import { runManifold } from './measure.js';

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export interface CopyReport {
  rows: string[];
  verdicts: { ok: boolean; text: string }[];
}

/** Seeds `images` images of one `layerMb` MiB random layer each, and an index over them, on `h`. */
async function seedLarge(
  h: HarnessClient,
  images: number,
  layerMb: number,
): Promise<{ bytes: number }> {
  const entries: object[] = [];
  let bytes = 0;
  for (let i = 0; i < images; i++) {
    const layer = randomBytes(layerMb * 1024 * 1024);
    await h.pushBlob('big/src', sha(layer), layer);
    const config = Buffer.from(
      JSON.stringify({
        os: 'linux',
        architecture: `a${i}`,
        rootfs: { type: 'layers', diff_ids: [sha(layer)] },
      }),
    );
    await h.pushBlob('big/src', sha(config), config);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: DOCKER_MANIFEST,
        config: {
          mediaType: 'application/vnd.docker.container.image.v1+json',
          size: config.length,
          digest: sha(config),
        },
        layers: [
          {
            mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
            size: layer.length,
            digest: sha(layer),
          },
        ],
      }),
    );
    await h.pushManifest('big/src', `i${i}`, DOCKER_MANIFEST, manifest);
    entries.push({
      mediaType: DOCKER_MANIFEST,
      digest: sha(manifest),
      size: manifest.length,
      platform: { os: 'linux', architecture: `a${i}` },
    });
    bytes += layer.length + config.length;
  }
  await h.pushManifest(
    'big/src',
    'all',
    OCI_INDEX,
    Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries })),
  );
  return { bytes };
}

/** Runs the copy benchmark in `work`; `smoke` uses small layers. */
export async function copyBenchmark(work: string, smoke: boolean): Promise<CopyReport> {
  const images = 3;
  const layerMb = smoke ? 4 : 300;
  const [a, b] = await Promise.all([
    startRegistry({ variant: 'plain', disk: true }),
    startRegistry({ variant: 'plain', disk: true }),
  ]);
  try {
    const { bytes } = await seedLarge(new HarnessClient(a), images, layerMb);
    const spec = join(work, 'copy.yml');
    writeFileSync(
      spec,
      `image: ${b.host}/big/manifold:1\nmanifests:\n  - image: ${a.host}/big/src:all\n`,
    );
    const m = await runManifold(
      ['publish', '--from-spec', spec, '--plain-http'],
      {},
      { memory: true, count: false },
    );
    const started = process.hrtime.bigint();
    const sk = spawnSync(
      '/usr/bin/time',
      [
        '-f',
        'MAXRSS_KB=%M',
        'skopeo',
        'copy',
        '--all',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        `docker://${a.host}/big/src:all`,
        `docker://${b.host}/big/skopeo:1`,
      ],
      { encoding: 'utf8' },
    );
    const skWall = Number(process.hrtime.bigint() - started) / 1e6;
    const skRss = Number(/MAXRSS_KB=(\d+)/.exec(sk.stderr)?.[1] ?? NaN) / 1024;
    const mbps = (ms: number): string => (bytes / 1e6 / (ms / 1000)).toFixed(0);
    const rss = (m.peakRssKb ?? NaN) / 1024;
    return {
      rows: [
        `| manifold publish (index child, ${images} × ${layerMb} MiB layers) | ${m.code} | ${m.wallMs.toFixed(0)} | ${mbps(m.wallMs)} | ${rss.toFixed(0)} |`,
        `| skopeo copy --all (same index) | ${sk.status} | ${skWall.toFixed(0)} | ${mbps(skWall)} | ${skRss.toFixed(0)} |`,
      ],
      verdicts: [
        {
          ok: m.code === 0,
          text: `cross-registry copy of ${(bytes / 1e6).toFixed(0)} MB: exit ${m.code}`,
        },
        {
          ok: m.code === 0 && rss < 200,
          text: `cross-registry copy of ${images} × ${layerMb} MiB layers: peak RSS ${rss.toFixed(0)} MB < 200 MB`,
        },
      ],
    };
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}
