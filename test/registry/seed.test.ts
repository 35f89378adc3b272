/**
 * The seeder's images, checked with skopeo (an independent client) rather than with our own code,
 * so a bug in a reader of ours cannot hide a bug in a writer of ours.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { HarnessClient } from '../helpers/harness-client.js';
import { startRegistry, type RegistryHandle } from '../helpers/registry.js';
import { seedStandardSet, STANDARD_PLATFORMS, type StandardSet } from '../helpers/seed.js';
import { skopeo } from '../helpers/skopeo.js';

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('seeded images seen by skopeo', () => {
  let reg: RegistryHandle;
  let set: StandardSet;
  beforeAll(async () => {
    reg = await startRegistry({ variant: 'basic' });
    set = await seedStandardSet(new HarnessClient(reg));
  });
  afterAll(async () => reg?.stop());
  const creds = (): string[] => [
    '--tls-verify=false',
    '--creds',
    `${reg.username}:${reg.password}`,
  ];

  test('every platform exists in two repositories, Docker and OCI, with the digests the seeder returned', async () => {
    for (const [name, platform] of Object.entries(STANDARD_PLATFORMS)) {
      for (const [repo, img] of [
        ['app', set.docker[name]!],
        ['app-oci', set.oci[name]!],
      ] as const) {
        const raw = await skopeo([
          'inspect',
          '--raw',
          ...creds(),
          `docker://${reg.host}/${repo}:${name}`,
        ]);
        expect(raw.stderr).toBe('');
        expect(sha(raw.stdout)).toBe(img.digest);
        const cfg = await skopeo([
          'inspect',
          '--config',
          ...creds(),
          `docker://${reg.host}/${repo}:${name}`,
        ]);
        const config = JSON.parse(cfg.stdout.toString('utf8')) as Record<string, unknown>;
        expect({
          os: config['os'],
          architecture: config['architecture'],
          variant: config['variant'],
          osVersion: config['os.version'],
        }).toEqual({
          os: platform.os,
          architecture: platform.architecture,
          variant: platform.variant,
          osVersion: platform['os.version'],
        });
      }
    }
  });

  test('the index child lists both platforms and an attestation manifest', async () => {
    const raw = await skopeo(['inspect', '--raw', ...creds(), `docker://${reg.host}/multi:both`]);
    expect(sha(raw.stdout)).toBe(set.index.digest);
    const index = JSON.parse(raw.stdout.toString('utf8')) as {
      manifests: { digest: string; platform: { architecture: string } }[];
    };
    expect(index.manifests.map((m) => m.platform.architecture)).toEqual([
      'amd64',
      'arm64',
      'unknown',
    ]);
    const listed = await skopeo(['list-tags', ...creds(), `docker://${reg.host}/multi`]);
    expect((JSON.parse(listed.stdout.toString('utf8')) as { Tags: string[] }).Tags.sort()).toEqual([
      'both',
      'part-0',
      'part-1',
    ]);
  });

  test('skopeo without credentials is refused', async () => {
    const res = await skopeo([
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${reg.host}/app:amd64`,
    ]);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/unauthorized|authentication required/i);
  });
});
