/**
 * Registry data is shown in full, escaped always and trusted never: hostile platforms and
 * annotations pushed into the real registry (it stores what it is given), then read by manifold.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runInProcess as runCli } from '../helpers/cli.js';
import { HarnessClient } from '../helpers/harness-client.js';
import { startRegistry, type RegistryHandle } from '../helpers/registry.js';
import { seedImage, seedStandardSet, type StandardSet } from '../helpers/seed.js';

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

let reg: RegistryHandle;
let harness: HarnessClient;
let set: StandardSet;

beforeAll(async () => {
  reg = await startRegistry({ variant: 'plain' });
  harness = new HarnessClient(reg);
  set = await seedStandardSet(harness);
});
afterAll(async () => reg?.stop());

/** An image whose config holds `config` verbatim (os/architecture fields chosen by the test). */
async function imageWithConfig(
  repo: string,
  tag: string,
  config: object,
): Promise<{ digest: string; size: number; bytes: Buffer }> {
  const cfg = Buffer.from(JSON.stringify({ ...config, rootfs: { type: 'layers', diff_ids: [] } }));
  await harness.pushBlob(repo, sha(cfg), cfg);
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha(cfg),
        size: cfg.length,
      },
      layers: [],
    }),
  );
  await harness.pushManifest(repo, tag, OCI_MANIFEST, bytes);
  return { digest: sha(bytes), size: bytes.length, bytes };
}

const noRawControl = (text: string): void => {
  expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  expect(text.split('\n').filter((l) => l.trimStart().startsWith('::'))).toEqual([]);
};

describe('nothing from a registry reaches a terminal raw', () => {
  test('inspect of an index whose platform and annotations hold ESC, BEL and a ::set-output line: escaped in text, data in JSON', async () => {
    const child = set.oci['amd64']!;
    const hostile = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          {
            mediaType: child.mediaType,
            digest: child.digest,
            size: child.size,
            platform: { os: 'linux\u001b[2J', architecture: 'amd64\u0007' },
            annotations: { note: 'x\n::set-output name=token::stolen\r\u001b]0;title\u0007' },
          },
        ],
        annotations: { 'org.example': 'line\n::error::forged' },
      }),
    );
    await harness.pushManifest('app-oci', 'hostile-index', OCI_INDEX, hostile);
    const res = await runCli(['inspect', `${reg.host}/app-oci:hostile-index`]);
    expect(res.code).toBe(0);
    noRawControl(res.stdout);
    noRawControl(res.stderr);
    expect(res.stdout).toContain('\\x1b[2J');
    expect(res.stdout).toContain('::set-output name=token::stolen');
    const json = await runCli(['inspect', `${reg.host}/app-oci:hostile-index`, '--output', 'json']);
    expect(
      (JSON.parse(json.stdout) as { manifests: { annotations: Record<string, string> }[] })
        .manifests[0]!.annotations['note'],
    ).toBe('x\n::set-output name=token::stolen\r\u001b]0;title\u0007');
  });

  test('an image config whose architecture holds a newline and a ::error line: the child is refused (exit 3), the value shown escaped, nothing pushed', async () => {
    await imageWithConfig('evil', 'arch', { os: 'linux', architecture: 'amd64\n::error::pwned' });
    const res = await runCli(['publish', '--from-spec', '-'], {
      input: `image: ${reg.host}/evil:multi\nmanifests:\n  - image: ${reg.host}/evil:arch\n`,
    });
    expect(res.code).toBe(3);
    noRawControl(res.stderr);
    expect(res.stderr).toContain(
      'architecture "amd64\\x0a::error::pwned" is not a valid platform value',
    );
    expect(await harness.listTags('evil')).toEqual(['arch']);
  });

  test('a child index whose entry platform is not a platform value is refused', async () => {
    const child = set.oci['amd64']!;
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          {
            mediaType: child.mediaType,
            digest: child.digest,
            size: child.size,
            platform: { os: 'linux', architecture: 'amd64', variant: 'v1 ; rm -rf /' },
          },
        ],
      }),
    );
    await harness.pushManifest('app-oci', 'bad-variant', OCI_INDEX, index);
    const res = await runCli(['publish', '--from-spec', '-'], {
      input: `image: ${reg.host}/app-oci:bv\nmanifests:\n  - image: ${reg.host}/app-oci:bad-variant\n`,
    });
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('variant "v1 ; rm -rf /", not a valid platform value');
  });
});

