/** Every file in examples/ validates, starts with the schema modeline, and every schema key has an example. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { loadSpecFile, specSchema } from '../../src/spec/index.js';

const files = readdirSync('examples').filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'));

function keysIn(value: unknown, prefix: string, out: Set<string>): void {
  if (Array.isArray(value)) value.forEach((v) => keysIn(v, `${prefix}[]`, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('x-')) continue;
      const path = prefix ? `${prefix}.${k}` : k;
      out.add(path);
      if (!path.endsWith('annotations')) keysIn(v, path, out);
    }
  }
}

function schemaKeys(): string[] {
  const schema = specSchema() as {
    properties: Record<string, unknown>;
    definitions: Record<string, { properties: Record<string, unknown> }>;
  };
  const out = Object.keys(schema.properties);
  for (const k of Object.keys(schema.definitions['entry']!.properties))
    out.push(`manifests[].${k}`);
  for (const k of Object.keys(schema.definitions['platform']!.properties))
    out.push(`manifests[].platform.${k}`);
  return out;
}

describe('examples/', () => {
  test('there are examples', () => expect(files.length).toBeGreaterThanOrEqual(10));

  test.each(files)('%s validates and starts with the $schema modeline', (file) => {
    expect(readFileSync(`examples/${file}`, 'utf8').split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../schemas/spec.schema.json',
    );
    const { specs } = loadSpecFile(`examples/${file}`, { env: {} });
    expect(specs.length).toBeGreaterThan(0);
  });

  test('every key of the schema appears in at least one example', () => {
    const used = new Set<string>();
    for (const f of files)
      for (const doc of parseAllDocuments(readFileSync(`examples/${f}`, 'utf8'), { merge: true }))
        keysIn(doc.toJS(), '', used);
    expect(schemaKeys().filter((k) => !used.has(k))).toEqual([]);
  });

  test('the schema has a description for every property', () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (!node || typeof node !== 'object') return;
      const props = (
        node as { properties?: Record<string, { description?: string; $ref?: string }> }
      ).properties;
      for (const [k, v] of Object.entries(props ?? {})) {
        if (!v.description) missing.push(`${path}.${k}`);
        walk(v, `${path}.${k}`);
      }
    };
    const schema = specSchema() as { definitions: Record<string, unknown> };
    walk(schema, '');
    for (const [name, def] of Object.entries(schema.definitions)) walk(def, name);
    expect(missing).toEqual([]);
  });
});

describe('the schemas are findable where editors look', () => {
  test("each schema's $id is the released package's file on the npm CDN, pinned by version, and the README's modeline uses it", () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      name: string;
      version: string;
    };
    const base = `https://cdn.jsdelivr.net/npm/${pkg.name}@${pkg.version}/schemas/`;
    for (const file of ['spec.schema.json', 'publish-output.schema.json']) {
      const schema = JSON.parse(readFileSync(`schemas/${file}`, 'utf8')) as { $id: string };
      expect(schema.$id).toBe(`${base}${file}`);
      // The package ships the file at that path.
      expect((pkg as unknown as { files: string[] }).files).toContain('schemas');
    }
    expect(readFileSync('README.md', 'utf8')).toContain(
      `# yaml-language-server: $schema=${base}spec.schema.json`,
    );
  });
});
