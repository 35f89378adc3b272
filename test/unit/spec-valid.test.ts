/** Specs as people really write them: every YAML style, manifest-tool's keys, source text kept. */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { SpecError } from '../../src/errors.js';
import { loadSpecFile, loadSpecText, type Spec } from '../../src/spec/index.js';

const dir = 'test/fixtures/specs/valid';
const one = (name: string, text: string, env: Record<string, string> = {}): Spec => {
  const { specs } = loadSpecText(name, text, { env });
  expect(specs).toHaveLength(1);
  return specs[0]!;
};
const platforms = (s: Spec): string[] =>
  s.manifests.map((m) =>
    m.platform
      ? [m.platform.os, m.platform.architecture, m.platform.variant].filter(Boolean).join('/')
      : '-',
  );

describe('valid specs', () => {
  test('a manifest-tool v1 spec with features and variant armv7l… is rejected only for armv7l, with a suggestion', () => {
    expect(() => loadSpecFile(`${dir}/manifest-tool-v1.yml`, { env: {} })).toThrow(
      /manifests\[3\]\.platform\.variant: "armv7l" is not a variant of arm; .*did you mean "v7"\?$/,
    );
  });

  test('quoting styles, flow collections, block scalars and comments; scalars keep their source text', () => {
    const s = one('q.yml', readFileSync(`${dir}/quoting-styles.yml`, 'utf8'));
    expect(s.tags).toEqual(['1.0', '3.10', '2.0', '007', 'latest', 'true', '1e3']);
    expect(platforms(s)).toEqual(['linux/amd64', 'linux/arm64/v8', 'linux/386']);
    expect(s.manifests[1]!.source).toBe('reg.example.com/a/b:arm64');
    expect(s.manifests[2]!.optional).toBe(false);
  });

  test('anchors and << merge keys (single and list form) work; x- keys are ignored', () => {
    const s = one('m.yml', readFileSync(`${dir}/merge-keys.yml`, 'utf8'));
    expect(platforms(s)).toEqual(['linux/arm/v6', 'linux/arm/v7']);
  });

  test('manifest-tool osversion/osfeatures and OCI os.version map to the same platform fields', () => {
    const s = one('w.yml', readFileSync(`${dir}/windows-manifest-tool.yml`, 'utf8'));
    expect(s.manifests.map((m) => m.platform)).toEqual([
      {
        architecture: 'amd64',
        os: 'windows',
        'os.version': '10.0.17763.1879',
        'os.features': ['win32k'],
      },
      { architecture: 'amd64', os: 'windows', 'os.version': '10.0.20348.2527' },
    ]);
  });

  const base =
    'image: reg.example.com/a/b:1\ntags: [3.10]\nmanifests:\n  - image: reg.example.com/a/b:amd64\n    platform:\n      architecture: amd64\n      os: linux\n';
  test.each([
    ['CRLF line ends', base.replace(/\n/g, '\r\n')],
    ['trailing spaces and tabs', base.replace(/\n/g, ' \t \n')],
    ['no final newline', base.trimEnd()],
    [
      'a tab after the colon',
      base.replace('image: reg.example.com/a/b:1', 'image:\treg.example.com/a/b:1'),
    ],
    ['a BOM and a document marker', `\ufeff---\n${base}...\n`],
    [
      'flow mapping for the whole document',
      '{image: reg.example.com/a/b:1, tags: [3.10], manifests: [{image: reg.example.com/a/b:amd64, platform: {architecture: amd64, os: linux}}]}',
    ],
  ])('%s', (_name, text) => {
    const s = one('x.yml', text);
    expect(s.tags).toEqual(['1', '3.10']);
    expect(platforms(s)).toEqual(['linux/amd64']);
  });

  test('a target without a tag means :latest, and the warning says so', () => {
    const { specs, warnings } = loadSpecText(
      't.yml',
      'image: reg.example.com/a/b\nmanifests:\n  - image: reg.example.com/a/b:amd64\n',
      { env: {} },
    );
    expect(specs[0]!.tags).toEqual(['latest']);
    expect(warnings.map((w) => `${w.line} ${w.path} ${w.severity}`)).toEqual(['1 image warning']);
    expect(warnings[0]!.message).toContain('reg.example.com/a/b:latest');
  });

  test('Docker Hub names are normalised', () => {
    const s = one('h.yml', 'image: acme/app:1\nmanifests:\n  - image: acme/app:amd64\n');
    expect(s.target).toMatchObject({
      registry: 'docker.io',
      host: 'registry-1.docker.io',
      repository: 'acme/app',
      tag: '1',
    });
  });

  test('several documents are several indexes; an empty trailing document is ignored', () => {
    const { specs } = loadSpecFile('examples/multi-document.yml', { env: {} });
    expect(specs.map((s) => s.target.repository)).toEqual(['acme/api', 'acme/worker']);
    expect(loadSpecText('e.yml', `${base}---\n`, { env: {} }).specs).toHaveLength(1);
  });

  test('environment interpolation in values, not in comments or keys; $$ is a literal $', () => {
    const text =
      '# ${NOT_EXPANDED}\nimage: ${REG}/a/b:${TAG:-dev}\nannotations: {price: "$$5", who: "$USER_NAME"}\nmanifests:\n  - image: ${REG}/a/b:${TAG:-dev}-amd64\n';
    const s = one('env.yml', text, { REG: 'reg.example.com', USER_NAME: 'ci' });
    expect(s.tags).toEqual(['dev']);
    expect(s.annotations).toEqual({ price: '$5', who: 'ci' });
    expect(s.manifests[0]!.source).toBe('reg.example.com/a/b:dev-amd64');
  });

  test('--allow-unknown-keys turns unknown keys into warnings with the same line and hint, and ignores them', () => {
    const text =
      'image: reg.example.com/a/b:1\nmanifests:\n  - image: reg.example.com/a/b:amd64\n    platform:\n      architecture: amd64\n      os: linux\n      version: "10"\n';
    expect(() => loadSpecText('u.yml', text, { env: {} })).toThrow(SpecError);
    const { specs, warnings } = loadSpecText('u.yml', text, { env: {}, allowUnknownKeys: true });
    expect(specs[0]!.manifests[0]!.platform).toEqual({ architecture: 'amd64', os: 'linux' });
    expect(warnings).toEqual([
      expect.objectContaining({
        line: 7,
        col: 7,
        path: 'manifests[0].platform.version',
        severity: 'warning',
      }),
    ]);
    expect(warnings[0]!.message).toContain('did you mean "os.version"');
  });

  test('the normalised spec is frozen', () => {
    const s = one('f.yml', base);
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.manifests[0]!.platform)).toBe(true);
  });
});