describe('inspect shows everything a user asks about', () => {
  test('index annotations, artifactType, subject, os.features and what an attestation describes; text and JSON', async () => {
    const win = await seedImage(harness, {
      repository: 'multi',
      tag: 'win',
      platform: {
        os: 'windows',
        architecture: 'amd64',
        'os.version': '10.0.17763.1',
        'os.features': ['win32k'],
      },
    });
    const subject = set.oci['arm64']!;
    const att = set.index.attestation!;
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        artifactType: 'application/vnd.example.bundle',
        manifests: [
          { mediaType: win.mediaType, digest: win.digest, size: win.size, platform: win.platform },
          {
            mediaType: OCI_MANIFEST,
            digest: att.digest,
            size: att.size,
            platform: { os: 'unknown', architecture: 'unknown' },
            annotations: {
              'vnd.docker.reference.type': 'attestation-manifest',
              'vnd.docker.reference.digest': win.digest,
            },
          },
        ],
        subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
        annotations: { 'org.opencontainers.image.source': 'https://example.com/src' },
      }),
    );
    await harness.pushManifest('multi', 'all', OCI_INDEX, index);
    const res = await runCli(['inspect', `${reg.host}/multi:all`]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Artifact type: application/vnd.example.bundle');
    expect(res.stdout).toContain(`Subject: ${subject.digest}`);
    expect(res.stdout).toContain(
      'Annotation: org.opencontainers.image.source=https://example.com/src',
    );
    expect(res.stdout).toContain('windows/amd64@10.0.17763.1 (win32k)');
    expect(res.stdout).toContain(`attestation for ${win.digest}`);
    const json = JSON.parse(
      (await runCli(['inspect', `${reg.host}/multi:all`, '--output', 'json'])).stdout,
    ) as Record<string, unknown>;
    expect(json).toMatchObject({
      artifactType: 'application/vnd.example.bundle',
      subject: { digest: subject.digest },
      annotations: { 'org.opencontainers.image.source': 'https://example.com/src' },
    });
  });

  test("--platform on a single image that is another platform: exit 3 saying what it is; --raw --platform gives the entry's bytes; linux/aarch64 gets a did-you-mean", async () => {
    const arm = set.docker['arm64']!;
    const res = await runCli(['inspect', '--platform', 'linux/amd64', arm.ref]);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('this is an image for linux/arm64/v8, not linux/amd64');
    const raw = await runCli(['inspect', '--raw', '--platform', 'linux/arm64', set.index.ref]);
    expect(raw.code).toBe(0);
    expect(sha(Buffer.from(raw.stdout))).toBe(set.index.children[1]!.digest);
    const alias = await runCli(['inspect', '--platform', 'linux/aarch64', set.index.ref]);
    expect(alias.code).toBe(2);
    expect(alias.stderr).toContain('did you mean linux/arm64?');
  });
});

describe('work proportional to what is distinct', () => {
  /** A leaf image under `depth` levels of indexes, each listing the next level twice. */
  async function nested(repo: string, depth: number): Promise<string> {
    const leaf = await seedImage(harness, {
      repository: repo,
      tag: 'leaf',
      platform: { os: 'linux', architecture: 'amd64' },
      format: 'oci',
    });
    let child = {
      mediaType: leaf.mediaType,
      digest: leaf.digest,
      size: leaf.size,
      platform: { os: 'linux', architecture: 'amd64' },
    };
    for (let level = 1; level <= depth; level++) {
      const bytes = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_INDEX,
          manifests: [child, { ...child, annotations: { copy: 'second' } }],
        }),
      );
      await harness.pushManifest(repo, `level-${level}`, OCI_INDEX, bytes);
      child = {
        mediaType: OCI_INDEX,
        digest: sha(bytes),
        size: bytes.length,
        platform: { os: 'linux', architecture: 'amd64' },
      };
    }
    return `${reg.host}/${repo}:level-${depth}`;
  }

  test('an index nested ten deep, each level listing the next twice: each distinct manifest copied once; deeper than 16 is refused', async () => {
    const top = await nested('nest10', 10);
    const res = await runCli(
      ['publish', '--from-spec', '-', '--log-level', 'debug', '--log-format', 'json'],
      {
        input: `image: ${reg.host}/nest-target:1\nmanifests:\n  - image: ${top}\n    index: nest\n    platform: {os: linux, architecture: amd64}\n`,
      },
    );
    expect(res.code).toBe(0);
    const http = res.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; method?: string; url?: string })
      .filter((l) => l.msg === 'http');
    const manifestPuts = http.filter(
      (l) => l.method === 'PUT' && l.url!.includes('/manifests/sha256:'),
    );
    expect(manifestPuts).toHaveLength(11); // 10 indexes and the leaf, each once
    expect(http.length).toBeLessThan(60);
    const deep = await nested('nest17', 17);
    const refused = await runCli(['publish', '--from-spec', '-'], {
      input: `image: ${reg.host}/nest-target2:1\nmanifests:\n  - image: ${deep}\n    index: nest\n    platform: {os: linux, architecture: amd64}\n`,
    });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('indexes nested more than 16 deep; refused');
    expect(await harness.listTags('nest-target2')).toEqual([]);
  });
});

