/**
 * The build compiles the schema ahead of time (dist/src/spec/compiled-validator.cjs). It must
 * agree with the schema compiled at run time on every fixture: a drift test.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { AJV_OPTIONS } from '../../src/spec/ajv-options.js';

const compiledPath = resolve('dist/src/spec/compiled-validator.cjs');

describe('build-time validator', () => {
  test('exists after the build', () => expect(existsSync(compiledPath)).toBe(true));

  test('agrees with the run-time compiled schema on every fixture and example', () => {
    const compiled = createRequire(import.meta.url)(compiledPath) as ValidateFunction;
    const runtime = new Ajv(AJV_OPTIONS).compile(
      JSON.parse(readFileSync('schemas/spec.schema.json', 'utf8')) as object,
    );
    const files = [
      ...readdirSync('examples').map((f) => `examples/${f}`),
      ...['valid', 'invalid'].flatMap((d) =>
        readdirSync(`test/fixtures/specs/${d}`).map((f) => `test/fixtures/specs/${d}/${f}`),
      ),
    ];
    let invalid = 0;
    for (const file of files) {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8'), {
        schema: 'failsafe',
        merge: true,
      })) {
        let value: unknown;
        try {
          value = doc.toJS({ maxAliasCount: 100 });
        } catch {
          continue;
        }
        const a = structuredClone(value);
        const b = structuredClone(value);
        const okA = compiled(a);
        const okB = runtime(b);
        expect({ file, ok: okA, errors: compiled.errors ?? null }).toEqual({
          file,
          ok: okB,
          errors: runtime.errors ?? null,
        });
        if (!okA) invalid++;
      }
    }
    expect(invalid).toBeGreaterThan(5);
  });
});
