/**
 * Every rule, each with an invalid fixture: the exact key path and line of every issue.
 * An issue is written `line path` (or `line path ~ text` to also match part of the message).
 */
import { describe, expect, test } from '@jest/globals';
import { SpecError } from '../../src/errors.js';
import { loadSpecFile } from '../../src/spec/index.js';

const dir = 'test/fixtures/specs/invalid';

const CASES: [file: string, expected: string[]][] = [
  [
    'unknown-keys.yml',
    [
      '4 manifests[0].platfrom ~ did you mean "platform"',
      '9 manifests[1].platform.Architecture ~ did you mean "architecture"',
      '12 manifests[1].platform.os_version ~ did you mean "os.version"',
      '15 manifests[2].platform.arch ~ did you mean "architecture"',
      '17 manifests[2].platform.version ~ manifest-tool ignored "version"',
      '15 manifests[2].platform ~ missing required key "architecture"',
    ],
  ],
  [
    'missing-required.yml',
    [
      '1  ~ missing required key "image"',
      '3 manifests[0] ~ missing required key "image"',
      '4 manifests[0].platform ~ missing required key "architecture"',
    ],
  ],
  [
    'wrong-types.yml',
    [
      '2 tags ~ must be a list',
      '3 mediaType ~ must be one of oci, docker, auto',
      '6 manifests[0].optional ~ must be true or false',
      '7 manifests[0].platform ~ must be a mapping',
    ],
  ],
  ['empty-manifests.yml', ['2 manifests ~ at least 1']],
  ['verify-value.yml', ['2 verify ~ must be one of config, binaries']],
  [
    'rewrite-config.yml',
    [
      '4 manifests[0].rewriteConfig ~ needs the platform to write',
      '6 manifests[1].rewriteConfig ~ rewriteConfig and overridePlatform are both set',
      '10 manifests[2].rewriteConfig ~ verify: config cannot be set with it',
    ],
  ],
  [
    'bad-refs.yml',
    [
      '1 image ~ lowercase',
      '3 tags[0] ~ not a valid tag',
      '4 tags[1] ~ not a valid tag',
      '6 manifests[0].image ~ 64 lowercase hex',
    ],
  ],
  ['target-digest.yml', ['1 image ~ names a digest']],
  [
    'duplicate-platform.yml',
    ['8 manifests[2].platform ~ manifests[0] (reg.example.com/a/b:amd64) and manifests[2]'],
  ],
  [
    'non-canonical.yml',
    [
      '4 manifests[0].platform.architecture ~ architecture: arm64?',
      '6 manifests[1].platform.architecture ~ architecture: amd64?',
      '8 manifests[2].platform.architecture ~ architecture: arm with variant: v7',
      '10 manifests[3].platform.architecture ~ architecture: arm64 with variant: v8',
      '12 manifests[4].platform.architecture ~ arm with variant: v7',
      '12 manifests[4].platform.os ~ did you mean "linux"',
    ],
  ],
  [
    'bad-variants.yml',
    [
      '4 manifests[0].platform.variant ~ v1, v2, v3 or v4',
      '6 manifests[1].platform.variant ~ v5, v6, v7 or v8',
      '8 manifests[2].platform.variant ~ v8, v8.x, v9',
      '10 manifests[3].platform.variant ~ power8',
      '12 manifests[4].platform.variant ~ rva20u64',
      '14 manifests[5].platform.variant ~ s390x has no variants',
    ],
  ],
  [
    'docker-with-oci-fields.yml',
    [
      '3 annotations ~ OCI-only',
      '5 artifactType ~ OCI-only',
      '8 manifests[0].annotations ~ OCI-only',
    ],
  ],
  ['both-osversion.yml', ['8 manifests[0].platform.osversion ~ both "osversion" and "os.version"']],
  ['unset-variable.yml', ['3  ~ MANIFOLD_TEST_SURELY_UNSET is not set']],
  ['yaml-syntax.yml', ['4  ~ YAML:', '5  ~ YAML:']],
  ['duplicate-keys.yml', ['2  ~ YAML: Map keys must be unique']],
  ['custom-tag.yml', ['3  ~ custom tag !!js/function is not allowed']],
  [
    'proto.yml',
    [
      '2 __proto__ ~ unknown key "__proto__"',
      '6 manifests[0].constructor ~ unknown key "constructor"',
    ],
  ],
  ['subject-other-repo.yml', ["2 subject ~ must be in the target's repository"]],
  ['not-a-mapping.yml', ['1  ~ must be a mapping']],
  ['bad-second-document.yml', ['8 manifests[0].platform ~ missing required key "os"']],
];

function issuesOf(file: string): SpecError {
  try {
    loadSpecFile(`${dir}/${file}`, { env: {} });
  } catch (err) {
    if (err instanceof SpecError) return err;
    throw err;
  }
  throw new Error(`${file} was accepted`);
}

describe('invalid specs: every issue at its key path and line', () => {
  test.each(CASES)('%s', (file, expected) => {
    const err = issuesOf(file);
    const errors = err.issues.filter((i) => i.severity === 'error');
    expect(errors.map((i) => `${i.line} ${i.path}`.trimEnd()).sort()).toEqual(
      expected.map((e) => e.split(' ~ ')[0]!.trimEnd()).sort(),
    );
    for (const e of expected) {
      const [where, text] = e.split(' ~ ') as [string, string | undefined];
      const match = errors.find(
        (i) =>
          `${i.line} ${i.path}`.trimEnd() === where.trimEnd() &&
          (!text || i.message.includes(text)),
      );
      expect({
        expected: e,
        found: match ? 'yes' : errors.map((i) => `${i.line} ${i.path}: ${i.message}`),
      }).toEqual({ expected: e, found: 'yes' });
    }
    for (const i of errors) expect(i.file).toBe(`${dir}/${file}`);
  });

  test('the message of a SpecError is one `file:line:col path: message` line per issue, no stack', () => {
    const err = issuesOf('bad-variants.yml');
    const lines = err.message.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(
      `${dir}/bad-variants.yml:4:57 manifests[0].platform.variant: "v5" is not a variant of amd64; expected v1, v2, v3 or v4 (OCI image-index variant table)`,
    );
    expect(err.message).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  test('a __proto__ key cannot change any prototype', () => {
    issuesOf('proto.yml');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  test('error codes: syntax problems are SPEC_SYNTAX, the rest SPEC_INVALID', () => {
    expect(issuesOf('yaml-syntax.yml').code).toBe('SPEC_SYNTAX');
    expect(issuesOf('bad-refs.yml').code).toBe('SPEC_INVALID');
  });
});
