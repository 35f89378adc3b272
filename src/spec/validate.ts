import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as AjvModule from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { AJV_OPTIONS } from './ajv-options.js';
import { packageRoot } from '../package-info.js';
import { formatPath, type PathSegment } from './locate.js';
import { suggestKey } from './suggest.js';

/** A schema violation with its key path (segments) and a readable message. */
export interface SchemaProblem {
  path: PathSegment[];
  /** True when the problem is about the key itself (an unknown key), not its value. */
  atKey: boolean;
  message: string;
  unknownKey?: string;
}

let compiled: { validate: ValidateFunction; schema: Record<string, unknown> } | undefined;

/** The spec JSON Schema (schemas/spec.schema.json), read once. */
export function specSchema(): Record<string, unknown> {
  return compiler().schema;
}

const precompiled = new URL('./compiled-validator.cjs', import.meta.url);

function compiler(): { validate: ValidateFunction; schema: Record<string, unknown> } {
  if (compiled) return compiled;
  const schema = JSON.parse(
    readFileSync(join(packageRoot(), 'schemas', 'spec.schema.json'), 'utf8'),
  ) as Record<string, unknown>;
  // The build compiles the schema ahead of time (scripts/compile-schema.ts); from src/ it is compiled here.
  if (existsSync(precompiled)) {
    const mod = createRequire(import.meta.url)(precompiled.pathname) as {
      default?: ValidateFunction;
    } & ValidateFunction;
    compiled = { validate: mod.default ?? mod, schema };
  } else {
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof AjvModule;
    compiled = { validate: new Ajv(AJV_OPTIONS).compile(schema), schema };
  }
  return compiled;
}

function pointerToPath(pointer: string, data: unknown): PathSegment[] {
  if (!pointer) return [];
  const out: PathSegment[] = [];
  let cur: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const isIndex = Array.isArray(cur) && /^\d+$/.test(seg);
    out.push(isIndex ? Number(seg) : seg);
    cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
  }
  return out;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'object') return 'a mapping';
  return `"${String(value)}"`;
}

function contextOf(path: PathSegment[]): { context: string; allowed: string[] } {
  const props = (def: string): string[] =>
    Object.keys(
      (compiler().schema['definitions'] as Record<string, { properties: object }>)[def]!.properties,
    );
  const last = path[path.length - 1];
  if (path.length === 0)
    return { context: 'root', allowed: Object.keys(compiler().schema['properties'] as object) };
  if (last === 'platform') return { context: 'platform', allowed: props('platform') };
  if (typeof last === 'number') return { context: 'entry', allowed: props('entry') };
  return { context: 'other', allowed: [] };
}

function toProblem(err: ErrorObject, data: unknown): SchemaProblem {
  const path = pointerToPath(err.instancePath, data);
  const value = path.reduce<unknown>(
    (v, s) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[String(s)] : undefined),
    data,
  );
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'additionalProperties': {
      const key = String(p['additionalProperty']);
      const { context, allowed } = contextOf(path);
      const hint = suggestKey(key, allowed, context);
      const expected = allowed.length ? `; expected one of: ${allowed.join(', ')}` : '';
      return {
        path: [...path, key],
        atKey: true,
        unknownKey: key,
        message: `unknown key "${key}"${hint ? `, ${hint}` : expected}`,
      };
    }
    case 'required':
      return {
        path,
        atKey: false,
        message: `missing required key "${String(p['missingProperty'])}"`,
      };
    case 'dependencies':
      return {
        path,
        atKey: false,
        message: `missing required key "${String(p['missingProperty'])}": "${String(p['property'])}" and "${String(p['missingProperty'])}" go together (give neither to take both from the image config)`,
      };
    case 'type':
      return {
        path,
        atKey: false,
        message: `must be ${p['type'] === 'boolean' ? 'true or false' : `a ${p['type'] === 'object' ? 'mapping' : p['type'] === 'array' ? 'list' : String(p['type'])}`}, found ${describe(value)}`,
      };
    case 'enum':
      return {
        path,
        atKey: false,
        message: `must be one of ${(p['allowedValues'] as unknown[]).join(', ')}, found ${describe(value)}`,
      };
    case 'minItems':
      return {
        path,
        atKey: false,
        message: `must list at least ${String(p['limit'])} entr${p['limit'] === 1 ? 'y' : 'ies'}, found none`,
      };
    case 'minLength':
      return { path, atKey: false, message: 'must not be empty' };
    case 'pattern':
      return {
        path,
        atKey: false,
        message: `${describe(value)} is not a valid value (expected a media type such as application/vnd.example+json)`,
      };
    default:
      return { path, atKey: false, message: err.message ?? 'is invalid' };
  }
}

/** Validates one spec document against the schema and returns every problem (empty when valid). */
export function validateAgainstSchema(data: unknown): SchemaProblem[] {
  const { validate } = compiler();
  if (validate(data)) return [];
  const problems = (validate.errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .map((e) => toProblem(e, data));
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${formatPath(p.path)}|${p.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
