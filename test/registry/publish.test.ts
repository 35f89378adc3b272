/**
 * `manifold publish` end to end: the built CLI against the real registry, checked with skopeo
 * and with the harness's own client (never with manifold's reader alone).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runInProcess as runCli, type CliResult } from '../helpers/cli.js';
import { HarnessClient } from '../helpers/harness-client.js';
import { startRegistry, type RegistryHandle } from '../helpers/registry.js';
import {
  seedImage,
  seedStandardSet,
  STANDARD_PLATFORMS,
  type StandardSet,
} from '../helpers/seed.js';
import { skopeo } from '../helpers/skopeo.js';

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

let reg: RegistryHandle;
let set: StandardSet;
let harness: HarnessClient;
let n = 0;

beforeAll(async () => {
  reg = await startRegistry({ variant: 'plain' });
  harness = new HarnessClient(reg);
  set = await seedStandardSet(harness);
});
afterAll(async () => reg?.stop());

/** A fresh target repository per test. */
const fresh = (): string => `pub/t${++n}`;

function publish(
  spec: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<CliResult> {
  return runCli(['publish', '--from-spec', '-', ...args], { input: spec, env });
}

async function index(
  repo: string,
  tag: string,
): Promise<{
  digest: string;
  json: {
    mediaType: string;
    manifests: {
      digest: string;
      mediaType: string;
      platform?: Record<string, unknown>;
      annotations?: Record<string, string>;
    }[];
  };
}> {
  const raw = await skopeo([
    'inspect',
    '--raw',
    '--tls-verify=false',
    `docker://${reg.host}/${repo}:${tag}`,
  ]);
  expect(raw.stderr).toBe('');
  return { digest: sha(raw.stdout), json: JSON.parse(raw.stdout.toString('utf8')) };
}

function digestLine(out: string): string {
  const m = /^Digest: (sha256:[a-f0-9]{64}) (\d+)$/m.exec(out);
  expect(m).not.toBeNull();
  return m![1]!;
}

describe('publish against the real registry', () => {
  test('same-repository Docker children: a Docker list under every tag, entries in spec order, platform from config when omitted', async () => {
    const spec = `image: ${reg.host}/app:multi\ntags: ["1", latest]\nmanifests:\n  - image: ${reg.host}/app:arm64\n    platform: {os: linux, architecture: arm64, variant: v8}\n  - image: ${reg.host}/app:amd64\n  - image: ${reg.host}/app:ppc64le\n`;
    const res = await publish(spec);
    expect(res.stderr).not.toMatch(/ERROR|WARN/);
    expect(res.code).toBe(0);
    const digest = digestLine(res.stdout);
    expect(res.stdout).toContain(
      `Tag: ${reg.host}/app:multi created\nTag: ${reg.host}/app:1 created\nTag: ${reg.host}/app:latest created\n`,
    );
    for (const tag of ['multi', '1', 'latest'])
      expect((await index('app', tag)).digest).toBe(digest);
    const { json } = await index('app', 'multi');
    expect(json.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
    expect(json.manifests.map((m) => [m.digest, m.platform])).toEqual([
      [set.docker['arm64']!.digest, { architecture: 'arm64', os: 'linux', variant: 'v8' }],
      [set.docker['amd64']!.digest, { architecture: 'amd64', os: 'linux' }],
      [set.docker['ppc64le']!.digest, { architecture: 'ppc64le', os: 'linux' }],
    ]);
    const size = Number(/^Digest: \S+ (\d+)$/m.exec(res.stdout)![1]);
    // Go's MarshalIndent layout (as manifest-tool writes it): two-space indent, no final newline.
    expect(size).toBe(Buffer.from(JSON.stringify(json, null, 2)).length);
  });

  test('skopeo copy with --override-arch arm64 selects the arm64 child', async () => {
    const repo = fresh();
    const spec = `image: ${reg.host}/app:sel\nmanifests:\n  - image: ${reg.host}/app:amd64\n  - image: ${reg.host}/app:arm64\n  - image: ${reg.host}/app:s390x\n`;
    expect((await publish(spec)).code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), `manifold-${repo.replace('/', '-')}-`));
    try {
      const copied = await skopeo([
        'copy',
        '--src-tls-verify=false',
        '--override-os',
        'linux',
        '--override-arch',
        'arm64',
        `docker://${reg.host}/app:sel`,
        `dir:${dir}`,
      ]);
      expect(copied.code).toBe(0);
      expect(sha(readFileSync(join(dir, 'manifest.json')))).toBe(set.docker['arm64']!.digest);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('cross-repository OCI children are copied into the target repository first; auto picks OCI', async () => {
    const repo = fresh();
    const spec = `image: ${reg.host}/${repo}:1\nmanifests:\n  - image: ${reg.host}/app-oci:amd64\n  - image: ${reg.host}/app-oci:arm64\n  - image: ${reg.host}/app-oci:armv7\n`;
    const res = await runCli(['publish', '--from-spec', '-', '--output', 'json'], { input: spec });
    expect(res.code).toBe(0);
    const out = (
      JSON.parse(res.stdout) as {
        indexes: {
          digest: string;
          mediaType: string;
          children: { digest: string; action: string; platform: string }[];
          tags: { tag: string; status: string }[];
        }[];
      }
    ).indexes[0]!;
    expect(out.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(out.children.map((c) => [c.platform, c.action])).toEqual([
      ['linux/amd64', 'copied'],
      ['linux/arm64/v8', 'copied'],
      ['linux/arm/v7', 'copied'],
    ]);
    expect(out.tags).toEqual([{ tag: '1', status: 'created' }]);
    for (const name of ['amd64', 'arm64', 'armv7']) {
      const child = await skopeo([
        'inspect',
        '--raw',
        '--tls-verify=false',
        `docker://${reg.host}/${repo}@${set.oci[name]!.digest}`,
      ]);
      expect(sha(child.stdout)).toBe(set.oci[name]!.digest);
      const layer = await harness.send(`/v2/${repo}/blobs/${set.oci[name]!.layerDigests[0]}`, {
        method: 'HEAD',
      });
      expect(layer.status).toBe(200);
    }
    expect((await index(repo, '1')).digest).toBe(out.digest);
  });

  test('mixed Docker and OCI children give an OCI index; children by digest and tag@digest work', async () => {
    const repo = fresh();
    const spec = `image: ${reg.host}/${repo}:mixed\nmanifests:\n  - image: ${reg.host}/app@${set.docker['s390x']!.digest}\n  - image: ${reg.host}/app-oci:386@${set.oci['i386']!.digest}\n`;
    const res = await publish(spec);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('the digest');
    const { json } = await index(repo, 'mixed');
    expect(json.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(json.manifests.map((m) => [m.mediaType, m.digest])).toEqual([
      [set.docker['s390x']!.mediaType, set.docker['s390x']!.digest],
      [set.oci['i386']!.mediaType, set.oci['i386']!.digest],
    ]);
  });

  test('a Windows child inherits os.version from its config; annotations go into an OCI index', async () => {
    const repo = fresh();
    const spec = `image: ${reg.host}/${repo}:win\nannotations: {org.opencontainers.image.source: "https://example.com/x"}\nmanifests:\n  - image: ${reg.host}/app:windows\n    platform: {os: windows, architecture: amd64}\n    annotations: {note: win}\n  - image: ${reg.host}/app:amd64\n`;
    expect((await publish(spec)).code).toBe(0);
    const { json } = await index(repo, 'win');
    expect(json.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(json.manifests[0]).toMatchObject({
      platform: { os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.2527' },
      annotations: { note: 'win' },
    });
    expect((json as unknown as { annotations: Record<string, string> }).annotations).toEqual({
      'org.opencontainers.image.source': 'https://example.com/x',
    });
  });

  test('a child that is an index: flattened with its attestation after the images; picked by platform; or nested', async () => {
    const repo = fresh();
    const idx = set.index;
    const spec = [
      `image: ${reg.host}/${repo}:flat\nmanifests:\n  - image: ${reg.host}/multi:both\n  - image: ${reg.host}/app-oci:ppc64le\n`,
      `image: ${reg.host}/${repo}:pick\nmanifests:\n  - image: ${reg.host}/multi:both\n    platforms: [linux/arm64]\n`,
      `image: ${reg.host}/${repo}:nest\nmanifests:\n  - image: ${reg.host}/multi:both\n    index: nest\n`,
    ].join('---\n');
    const res = await publish(spec);
    expect(res.code).toBe(0);
    const flat = (await index(repo, 'flat')).json;
    // Images in spec order, then every attestation (manifest-tool's order).
    expect(flat.manifests.map((m) => m.digest)).toEqual([
      idx.children[0]!.digest,
      idx.children[1]!.digest,
      set.oci['ppc64le']!.digest,
      idx.attestation!.digest,
    ]);
    expect(flat.manifests[3]!.annotations).toEqual({
      'vnd.docker.reference.digest': idx.children[0]!.digest,
      'vnd.docker.reference.type': 'attestation-manifest',
    });
    const pick = (await index(repo, 'pick')).json;
    expect(pick.manifests.map((m) => m.digest)).toEqual([idx.children[1]!.digest]);
    const nest = (await index(repo, 'nest')).json;
    expect(nest.manifests).toEqual([
      { mediaType: idx.mediaType, digest: idx.digest, size: idx.size },
    ]);
    const nested = await skopeo([
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${reg.host}/${repo}@${idx.digest}`,
    ]);
    expect(sha(nested.stdout)).toBe(idx.digest);
  });

  test('a missing child: exit 3, every failure named, and the registry shows no new tag', async () => {
    const repo = fresh();
    await seedImage(harness, {
      repository: repo,
      tag: 'amd64',
      platform: STANDARD_PLATFORMS['amd64']!,
    });
    const spec = `image: ${reg.host}/${repo}:1\ntags: [latest]\nmanifests:\n  - image: ${reg.host}/${repo}:amd64\n  - image: ${reg.host}/${repo}:nope-arm64\n  - image: ${reg.host}/${repo}:nope-s390x\n`;
    const res = await publish(spec);
    expect(res.code).toBe(3);
    expect(res.stdout).toBe('');
    // Both missing children are asked at once: their answers arrive together and are named
    // together; one that has not answered when the other's failure settles is aborted and
    // counted as not checked (on a busy machine). Either way each is accounted for.
    const named = [1, 2].filter((i) =>
      res.stderr.includes(
        `manifests[${i}] (${reg.host}/${repo}:nope-${i === 1 ? 'arm64' : 's390x'}): manifest not found`,
      ),
    );
    expect(named.length).toBeGreaterThanOrEqual(1);
    expect(res.stderr).toContain(named.length === 2 ? '2 of 3 children' : '1 of 3 children');
    if (named.length === 1) expect(res.stderr).toMatch(/\(1 not checked/);
    expect(res.stderr).toContain('nothing was pushed');
    expect((await harness.listTags(repo)).sort()).toEqual(['amd64']);
  });

  test('--ignore-missing and optional: true skip missing children with a warning; nothing left is an error', async () => {
    const repo = fresh();
    const spec = `image: ${reg.host}/${repo}:1\nmanifests:\n  - image: ${reg.host}/app:amd64\n  - image: ${reg.host}/app:nope\n    optional: true\n`;
    const res = await publish(spec);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/WARN +child not found, skipped/);
    expect((await index(repo, '1')).json.manifests).toHaveLength(1);
    const none = await publish(
      `image: ${reg.host}/${repo}:2\nmanifests:\n  - image: ${reg.host}/app:nope\n`,
      ['--ignore-missing'],
    );
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('nothing to publish');
  });

  test('a platform that disagrees with the image config stops before any push and shows both', async () => {
    const repo = fresh();
    const spec = `image: ${reg.host}/${repo}:1\nmanifests:\n  - image: ${reg.host}/app-oci:amd64\n    platform: {os: linux, architecture: arm64}\n  - image: ${reg.host}/app:arm64\n`;
    const res = await publish(spec);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain(
      `manifests[0] (${reg.host}/app-oci:amd64): platform mismatch: spec says linux/arm64, image config says linux/amd64`,
    );
    // Found and read, then refused: not "could not be resolved".
    expect(res.stderr).toContain('were refused by the platform checks');
    expect(res.stderr).not.toContain('could not be resolved');
    expect(await harness.listTags(repo)).toEqual([]);
    const forced = await publish(
      spec.replace('platform: {', 'overridePlatform: true\n    platform: {'),
    );
    expect(forced.code).toBe(3); // once overridden, linux/arm64 twice (arm64 means arm64/v8)
    expect(forced.stderr).toContain('duplicate platform linux/arm64');
    const ok = await publish(
      `image: ${reg.host}/${repo}:2\nmanifests:\n  - image: ${reg.host}/app-oci:amd64\n    overridePlatform: true\n    platform: {os: linux, architecture: arm64}\n`,
    );
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('platform overridden by the spec');
  });

  test('a re-run changes nothing: every tag unchanged and no PUT; a changed index updates the tag', async () => {
    const repo = fresh();
    const spec = `image: ${reg.host}/${repo}:1\ntags: [a, b]\nmanifests:\n  - image: ${reg.host}/app-oci:amd64\n  - image: ${reg.host}/app-oci:arm64\n`;
    const first = await publish(spec);
    expect(first.code).toBe(0);
    const again = await publish(spec, ['--log-level', 'debug', '--log-format', 'json']);
    expect(again.code).toBe(0);
    expect(digestLine(again.stdout)).toBe(digestLine(first.stdout));
    expect(again.stdout).toContain(
      `Tag: ${reg.host}/${repo}:1 unchanged\nTag: ${reg.host}/${repo}:a unchanged\nTag: ${reg.host}/${repo}:b unchanged\n`,
    );
    const http = again.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; method?: string })
      .filter((l) => l.msg === 'http');
    expect(http.length).toBeGreaterThan(0);
    expect(http.filter((l) => l.method === 'PUT' || l.method === 'POST')).toEqual([]);
    const changed = await publish(spec.replace('arm64', 'ppc64le'));
    expect(changed.stdout).toContain(`Tag: ${reg.host}/${repo}:a updated`);
  });

  test('--dry-run resolves and prints the plan, pushes nothing', async () => {
    const repo = fresh();
    const spec = `image: ${reg.host}/${repo}:1\nmanifests:\n  - image: ${reg.host}/app-oci:amd64\n`;
    const res = await publish(spec, ['--dry-run']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`Tag: ${reg.host}/${repo}:1 created (dry run)`);
    // The exact index bytes, then the line end of the text output.
    const json = res.stdout.slice(res.stdout.indexOf('{'), -1);
    expect(sha(Buffer.from(json))).toBe(digestLine(res.stdout));
    expect(await harness.listTags(repo)).toEqual([]);
    expect(
      (await harness.send(`/v2/${repo}/manifests/${set.oci['amd64']!.digest}`, { method: 'HEAD' }))
        .status,
    ).toBe(404);
  });

  test('--digest-file and GITHUB_OUTPUT receive the digest; --output json is one document on stdout', async () => {
    const repo = fresh();
    const dir = mkdtempSync(join(tmpdir(), 'manifold-out-'));
    try {
      const spec = `image: ${reg.host}/${repo}:1\ntags: [x]\nmanifests:\n  - image: ${reg.host}/app:amd64\n`;
      const res = await publish(spec, ['--output', 'json', '--digest-file', join(dir, 'digest')], {
        GITHUB_OUTPUT: join(dir, 'gh'),
      });
      expect(res.code).toBe(0);
      const out = (JSON.parse(res.stdout) as { indexes: { digest: string }[] }).indexes[0]!;
      expect(readFileSync(join(dir, 'digest'), 'utf8')).toBe(`${out.digest}\n`);
      const gh = readFileSync(join(dir, 'gh'), 'utf8').split('\n');
      expect(gh.slice(0, 3).join('\n')).toBe(
        `digest=${out.digest}\ndigests=${out.digest}\ntags=${reg.host}/${repo}:1,${reg.host}/${repo}:x`,
      );
      // metadata: buildx imagetools' keys, one line of JSON.
      expect(JSON.parse(gh[3]!.replace(/^metadata=/, ''))).toMatchObject({
        'containerimage.digest': out.digest,
        'containerimage.descriptor': { digest: out.digest },
        'image.name': `${reg.host}/${repo}:1,${reg.host}/${repo}:x`,
      });
      expect(gh.slice(4)).toEqual(['']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--from-args builds the same index as the equivalent spec file', async () => {
    const repo = fresh();
    const args = await runCli([
      'publish',
      '--from-args',
      '--platforms',
      'linux/amd64,linux/arm64/v8',
      '--template',
      `${reg.host}/app:ARCH`,
      '--target',
      `${reg.host}/${repo}:args`,
      '--tags',
      'one,two',
    ]);
    expect(args.code).toBe(0);
    const fromFile = await publish(
      `image: ${reg.host}/${repo}:file\ntags: [one, two]\nmanifests:\n  - image: ${reg.host}/app:amd64\n    platform: {os: linux, architecture: amd64}\n  - image: ${reg.host}/app:arm64\n    platform: {os: linux, architecture: arm64, variant: v8}\n`,
    );
    expect(digestLine(args.stdout)).toBe(digestLine(fromFile.stdout));
    expect(fromFile.stdout).toContain(`${repo}:one unchanged`);
  });
});
