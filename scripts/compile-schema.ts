/**
 * Build step: compiles schemas/spec.schema.json into a standalone validator
 * (dist/src/spec/compiled-validator.cjs) so the CLI neither loads ajv's compiler nor compiles
 * the schema at start-up. src/spec/validate.ts falls back to compiling at run time when the
 * file is missing (tests run from src/).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { AJV_OPTIONS } from '../src/spec/ajv-options.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const schema = JSON.parse(
  readFileSync(join(root, 'schemas', 'spec.schema.json'), 'utf8'),
) as Record<string, unknown>;
const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
const validate = ajv.compile(schema);
const out = join(here, '..', 'src', 'spec', 'compiled-validator.cjs');
writeFileSync(
  out,
  `// Generated from schemas/spec.schema.json by scripts/compile-schema.ts. Do not edit.\n${standaloneCode.default(ajv, validate)}`,
);
