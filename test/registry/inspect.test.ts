/** `manifold inspect` against the real registry. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runInProcess as runCli } from '../helpers/cli.js';
import { HarnessClient } from '../helpers/harness-client.js';
import { startRegistry, type RegistryHandle } from '../helpers/registry.js';
import { seedStandardSet, type StandardSet } from '../helpers/seed.js';

let reg: RegistryHandle;
let set: StandardSet;
beforeAll(async () => {
  reg = await startRegistry({ variant: 'plain' });
  set = await seedStandardSet(new HarnessClient(reg));
});
afterAll(async () => reg?.stop());

describe('manifold inspect', () => {
  test('an index: one row per entry with platform, digest, size, media type and annotations', async () => {
    const res = await runCli(['inspect', `${reg.host}/multi:both`]);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines[0]).toBe(`${reg.host}/multi:both: application/vnd.oci.image.index.v1+json`);
    expect(lines[1]).toBe(`Digest: ${set.index.digest} ${set.index.size}`);
    expect(lines[2]).toMatch(/^PLATFORM\s+DIGEST\s+SIZE\s+MEDIA TYPE\s+ANNOTATIONS$/);
    expect(lines[3]).toMatch(
      new RegExp(
        `^linux/amd64\\s+${set.index.children[0]!.digest}\\s+${set.index.children[0]!.size}\\s+application/vnd.oci.image.manifest.v1\\+json$`,
      ),
    );
    expect(lines[4]).toMatch(new RegExp(`^linux/arm64/v8\\s+${set.index.children[1]!.digest}`));
    expect(lines[5]).toMatch(
      new RegExp(`^unknown/unknown\\s+.*attestation for ${set.index.children[0]!.digest}$`),
    );
  });

  test('--platform shows the entry a runtime on that platform gets (first match); no match is exit 3', async () => {
    const res = await runCli([
      'inspect',
      '--output',
      'json',
      '--platform',
      'linux/arm64',
      `${reg.host}/multi:both`,
    ]);
    expect(res.code).toBe(0);
    expect((JSON.parse(res.stdout) as { selected: string }).selected).toBe(
      set.index.children[1]!.digest,
    );
    const none = await runCli(['inspect', '--platform', 'linux/s390x', `${reg.host}/multi:both`]);
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('no entry matches linux/s390x');
  });

  test('--platform with a variant the index lacks: what such a host runs (amd64 v2 → the plain amd64 entry), said so; another architecture is not taken', async () => {
    const amd = set.index.children[0]!;
    const res = await runCli(['inspect', '--platform', 'linux/amd64/v2', `${reg.host}/multi:both`]);
    expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: '' });
    expect(res.stdout).toContain(
      'Selected for linux/amd64/v2: no exact entry; linux/amd64 is what such a host runs (the closest lower variant):',
    );
    expect(res.stdout).toContain(amd.digest);
    expect(res.stdout).not.toContain(set.index.children[1]!.digest);
    // --raw: the bytes of that entry; and a single amd64 image passes for a v3 host.
    const raw = await runCli([
      'inspect',
      '--raw',
      '--platform',
      'linux/amd64/v3',
      `${reg.host}/multi:both`,
    ]);
    expect(raw.code).toBe(0);
    expect(createHash('sha256').update(raw.stdout).digest('hex')).toBe(amd.digest.slice(7));
    const image = await runCli(['inspect', '--platform', 'linux/amd64/v3', amd.ref]);
    expect(image.code).toBe(0);
    // arm64/v8 does not serve an arm/v7 host (another architecture), nor v8 a v7 host.
    const arm = await runCli(['inspect', '--platform', 'linux/arm/v7', `${reg.host}/multi:both`]);
    expect(arm.code).toBe(3);
  });

  test('--raw prints the exact bytes; a single image shows its platform from the config and its layers', async () => {
    const raw = await runCli(['inspect', '--raw', `${reg.host}/multi:both`]);
    expect(`sha256:${createHash('sha256').update(raw.stdout).digest('hex')}`).toBe(
      set.index.digest,
    );
    const img = await runCli(['inspect', `${reg.host}/app:windows`]);
    expect(img.code).toBe(0);
    expect(img.stdout).toContain('Platform: windows/amd64@10.0.20348.2527\n');
    expect(img.stdout).toContain(set.docker['windows']!.layerDigests[0]!);
    const json = JSON.parse(
      (await runCli(['inspect', '--output', 'json', `${reg.host}/app-oci:armv7`])).stdout,
    ) as { platform: object; digest: string };
    expect(json).toMatchObject({
      digest: set.oci['armv7']!.digest,
      platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
    });
  });

  test('a missing tag is exit 3 with the registry code; a bad reference is exit 2', async () => {
    const res = await runCli(['inspect', `${reg.host}/app:nope`]);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('MANIFEST_UNKNOWN');
    expect((await runCli(['inspect', 'Bad/Ref'])).code).toBe(2);
  });
});
