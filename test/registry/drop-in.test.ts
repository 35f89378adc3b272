/**
 * manifold as a drop-in for manifest-tool: its specs (Windows children told apart only by their
 * configs, empty platforms), its command lines with only the program name changed, and the same
 * index bytes, so switching tools moves no tag. Against the real registry; skopeo reads back.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runInProcess as runCli, type CliResult } from '../helpers/cli.js';
import { HarnessClient } from '../helpers/harness-client.js';
import { MANIFEST_TOOL, MANIFEST_TOOL_NOTE } from '../helpers/manifest-tool.js';
import {
  startRegistry,
  TEST_PASSWORD,
  TEST_USER,
  type RegistryHandle,
} from '../helpers/registry.js';
import { seedImage, seedStandardSet, type SeededImage, type StandardSet } from '../helpers/seed.js';
import { skopeo } from '../helpers/skopeo.js';

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

let reg: RegistryHandle;
let harness: HarnessClient;
let set: StandardSet;
const win: SeededImage[] = [];
let winTwin: SeededImage;
let n = 0;
const dir = mkdtempSync(join(tmpdir(), 'manifold-dropin-'));
const fresh = (): string => `drop/t${++n}`;
const WINDOWS_VERSIONS = ['10.0.17763.5936', '10.0.20348.2527', '10.0.26100.1742'];

beforeAll(async () => {
  reg = await startRegistry({ variant: 'plain' });
  harness = new HarnessClient(reg);
  set = await seedStandardSet(harness);
  for (const [i, v] of WINDOWS_VERSIONS.entries()) {
    win.push(
      await seedImage(harness, {
        repository: 'win',
        tag: `ltsc-${i}`,
        platform: {
          os: 'windows',
          architecture: 'amd64',
          'os.version': v,
          ...(i === 0 ? { 'os.features': ['win32k'] } : {}),
        },
      }),
    );
  }
  winTwin = await seedImage(harness, {
    repository: 'win',
    tag: 'twin',
    platform: { os: 'windows', architecture: 'amd64', 'os.version': WINDOWS_VERSIONS[1]! },
    salt: 'twin',
  });
});
afterAll(async () => reg?.stop());

function specFile(text: string): string {
  const file = join(dir, `spec-${++n}.yml`);
  writeFileSync(file, text);
  return file;
}

async function rawIndex(
  repo: string,
  tag: string,
): Promise<{
  digest: string;
  bytes: Buffer;
  json: {
    mediaType?: string;
    manifests: { digest: string; platform?: Record<string, unknown> }[];
    annotations?: Record<string, string>;
  };
}> {
  const raw = await skopeo([
    'inspect',
    '--raw',
    '--tls-verify=false',
    `docker://${reg.host}/${repo}:${tag}`,
  ]);
  expect(raw.stderr).toBe('');
  return {
    digest: sha(raw.stdout),
    bytes: raw.stdout,
    json: JSON.parse(raw.stdout.toString('utf8')),
  };
}

const digestOf = (out: string): string => /^Digest: (sha256:[a-f0-9]{64}) \d+$/m.exec(out)![1]!;

function writesIn(res: CliResult): { method?: string; url?: string }[] {
  return res.stderr
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string; method?: string; url?: string })
    .filter(
      (l) =>
        l.msg === 'http' && (l.method === 'PUT' || l.method === 'POST' || l.method === 'PATCH'),
    );
}

describe('specs manifest-tool publishes', () => {
  test("three windows/amd64 children without os.version, configs differ: three entries carrying their configs' os.version (validate warns, passes)", async () => {
    const repo = fresh();
    const spec = `image: ${reg.host}/${repo}:1\nmanifests:\n${win.map((w) => `  - image: ${w.ref}\n    platform:\n      architecture: amd64\n      os: windows\n`).join('')}`;
    const validate = await runCli(['validate', specFile(spec)]);
    expect(validate.code).toBe(0);
    // One brief warning for the document, not one per entry.
    const warnings = validate.stderr.split('\n').filter((l) => l.includes('warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /warning: manifests\[1\]\.platform: windows\/amd64 more than once in the spec \(manifests\[1\], \[2\]\): told apart only by their images' .*os\.version, checked when publishing$/,
    );
    // Brief: the entries by index, not their references.
    expect(warnings[0]).not.toContain(win[0]!.ref);
    const dry = await runCli(['publish', '--from-spec', specFile(spec), '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toBe('');
    const res = await runCli(['publish', '--from-spec', specFile(spec)]);
    expect(res.code).toBe(0);
    // Resolution told the entries apart: a successful publish keeps stderr quiet.
    expect(res.stderr).toBe('');
    const { json } = await rawIndex(repo, '1');
    expect(json.manifests.map((m) => m.platform)).toEqual([
      {
        architecture: 'amd64',
        os: 'windows',
        'os.version': WINDOWS_VERSIONS[0],
        'os.features': ['win32k'],
      },
      { architecture: 'amd64', os: 'windows', 'os.version': WINDOWS_VERSIONS[1] },
      { architecture: 'amd64', os: 'windows', 'os.version': WINDOWS_VERSIONS[2] },
    ]);
  });

  test('two windows children whose configs agree are refused as duplicates after resolution; nothing is pushed', async () => {
    const repo = fresh();
    const spec = `image: ${reg.host}/${repo}:1\nmanifests:\n  - image: ${win[1]!.ref}\n    platform: {os: windows, architecture: amd64}\n  - image: ${winTwin.ref}\n    platform: {os: windows, architecture: amd64}\n`;
    for (const extra of [[], ['--dry-run']]) {
      const res = await runCli(['publish', '--from-spec', specFile(spec), ...extra]);
      expect(res.code).toBe(3);
      expect(res.stderr).toContain(`duplicate platform windows/amd64@${WINDOWS_VERSIONS[1]}`);
      expect(res.stdout).toBe('');
    }
    expect(await harness.listTags(repo)).toEqual([]);
  });

  test('an empty platform (YAML null, ~, {}) or one without os/architecture takes the platform from the config, with a warning', async () => {
    const repo = fresh();
    const spec = `image: ${reg.host}/${repo}:1\ntags:\nmanifests:\n  - image: ${set.docker['amd64']!.ref}\n    platform:\n  - image: ${set.docker['arm64']!.ref}\n    platform: ~\n  - image: ${set.docker['ppc64le']!.ref}\n    platform: {}\n  - image: ${set.docker['armv7']!.ref}\n    platform: {variant: v7}\n`;
    const res = await runCli(['publish', '--from-spec', specFile(spec)]);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(
      /:5:5 warning: manifests\[0\]\.platform: empty value .*taken from the image config/,
    );
    expect(res.stderr).toMatch(/:7:5 warning: manifests\[1\]\.platform: empty value/);
    expect(res.stderr).toMatch(/warning: manifests\[3\]\.platform: no os or architecture/);
    expect(res.stderr).toMatch(/warning: tags: empty value/);
    const { json } = await rawIndex(repo, '1');
    expect(json.manifests.map((m) => m.platform)).toEqual([
      { architecture: 'amd64', os: 'linux' },
      { architecture: 'arm64', os: 'linux', variant: 'v8' },
      { architecture: 'ppc64le', os: 'linux' },
      { architecture: 'arm', os: 'linux', variant: 'v7' },
    ]);
    // A hint the config contradicts is still a mismatch (manifest-tool would publish it unchecked).
    const bad = await runCli([
      'publish',
      '--from-spec',
      specFile(spec.replace('{variant: v7}', '{variant: v6}')),
    ]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('platform mismatch');
  });
});

describe('manifest-tool command lines, program name changed', () => {
  test('global flags before push, --type oci, from-args with repeated --platforms and --tags', async () => {
    const repo = fresh();
    const res = await runCli([
      '--plain-http',
      'push',
      '--type',
      'oci',
      'from-args',
      '--platforms',
      'linux/amd64,linux/arm64/v8',
      '--platforms',
      'linux/ppc64le',
      '--template',
      `${reg.host}/app:ARCH`,
      '--target',
      `${reg.host}/${repo}:1.0`,
      '--tags',
      'a,b',
      '--tags',
      'c',
    ]);
    // The template has no VARIANT: arm64/v8 maps to app:arm64 (ARCH alone).
    expect(res.code).toBe(0);
    expect(res.stdout.split('\n')[0]).toMatch(/^Digest: sha256:[a-f0-9]{64} \d+$/);
    for (const t of ['1.0', 'a', 'b', 'c'])
      expect(res.stdout).toContain(`Tag: ${reg.host}/${repo}:${t} created`);
    const { json } = await rawIndex(repo, 'c');
    expect(json.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(json.manifests.map((m) => m.digest)).toEqual([
      set.docker['amd64']!.digest,
      set.docker['arm64']!.digest,
      set.docker['ppc64le']!.digest,
    ]);
  });

  test('push from-spec defaults to a Docker list (as manifest-tool); publish keeps auto', async () => {
    const repo = fresh();
    const file = specFile(
      `image: ${reg.host}/${repo}:1\nmanifests:\n  - image: ${set.oci['amd64']!.ref}\n`,
    );
    expect((await runCli(['push', 'from-spec', '--ignore-missing', file])).code).toBe(0);
    expect((await rawIndex(repo, '1')).json.mediaType).toBe(
      'application/vnd.docker.distribution.manifest.list.v2+json',
    );
    expect((await runCli(['publish', '--from-spec', file])).code).toBe(0);
    expect((await rawIndex(repo, '1')).json.mediaType).toBe(
      'application/vnd.oci.image.index.v1+json',
    );
  });

  test('--username/--password against basic auth: accepted with a warning; the password appears nowhere', async () => {
    const basic = await startRegistry({ variant: 'basic' });
    try {
      const h = new HarnessClient(basic, { username: TEST_USER, password: TEST_PASSWORD });
      const img = await seedImage(h, {
        repository: 'app',
        tag: 'amd64',
        platform: { os: 'linux', architecture: 'amd64' },
      });
      const file = specFile(
        `image: ${basic.host}/app:multi\nmanifests:\n  - image: ${img.ref}\n    platform:\n      architecture: amd64\n      os: linux\n`,
      );
      const res = await runCli([
        '--username',
        TEST_USER,
        '--password',
        TEST_PASSWORD,
        '--debug',
        'push',
        'from-spec',
        file,
      ]);
      expect(res.code).toBe(0);
      expect(res.stderr).toContain('--password puts the password where other processes');
      expect(`${res.stdout}${res.stderr}`).not.toContain(TEST_PASSWORD);
      expect(`${res.stdout}${res.stderr}`).not.toContain(
        Buffer.from(`${TEST_USER}:${TEST_PASSWORD}`).toString('base64'),
      );
    } finally {
      await basic.stop();
    }
  });
});

describe('options never vanish', () => {
  test('--from-spec repeats: every file published; a from-args option beside --from-spec is a usage error', async () => {
    const a = fresh();
    const b = fresh();
    const fa = specFile(
      `image: ${reg.host}/${a}:1\nmanifests:\n  - image: ${set.oci['amd64']!.ref}\n`,
    );
    const fb = specFile(
      `image: ${reg.host}/${b}:1\nmanifests:\n  - image: ${set.oci['arm64']!.ref}\n`,
    );
    const res = await runCli(['publish', '--from-spec', fa, '--from-spec', fb]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`Tag: ${reg.host}/${a}:1 created`);
    expect(res.stdout).toContain(`Tag: ${reg.host}/${b}:1 created`);
    for (const extra of [
      ['--target', `${reg.host}/${a}:2`],
      ['--platforms', 'linux/amd64'],
      ['--template', 'r/a:ARCH'],
      ['--from-args'],
    ]) {
      const bad = await runCli(['publish', '--from-spec', fa, ...extra]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--from-args|belongs to --from-args/);
    }
  });

  test('--tags and --annotations beside --from-spec: bare tags for every document, a full reference for its repository alone, annotations added', async () => {
    const a = fresh();
    const b = fresh();
    const fa = specFile(
      `image: ${reg.host}/${a}:1\nmediaType: oci\nannotations: {org.example.own: kept, org.example.both: spec}\nmanifests:\n  - image: ${set.oci['amd64']!.ref}\n`,
    );
    const fb = specFile(
      `image: ${reg.host}/${b}:1\nmanifests:\n  - image: ${set.oci['arm64']!.ref}\n`,
    );
    const res = await runCli([
      'publish',
      '--from-spec',
      fa,
      '--from-spec',
      fb,
      '--tags',
      `shared,${reg.host}/${a}:only-a`,
      '--annotations',
      'org.example.both=cli',
      '--output',
      'json',
    ]);
    expect({ code: res.code, stderr: res.stderr }).toMatchObject({ code: 0 });
    const report = JSON.parse(res.stdout) as { indexes: { tags: { tag: string }[] }[] };
    expect(report.indexes.map((i) => i.tags.map((t) => t.tag))).toEqual([
      ['1', 'shared', 'only-a'],
      ['1', 'shared'],
    ]);
    const raw = (await rawIndex(a, 'only-a')).json;
    expect(raw.annotations).toEqual({ 'org.example.own': 'kept', 'org.example.both': 'cli' });
    expect((await rawIndex(b, 'shared')).json.manifests).toHaveLength(1);
    // Nothing changes when one of them cannot apply.
    const c = fresh();
    const fc = specFile(
      `image: ${reg.host}/${c}:1\nmediaType: docker\nmanifests:\n  - image: ${set.docker['amd64']!.ref}\n`,
    );
    for (const extra of [
      ['--annotations', 'k=v'],
      ['--tags', `${reg.host}/elsewhere/app:1`],
      ['--tags', 'bad tag'],
    ]) {
      const bad = await runCli(['publish', '--from-spec', fc, ...extra]);
      expect({ extra, code: bad.code }).toEqual({ extra, code: 2 });
    }
    const absent = await skopeo([
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${reg.host}/${c}:1`,
    ]);
    expect(absent.stderr).toMatch(/manifest unknown/i);
  });

  test('a missing child in a second spec file: nothing of the first is pushed (exit 3)', async () => {
    const a = fresh();
    const fa = specFile(
      `image: ${reg.host}/${a}:1\nmanifests:\n  - image: ${set.oci['amd64']!.ref}\n`,
    );
    const fb = specFile(
      `image: ${reg.host}/${fresh()}:1\nmanifests:\n  - image: ${reg.host}/app:no-such-tag\n`,
    );
    const res = await runCli(['publish', '--from-spec', fa, '--from-spec', fb]);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('nothing was pushed');
    expect(await harness.listTags(a)).toEqual([]);
  });
});

describe('create (as buildx imagetools create)', () => {
  test('sources in the target repository and another repository; extra tags; annotations; dry run writes nothing', async () => {
    const repo = 'app';
    const target = `${reg.host}/${repo}:created-${++n}`;
    const args = [
      'create',
      '-t',
      target,
      '-t',
      `${reg.host}/${repo}:also-${n}`,
      '--annotation',
      'org.opencontainers.image.source=https://example.com/x?a=b',
      set.docker['amd64']!.ref,
      set.oci['arm64']!.ref,
    ];
    const dry = await runCli([...args, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      `Child: ${set.oci['arm64']!.ref} ${set.oci['arm64']!.digest} would be copied into ${reg.host}/${repo}`,
    );
    expect(await harness.listTags(repo)).not.toContain(`created-${n}`);
    const res = await runCli(args);
    expect(res.code).toBe(0);
    const { json } = await rawIndex(repo, `also-${n}`);
    expect(json.annotations).toEqual({
      'org.opencontainers.image.source': 'https://example.com/x?a=b',
    });
    expect(json.manifests.map((m) => m.digest)).toEqual([
      set.docker['amd64']!.digest,
      set.oci['arm64']!.digest,
    ]);
  });

  test('--dry-run names as copies only the children that are not in the target yet (an index source included)', async () => {
    const repo = fresh();
    const childLines = (out: string): string[] =>
      out.split('\n').filter((l) => l.startsWith('Child: '));
    // A fresh repository: every entry of the index (images and attestation) would be copied.
    const first = await runCli([
      'create',
      '-t',
      `${reg.host}/${repo}:1`,
      set.index.ref,
      '--dry-run',
    ]);
    expect(first.code).toBe(0);
    const entries = [...set.index.children.map((c) => c.digest), set.index.attestation!.digest];
    expect(childLines(first.stdout).map((l) => l.split(' ')[2])).toEqual(entries);
    expect((await runCli(['create', '-t', `${reg.host}/${repo}:1`, set.index.ref])).code).toBe(0);
    // Now they are all there: a dry run for another tag names no copy, as a real run would make none.
    const again = await runCli([
      'create',
      '-t',
      `${reg.host}/${repo}:2`,
      set.index.ref,
      set.oci['s390x']!.ref,
      '--dry-run',
    ]);
    expect(again.code).toBe(0);
    expect(childLines(again.stdout)).toEqual([
      `Child: ${set.oci['s390x']!.ref} ${set.oci['s390x']!.digest} would be copied into ${reg.host}/${repo}`,
    ]);
  });

  test('--append adds to the index under the first tag; a source for the same platform replaces its entry', async () => {
    const repo = fresh();
    const target = `${reg.host}/${repo}:1`;
    expect(
      (await runCli(['create', '-t', target, set.index.ref, set.oci['ppc64le']!.ref])).code,
    ).toBe(0);
    const amd2 = await seedImage(harness, {
      repository: repo,
      tag: 'amd64-new',
      platform: { os: 'linux', architecture: 'amd64' },
      format: 'oci',
      salt: 'new',
    });
    const res = await runCli(['create', '--append', '-t', target, amd2.ref, set.oci['s390x']!.ref]);
    expect(res.code).toBe(0);
    const { json } = await rawIndex(repo, '1');
    // The old amd64 entry and its attestation are gone; arm64 and ppc64le stay; the new ones come after.
    expect(json.manifests.map((m) => m.digest)).toEqual([
      set.index.children[1]!.digest,
      set.oci['ppc64le']!.digest,
      amd2.digest,
      set.oci['s390x']!.digest,
    ]);
  });

  test('--append when another writer moves the tag between our read and our write: nothing written, "changed by another writer", never "updated"', async () => {
    const { startFaultProxy } = await import('../helpers/fault-proxy.js');
    const proxy = await startFaultProxy(reg.url);
    try {
      const repo = fresh();
      const target = `${proxy.host}/${repo}:1`;
      expect(
        (
          await runCli([
            'create',
            '-t',
            target,
            `${proxy.host}/${set.oci['ppc64le']!.repository}:${set.oci['ppc64le']!.tag}`,
          ])
        ).code,
      ).toBe(0);
      const theirs = await seedImage(harness, {
        repository: repo,
        tag: 'theirs',
        platform: { os: 'linux', architecture: 'riscv64' },
        format: 'oci',
      });
      let raced = false;
      // Our read of the index under :1 is answered; meanwhile another writer points :1 elsewhere.
      proxy.setFault((r) =>
        r.method === 'GET' && r.url === `/v2/${repo}/manifests/1` && !raced
          ? {
              kind: 'after',
              then: async () => {
                raced = true;
                await harness.pushManifest(repo, '1', theirs.mediaType, theirs.bytes);
              },
            }
          : undefined,
      );
      const res = await runCli([
        'create',
        '--append',
        '-t',
        target,
        `${proxy.host}/${set.oci['s390x']!.repository}:${set.oci['s390x']!.tag}`,
        '--output',
        'json',
      ]);
      expect(raced).toBe(true);
      expect(res.code).toBe(4);
      const doc = JSON.parse(res.stdout) as {
        indexes: { tags: { status: string; error?: string }[] }[];
      };
      expect(doc.indexes[0]!.tags[0]!.status).toBe('failed');
      expect(doc.indexes[0]!.tags[0]!.error).toContain('changed by another writer');
      // The other writer's tag stands.
      expect((await harness.getManifest(repo, '1')).headers['docker-content-digest']).toBe(
        theirs.digest,
      );
    } finally {
      await proxy.close();
    }
  });
});

const withTool = MANIFEST_TOOL ? describe : describe.skip;

withTool(`same bytes as manifest-tool ${MANIFEST_TOOL_NOTE}`, () => {
  function manifestTool(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        MANIFEST_TOOL!,
        args,
        { timeout: 60_000, env: { PATH: process.env['PATH'], HOME: dir } },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
    });
  }
  // Docker and OCI children, a variant inherited from the config, Windows os.version inherited and
  // given, and a child index (amd64 + arm64/v8 + attestation) flattened.
  const body = (): string =>
    `tags: ["2", latest]\nmanifests:\n  - image: ${set.docker['armv7']!.ref}\n    platform: {os: linux, architecture: arm}\n  - image: ${set.oci['ppc64le']!.ref}\n  - image: ${win[0]!.ref}\n    platform: {os: windows, architecture: amd64}\n  - image: ${win[2]!.ref}\n    platform: {os: windows, architecture: amd64, osversion: ${WINDOWS_VERSIONS[2]}}\n  - image: ${reg.host}/multi:both\n`;

  test.each(['docker', 'oci'])(
    "--type %s: manifold's index is manifest-tool's; a re-run over its tags is unchanged with no write",
    async (type) => {
      const theirs = fresh();
      const ours = fresh();
      const spec = (repo: string): string => `image: ${reg.host}/${repo}:1\n${body()}`;
      const mt = await manifestTool([
        '--plain-http',
        'push',
        '--type',
        type,
        'from-spec',
        specFile(spec(theirs)),
      ]);
      expect({
        code: mt.code,
        stderr: mt.stderr
          .split('\n')
          .filter((l) => !l.includes('level=warning'))
          .join('\n'),
      }).toEqual({ code: 0, stderr: '' });
      const mf = await runCli([
        '--plain-http',
        'push',
        '--type',
        type,
        'from-spec',
        specFile(spec(ours)),
      ]);
      expect(mf.code).toBe(0);
      const a = await rawIndex(theirs, '1');
      const b = await rawIndex(ours, '1');
      if (type === 'docker') {
        expect(b.bytes.toString()).toBe(a.bytes.toString());
        expect(digestOf(mf.stdout)).toBe(digestOf(mt.stdout));
      } else {
        // manifest-tool 2.1.5 predates the index mediaType field (written since 2.1.7): ours is its
        // bytes with that one line, which the image-spec says an index should carry.
        const line = '\n  "mediaType": "application/vnd.oci.image.index.v1+json",';
        expect(b.bytes.toString()).toBe(
          a.bytes.toString().replace('"schemaVersion": 2,', `"schemaVersion": 2,${line}`),
        );
      }
      if (type === 'docker') {
        const rerun = await runCli([
          '--plain-http',
          'push',
          'from-spec',
          specFile(spec(theirs)),
          '--log-level',
          'debug',
          '--log-format',
          'json',
        ]);
        expect(rerun.code).toBe(0);
        for (const t of ['1', '2', 'latest'])
          expect(rerun.stdout).toContain(`Tag: ${reg.host}/${theirs}:${t} unchanged`);
        expect(writesIn(rerun)).toEqual([]);
      }
    },
  );
});
