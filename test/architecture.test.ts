/**
 * Enforces the import direction between src/ folders (arrow = "may import"):
 *   cli → publish → {spec, registry, oci};  spec → oci;  registry → oci;
 *   every folder may import errors.ts, log.ts and package-info.ts; nothing imports cli.
 * Also: only the allow-listed npm packages are imported from src/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, test } from '@jest/globals';

const SRC = resolve('src');
const SHARED = new Set(['errors.ts', 'log.ts', 'escape.ts', 'package-info.ts']);
const ALLOWED: Record<string, string[]> = {
  cli: ['cli', 'publish', 'spec', 'registry', 'oci'],
  publish: ['publish', 'spec', 'registry', 'oci'],
  spec: ['spec', 'oci'],
  registry: ['registry', 'oci'],
  oci: ['oci'],
  '.': [],
};
const PACKAGES = new Set(['ajv', 'commander', 'got', 'http2-wrapper', 'log-update', 'p-limit', 'pino', 'yaml']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : name.endsWith('.ts') ? [full] : [];
  });
}

function folderOf(file: string): string {
  const rel = relative(SRC, file);
  return rel.includes('/') ? rel.split('/')[0]! : '.';
}

const importRe = /^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(importRe)].map((m) => (m[1] ?? m[2])!);
}

describe('architecture', () => {
  const violations: string[] = [];
  for (const file of files(SRC)) {
    const from = folderOf(file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('node:')) continue;
      if (!spec.startsWith('.')) {
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!PACKAGES.has(pkg)) violations.push(`${relative(SRC, file)} imports package ${spec}`);
        continue;
      }
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      const rel = relative(SRC, target);
      if (!rel.includes('/') && SHARED.has(rel)) continue;
      const to = folderOf(target);
      if (!(ALLOWED[from] ?? []).includes(to)) violations.push(`${relative(SRC, file)} (${from}) imports ${rel} (${to})`);
    }
  }

  test('src/ has modules in every layer the rule speaks of', () => {
    const folders = new Set(files(SRC).map(folderOf));
    for (const f of ['cli', 'oci']) expect(folders.has(f)).toBe(true);
  });

  test('no module imports against the dependency direction or outside the package allow-list', () => {
    expect(violations).toEqual([]);
  });

  test('the checker itself catches a violation', () => {
    expect(ALLOWED['oci']!.includes('registry')).toBe(false);
    expect(importsOf(join(SRC, 'cli', 'main.ts')).some((s) => s.includes('errors.js'))).toBe(true);
  });
});
