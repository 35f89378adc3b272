import { describe, expect, test } from '@jest/globals';
import {
  buildIndex,
  MEDIA_TYPE_DOCKER_LIST,
  MEDIA_TYPE_DOCKER_MANIFEST,
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_OCI_MANIFEST,
  sha256Digest,
  type Descriptor,
} from '../../src/oci/index.js';
import { buildPlan, chooseFormat, MAX_INDEX_BYTES } from '../../src/publish/index.js';
import { loadSpecText, type Spec } from '../../src/spec/index.js';

const d = (n: number, mediaType: string, platform?: Descriptor['platform']): Descriptor => ({
  mediaType,
  digest: `sha256:${String(n).padStart(64, '0')}`,
  size: 100 + n,
  ...(platform ? { platform } : {}),
});
const entry = (
  desc: Descriptor,
  extra: Partial<{
    kind: 'image' | 'index' | 'attestation';
    sourceRepo: string;
    specAnnotations: boolean;
  }> = {},
) => ({
  descriptor: desc,
  sourceHost: 'reg.example.com',
  sourceRepo: 'a/b',
  from: { path: 'manifests[0]', source: 'x' },
  kind: 'image' as const,
  ...extra,
});
const spec = (extra = ''): Spec =>
  loadSpecText(
    's.yml',
    `image: reg.example.com/a/b:1\ntags: [x, "1"]\n${extra}manifests:\n  - image: reg.example.com/a/b:c\n`,
    { env: {} },
  ).specs[0]!;
const amd = { os: 'linux', architecture: 'amd64' };
const arm = { os: 'linux', architecture: 'arm64', variant: 'v8' };

describe('chooseFormat (mediaType: auto)', () => {
  test.each([
    [
      'all Docker children → Docker list',
      [entry(d(1, MEDIA_TYPE_DOCKER_MANIFEST, amd))],
      '',
      'docker',
    ],
    ['all OCI → OCI', [entry(d(1, MEDIA_TYPE_OCI_MANIFEST, amd))], '', 'oci'],
    [
      'mixed → OCI',
      [entry(d(1, MEDIA_TYPE_DOCKER_MANIFEST, amd)), entry(d(2, MEDIA_TYPE_OCI_MANIFEST, arm))],
      '',
      'oci',
    ],
    [
      'Docker children but index annotations → OCI',
      [entry(d(1, MEDIA_TYPE_DOCKER_MANIFEST, amd))],
      'annotations: {a: b}\n',
      'oci',
    ],
    [
      'explicit docker wins',
      [entry(d(1, MEDIA_TYPE_OCI_MANIFEST, amd))],
      'mediaType: docker\n',
      'docker',
    ],
  ])('%s', (_n, entries, extra, expected) => {
    expect(chooseFormat(spec(extra), entries)).toBe(expected);
  });
});