describe('files given on the command line', () => {
  test('--ca-file and --cert-dir contents that are not PEM certificates: exit 2 naming the file', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'manifold-ca-'));
    const files: [string, string | Buffer, string][] = [
      ['text.pem', 'just some text\n', 'no PEM certificate'],
      [
        'key.pem',
        '-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n',
        'a private key, not a certificate',
      ],
      [
        'cert.der',
        Buffer.from([0x30, 0x82, 0x01, 0x0a, 0x02, 0x82, 0x01, 0x01]),
        'DER (binary) data',
      ],
      [
        'broken.pem',
        '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n',
        'cannot be read',
      ],
    ];
    for (const [name, content, message] of files) {
      writeFileSync(join(dir, name), content);
      const res = await runCli(['inspect', '--ca-file', join(dir, name), set.docker['amd64']!.ref]);
      expect({ name, code: res.code }).toEqual({ name, code: 2 });
      expect(res.stderr).toContain(`--ca-file ${join(dir, name)}: `);
      expect(res.stderr).toContain(message);
    }
    const certs = join(dir, 'certs.d', reg.host);
    mkdirSync(certs, { recursive: true });
    writeFileSync(join(certs, 'ca.crt'), 'not a certificate');
    const res = await runCli([
      'inspect',
      '--cert-dir',
      join(dir, 'certs.d'),
      set.docker['amd64']!.ref,
    ]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`--cert-dir ${join(certs, 'ca.crt')}: holds no PEM certificate`);
  });
});