describe('hostile input', () => {
  test('an alias bomb is refused (before it is expanded)', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const text = `${lines.join('\n')}\nimage: reg.example.com/a/b:1\nmanifests: [{image: reg.example.com/a/b:1}]\n`;
    expect(() => loadSpecText('bomb.yml', text, { env: {} })).toThrow(/alias/i);
  });

  test('a file over 1 MiB is refused before parsing', () => {
    const big = `image: reg.example.com/a/b:1\n# ${'x'.repeat(1024 * 1024)}\nmanifests: [{image: reg.example.com/a/b:1}]\n`;
    expect(() => loadSpecFile('-', { env: {}, readStdin: () => big })).toThrow(/larger than/);
  });

  test('a missing file is a usage error naming it', () => {
    try {
      loadSpecFile('no/such/spec.yml', { env: {} });
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(SpecError);
      expect((err as SpecError).code).toBe('USAGE');
      expect((err as SpecError).message).toBe(
        'no/such/spec.yml:1:1 cannot read spec: no such file',
      );
    }
  });

  test('an empty file is an error, not an empty publish', () => {
    expect(() => loadSpecText('empty.yml', '# nothing\n', { env: {} })).toThrow(
      /the spec is empty/,
    );
  });
});

describe('empty values mean "not given", as manifest-tool reads them', () => {
  test.each([
    ['platform:', 'platform:\n'],
    ['platform: ~', 'platform: ~\n'],
    ['platform: null', 'platform: null\n'],
    ['platform: {}', 'platform: {}\n'],
  ])('%s: no platform, with a warning at the key', async (_name, line) => {
    const { loadSpecText } = await import('../../src/spec/index.js');
    const r = loadSpecText(
      's.yml',
      `image: reg.example.com/a/b:1\nannotations: {keep: ""}\ntags:\nmanifests:\n  - image: reg.example.com/a/b:c\n    ${line}`,
      { env: {} },
    );
    expect(r.specs[0]!.manifests[0]!.platform).toBeUndefined();
    expect(r.specs[0]!.tags).toEqual(['1']);
    expect(r.specs[0]!.annotations).toEqual({ keep: '' });
    expect(r.warnings.map((w) => `${w.line} ${w.path}`)).toEqual([
      '3 tags',
      '6 manifests[0].platform',
    ]);
  });

  test('a platform without os/architecture keeps its other keys as a hint; one without the other is an error', async () => {
    const { loadSpecText } = await import('../../src/spec/index.js');
    const ok = loadSpecText(
      's.yml',
      'image: reg.example.com/a/b:1\nmanifests:\n  - image: reg.example.com/a/b:c\n    platform: {variant: "", osversion: 10.0.1}\n',
      { env: {} },
    );
    expect(ok.specs[0]!.manifests[0]!.platformHint).toEqual({ 'os.version': '10.0.1' });
    expect(ok.warnings.map((w) => w.path)).toEqual([
      'manifests[0].platform.variant',
      'manifests[0].platform',
    ]);
    expect(() =>
      loadSpecText(
        's.yml',
        'image: reg.example.com/a/b:1\nmanifests:\n  - image: reg.example.com/a/b:c\n    platform: {os: linux}\n',
        { env: {} },
      ),
    ).toThrow(/"os" and "architecture" go together/);
  });
});

describe('children on other registries', () => {
  test('are accepted (publish copies them, and says how much)', () => {
    const r = loadSpecFile('test/fixtures/specs/valid/cross-registry.yml', { env: {} });
    expect(r.specs[0]!.manifests.map((m) => m.ref.registry)).toEqual([
      'reg.example.com',
      'ghcr.io',
      'docker.io',
    ]);
    expect(r.warnings).toEqual([]);
  });
});