describe('buildPlan', () => {
  test('the digest is the sha256 of exactly the bytes to push; tags target first; copies are the foreign children', () => {
    const plan = buildPlan(spec(), {
      entries: [
        entry(d(1, MEDIA_TYPE_OCI_MANIFEST, amd)),
        entry(d(2, MEDIA_TYPE_OCI_MANIFEST, arm), { sourceRepo: 'other/repo' }),
      ],
    });
    expect(plan.index.digest).toBe(sha256Digest(plan.index.bytes));
    expect(plan.index.size).toBe(plan.index.bytes.length);
    expect(plan.tags).toEqual(['1', 'x']);
    expect(plan.copies.map((c) => c.sourceRepo)).toEqual(['other/repo']);
    expect(
      JSON.parse(plan.index.bytes.toString()).manifests.map((m: Descriptor) => m.digest),
    ).toEqual([d(1, '').digest, d(2, '').digest]);
  });

  test('duplicate platforms (arm64 without variant = arm64/v8) are refused, naming both entries', () => {
    const a = entry(d(1, MEDIA_TYPE_OCI_MANIFEST, { os: 'linux', architecture: 'arm64' }));
    const b = {
      ...entry(d(2, MEDIA_TYPE_OCI_MANIFEST, arm)),
      from: { path: 'manifests[3]', source: 'y' },
    };
    expect(() => buildPlan(spec(), { entries: [a, b] })).toThrow(
      'duplicate platform linux/arm64/v8: manifests[0] (x) and manifests[3] (y)',
    );
  });

  test('a Docker list takes attestations from a child index (with a warning, as manifest-tool), never platform-less entries or spec annotations', () => {
    const att = entry(d(2, MEDIA_TYPE_OCI_MANIFEST, { os: 'unknown', architecture: 'unknown' }), {
      kind: 'attestation',
    });
    const plan = buildPlan(spec('mediaType: docker\n'), {
      entries: [att, entry(d(1, MEDIA_TYPE_DOCKER_MANIFEST, amd))],
    });
    expect(plan.index.mediaType).toBe(MEDIA_TYPE_DOCKER_LIST);
    expect(plan.entries.map((e) => e.kind)).toEqual(['image', 'attestation']);
    expect(plan.warnings.join('\n')).toMatch(/attestations/);
    expect(() =>
      buildPlan(spec('mediaType: docker\n'), { entries: [entry(d(1, MEDIA_TYPE_DOCKER_LIST))] }),
    ).toThrow(/no platform/);
    const annotated = entry(
      { ...d(3, MEDIA_TYPE_DOCKER_MANIFEST, amd), annotations: { k: 'v' } },
      { specAnnotations: true },
    );
    expect(() => buildPlan(spec('mediaType: docker\n'), { entries: [annotated] })).toThrow(
      /annotations/,
    );
  });

  test('an index over 4 MiB is refused before any push', () => {
    const many = Array.from({ length: 20000 }, (_, i) =>
      entry(d(i, MEDIA_TYPE_OCI_MANIFEST, { os: 'linux', architecture: `a${i}` })),
    );
    expect(() => buildPlan(spec(), { entries: many })).toThrow(
      new RegExp(`over the ${MAX_INDEX_BYTES}-byte limit`),
    );
  });
});

describe('buildIndex', () => {
  test('OCI index: mediaType, artifactType, subject, annotations; platform fields in spec order', () => {
    const built = buildIndex({
      format: 'oci',
      manifests: [
        {
          ...d(1, MEDIA_TYPE_OCI_MANIFEST),
          platform: { variant: 'v8', os: 'linux', architecture: 'arm64' } as never,
          annotations: { k: 'v' },
        },
      ],
      annotations: { a: 'b' },
      artifactType: 'application/x.t',
      subject: d(9, MEDIA_TYPE_OCI_MANIFEST),
    });
    const json = JSON.parse(built.bytes.toString());
    expect(Object.keys(json)).toEqual([
      'schemaVersion',
      'mediaType',
      'artifactType',
      'manifests',
      'subject',
      'annotations',
    ]);
    expect(json.mediaType).toBe(MEDIA_TYPE_OCI_INDEX);
    expect(Object.keys(json.manifests[0].platform)).toEqual(['architecture', 'os', 'variant']);
  });

  test('Docker list: entry annotations as docker/distribution writes them (sorted), no index annotations; Go layout', () => {
    const built = buildIndex({
      format: 'docker',
      manifests: [{ ...d(1, MEDIA_TYPE_DOCKER_MANIFEST, amd), annotations: { z: '<&>', a: 'v' } }],
      annotations: { a: 'b' },
    });
    const text = built.bytes.toString();
    expect(JSON.parse(text).mediaType).toBe(MEDIA_TYPE_DOCKER_LIST);
    expect(JSON.parse(text).annotations).toBeUndefined();
    expect(Object.keys(JSON.parse(text).manifests[0])).toEqual([
      'mediaType',
      'size',
      'digest',
      'annotations',
      'platform',
    ]);
    expect(text).toContain(
      '"annotations": {\n        "a": "v",\n        "z": "\\u003c\\u0026\\u003e"\n      }',
    );
    expect(text.endsWith('}')).toBe(true);
  });
});

describe('image config platform (§F31)', () => {
  test('a config without os/architecture is an error naming the child; variant, os.version and os.features are read', async () => {
    const { platformFromConfig } = await import('../../src/oci/index.js');
    expect(() => platformFromConfig(Buffer.from('{"config":{}}'), 'manifests[1] (x)')).toThrow(
      'manifests[1] (x): the image config has no os/architecture',
    );
    expect(
      platformFromConfig(
        Buffer.from(
          '{"os":"windows","architecture":"amd64","os.version":"10.0.1","os.features":["win32k"],"variant":""}',
        ),
        'w',
      ),
    ).toEqual({
      os: 'windows',
      architecture: 'amd64',
      'os.version': '10.0.1',
      'os.features': ['win32k'],
    });
  });
});