describe('referrers: an index with a subject is findable on every registry', () => {
  test('Distribution 2.8 has no referrers API: the referrers tag index is created, then extended; skopeo reads it; inspect --referrers lists it', async () => {
    const { skopeo } = await import('../helpers/skopeo.js');
    const subject = set.oci['amd64']!;
    const tag = subject.digest.replace(':', '-');
    const spec = (name: string, type: string): string =>
      `image: ${reg.host}/app-oci:${name}\nartifactType: ${type}\nannotations: {org.example.kind: ${name}}\nsubject: ${reg.host}/app-oci@${subject.digest}\nmanifests:\n  - image: ${reg.host}/app-oci:arm64\n`;
    const first = await runCli(['publish', '--from-spec', '-'], {
      input: spec('sbom', 'application/vnd.example.sbom'),
    });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      `Referrers: this registry has no referrers API: added to the referrers tag ${tag}`,
    );
    const second = await runCli(['publish', '--from-spec', '-', '--output', 'json'], {
      input: spec('sig', 'application/vnd.example.sig'),
    });
    expect(second.code).toBe(0);
    const doc = JSON.parse(second.stdout) as { indexes: { digest: string; referrers: unknown }[] };
    expect(doc.indexes[0]!.referrers).toEqual({ via: 'tag', tag, added: true });
    const again = await runCli(['publish', '--from-spec', '-'], {
      input: spec('sig', 'application/vnd.example.sig'),
    });
    expect(again.stdout).toContain(`already in the referrers tag ${tag}`);
    const raw = await skopeo([
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${reg.host}/app-oci:${tag}`,
    ]);
    const listed = JSON.parse(raw.stdout.toString('utf8')) as {
      mediaType: string;
      manifests: { digest: string; artifactType: string; annotations: Record<string, string> }[];
    };
    expect(listed.mediaType).toBe(OCI_INDEX);
    expect(
      listed.manifests.map((d) => [d.artifactType, d.annotations['org.example.kind']]),
    ).toEqual([
      ['application/vnd.example.sbom', 'sbom'],
      ['application/vnd.example.sig', 'sig'],
    ]);
    expect(listed.manifests[1]!.digest).toBe(doc.indexes[0]!.digest);
    const inspect = await runCli([
      'inspect',
      '--referrers',
      `${reg.host}/app-oci@${subject.digest}`,
    ]);
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toContain(
      `from the referrers tag ${tag} (this registry has no referrers API): 2`,
    );
    expect(inspect.stdout).toContain('application/vnd.example.sig');
  });
});

describe('referrers tag: read, extended, written back against other writers', () => {
  const subjectSpec = (host: string, repo: string, subject: string, name: string): string =>
    `image: ${host}/${repo}:${name}\nartifactType: application/vnd.example.${name}\nsubject: ${host}/${repo}@${subject}\nmanifests:\n  - image: ${host}/${repo}:arm64\n`;

  test('the referrers tag PUT fails: the index landed, the run is partial (exit 4) and says why', async () => {
    const { startFaultProxy } = await import('../helpers/fault-proxy.js');
    const proxy = await startFaultProxy(reg.url);
    try {
      const subject = set.oci['arm64']!;
      const tag = subject.digest.replace(':', '-');
      proxy.setFault((r) =>
        r.method === 'PUT' && r.url === `/v2/app-oci/manifests/${tag}`
          ? { kind: 'answer', status: 403, body: '{"errors":[{"code":"DENIED","message":"no"}]}' }
          : undefined,
      );
      const res = await runCli(['publish', '--from-spec', '-', '--output', 'json'], {
        input: subjectSpec(proxy.host, 'app-oci', subject.digest, 'denied'),
      });
      expect(res.code).toBe(4);
      const doc = JSON.parse(res.stdout) as {
        indexes: { status: string; tags: { status: string }[]; referrers: { error?: string } }[];
      };
      expect(doc.indexes[0]!.status).toBe('partial');
      expect(doc.indexes[0]!.tags[0]!.status).toBe('created');
      expect(doc.indexes[0]!.referrers.error).toMatch(/HTTP 403 DENIED/);
      expect(res.stderr).toContain(`referrers tag ${tag}`);
    } finally {
      await proxy.close();
    }
  });

  test('another writer extends the tag between our read and our write: merged again, its referrer stays', async () => {
    const { startFaultProxy } = await import('../helpers/fault-proxy.js');
    const proxy = await startFaultProxy(reg.url);
    try {
      const subject = set.docker['arm64']!;
      const repo = subject.repository;
      const tag = subject.digest.replace(':', '-');
      // Theirs: a referrer of the same subject that another tool lists in the tag.
      const theirs = {
        mediaType: set.docker['amd64']!.mediaType,
        digest: set.docker['amd64']!.digest,
        size: set.docker['amd64']!.size,
        artifactType: 'application/vnd.example.theirs',
      };
      let raced = false;
      proxy.setFault((r) =>
        r.method === 'GET' && r.url === `/v2/${repo}/manifests/${tag}` && !raced
          ? {
              kind: 'after',
              then: async () => {
                raced = true;
                // The tag does not exist yet when we read it; the other writer creates it now.
                const list = Buffer.from(
                  JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [theirs] }),
                );
                await harness.pushManifest(repo, tag, OCI_INDEX, list);
              },
            }
          : undefined,
      );
      const res = await runCli(['publish', '--from-spec', '-', '--output', 'json'], {
        input: subjectSpec(proxy.host, repo, subject.digest, 'ours'),
      });
      expect(raced).toBe(true);
      expect(res.code).toBe(0);
      const doc = JSON.parse(res.stdout) as {
        indexes: { digest: string; referrers: unknown }[];
      };
      expect(doc.indexes[0]!.referrers).toEqual({ via: 'tag', tag, added: true });
      const listed = JSON.parse((await harness.getManifest(repo, tag)).body.toString()) as {
        manifests: { digest: string; artifactType?: string }[];
      };
      expect(listed.manifests.map((m) => m.artifactType)).toEqual([
        'application/vnd.example.theirs',
        'application/vnd.example.ours',
      ]);
      expect(listed.manifests[1]!.digest).toBe(doc.indexes[0]!.digest);
    } finally {
      await proxy.close();
    }
  });
});
