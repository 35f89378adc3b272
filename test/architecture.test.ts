/**
 * The import rules of src/ (written out in test/helpers/architecture.ts), on the TypeScript
 * compiler's import scanner, with a self-test that feeds the checker deliberate violations.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { checkArchitecture, readSources, scanImports } from './helpers/architecture.js';

const SRC = resolve('src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : /\.(ts|mts|cts)$/.test(name) ? [full] : [];
  });
}

describe('architecture of src/', () => {
  const sources = readSources(SRC, files);

  test('src/ has modules in every layer the rules speak of', () => {
    const folders = new Set([...sources.keys()].map((f) => f.split('/')[0]));
    for (const f of ['cli', 'publish', 'spec', 'registry', 'oci'])
      expect(folders.has(f)).toBe(true);
  });

  test('no import against the direction, no deep import across folders, no cycle, no package off the list', () => {
    expect(checkArchitecture(sources)).toEqual([]);
  });
});

describe('the checker itself (deliberate violations)', () => {
  const check = (files: Record<string, string>): string[] =>
    checkArchitecture(new Map(Object.entries(files)));

  test('sees every form of import', () => {
    const { specs, opaque } = scanImports(
      [
        "import './side-effect.js';",
        "import type { T } from './types.js';",
        "export { x } from './re-export.js';",
        "const m = await import('./lazy.js');",
        "const r = require('./required.js');",
        'const n = await import(name);',
        "import { createRequire } from 'node:module';",
        "const c = createRequire(import.meta.url)('./x.js');",
        'const d = createRequire(import.meta.url)(where);',
        'const req = createRequire(import.meta.url);',
      ].join('\n'),
    );
    expect(specs).toEqual(
      expect.arrayContaining([
        './side-effect.js',
        './types.js',
        './re-export.js',
        './lazy.js',
        './required.js',
        './x.js',
      ]),
    );
    // A computed createRequire target, and a createRequire kept for later (it could load anything).
    expect(opaque).toEqual([
      'import(name)',
      'createRequire(where)',
      'createRequire (not called in place)',
    ]);
  });

  test('an allowed createRequire covers that one call, not every createRequire of the file', () => {
    const v = check({
      'spec/validate.ts': [
        "import { createRequire } from 'node:module';",
        'const a = createRequire(import.meta.url)(precompiled.pathname);',
        'const b = createRequire(import.meta.url)(other);',
        "const c = createRequire(import.meta.url)('left-pad');",
      ].join('\n'),
    });
    expect(v).toEqual([
      'spec/validate.ts: createRequire(other) cannot be checked; import a literal path',
      'spec/validate.ts imports package left-pad, not on the allow-list',
    ]);
  });

  test('.mts and .cts files are checked, and their .mjs/.cjs specifiers resolved', () => {
    const v = check({
      'oci/a.mts': "import { x } from '../registry/index.js';",
      'registry/index.ts': "import { y } from './c.cjs';",
      'registry/c.cts': "import { z } from '../cli/index.js';",
    });
    expect(v).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^oci\/a\.mts \(oci\) imports registry\/index\.ts/),
        expect.stringMatching(/^registry\/c\.cts \(registry\) imports cli\/index\.ts/),
      ]),
    );
  });

  test('the transport reaching auth through a file in between is refused (transitive)', () => {
    const v = check({
      'registry/http.ts': "import { p } from './helpers.js';",
      'registry/helpers.ts': "import { a } from './auth/authenticator.js';",
      'registry/auth/authenticator.ts': 'export const a = 1;',
    });
    expect(v).toEqual([
      'registry/http.ts reaches registry/auth/authenticator.ts through registry/helpers.ts: the transport sits below auth',
    ]);
  });

  test('reports a wrong direction, a deep import, a forbidden layer, a cycle and a package off the list', () => {
    const v = check({
      'oci/a.ts': "import { x } from '../registry/index.js';",
      'registry/index.ts': "export * from './client.js';",
      'registry/client.ts': "import './proxy.js';",
      'registry/proxy.ts': "import { basic } from './auth/challenge.js';",
      'registry/auth/challenge.ts': "import type { C } from './credentials.js';",
      'registry/auth/credentials.ts': "import { h } from './challenge.js';",
      'publish/x.ts': "import { RegistryClient } from '../registry/client.js';\nimport 'left-pad';",
      'cli/y.ts': 'const m = await import(`./${name}.js`);',
    });
    expect(v).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^oci\/a\.ts \(oci\) imports registry\/index\.ts \(registry\): against the dependency direction/,
        ),
        expect.stringMatching(
          /^publish\/x\.ts imports registry\/client\.ts: from outside registry\/, import registry\/index\.ts/,
        ),
        expect.stringMatching(
          /^registry\/proxy\.ts imports registry\/auth\/challenge\.ts: the transport sits below auth/,
        ),
        expect.stringMatching(
          /^import cycle: registry\/auth\/challenge\.ts → registry\/auth\/credentials\.ts → registry\/auth\/challenge\.ts/,
        ),
        expect.stringMatching(/^publish\/x\.ts imports package left-pad/),
        expect.stringMatching(/^cli\/y\.ts: import\(`\.\/\$\{name\}\.js`\) cannot be checked/),
      ]),
    );
    expect(v).toHaveLength(6);
  });
});
