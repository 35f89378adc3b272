/**
 * Loading a spec: read → YAML (source text kept) → interpolation → JSON Schema → rules → Spec.
 * Every problem in every document is collected and reported at once.
 */
import { SpecError, type SpecIssue } from '../errors.js';
import type { Env } from './interpolate.js';
import { parseSpecText, readSpecSource, type ParsedDocument } from './load.js';
import { formatPath, locate, type PathSegment } from './locate.js';
import { normalizeSpec } from './normalize.js';
import { RULES, type Report, type RuleContext } from './rules.js';
import type { RawSpec, Spec } from './types.js';
import { validateAgainstSchema } from './validate.js';

export type { Spec, SpecEntry, IndexFormat, RawSpec, VerifyMode } from './types.js';
export { specSchema } from './validate.js';
export { interpolate } from './interpolate.js';
export { MAX_SPEC_BYTES } from './load.js';

export interface LoadOptions {
  env: Env;
  /** Unknown keys become warnings and are ignored, as manifest-tool ignores them. */
  allowUnknownKeys?: boolean;
  readStdin?: () => string;
}

export interface LoadResult {
  specs: Spec[];
  warnings: SpecIssue[];
}

function removeKey(data: unknown, path: PathSegment[]): void {
  let cur: unknown = data;
  for (const seg of path.slice(0, -1)) cur = (cur as Record<string, unknown>)?.[String(seg)];
  if (cur && typeof cur === 'object')
    delete (cur as Record<string, unknown>)[String(path[path.length - 1])];
}

function stripExtensions(value: unknown): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const k of Object.keys(value))
      if (k.startsWith('x-')) delete (value as Record<string, unknown>)[k];
  }
}

function checkDocument(
  d: ParsedDocument,
  options: LoadOptions,
  issues: SpecIssue[],
): Spec | undefined {
  const at: Report = (path, message, o = {}) => {
    const pos = locate(d.doc, d.lineCounter, path, { key: o.atKey });
    issues.push({
      file: d.file,
      line: pos.line,
      col: pos.col,
      path: formatPath(path),
      message,
      severity: o.warning ? 'warning' : 'error',
      ...(o.settledByPublish ? { settledByPublish: true } : {}),
    });
  };
  let problems = validateAgainstSchema(d.value);
  if (options.allowUnknownKeys) {
    for (const p of problems.filter((x) => x.unknownKey !== undefined)) {
      at(p.path, `${p.message} Ignored (--allow-unknown-keys).`, { atKey: true, warning: true });
      removeKey(d.value, p.path);
    }
    problems = validateAgainstSchema(d.value);
  }
  for (const p of problems) at(p.path, p.message, { atKey: p.atKey });
  // Unknown keys leave the rest of the document well-formed: check it too, so every problem shows at once.
  if (problems.some((p) => p.unknownKey === undefined)) return undefined;
  for (const p of problems) removeKey(d.value, p.path);
  stripExtensions(d.value);
  const raw = d.value as RawSpec;
  const before = issues.filter((i) => i.severity === 'error').length;
  const ctx: RuleContext = { spec: raw, report: at, refs: new Map() };
  for (const rule of RULES) rule(ctx);
  if (problems.length > 0 || issues.filter((i) => i.severity === 'error').length > before)
    return undefined;
  return normalizeSpec(raw, {
    file: d.file,
    document: d.index,
    refs: ctx.refs,
    lineOf: (i) => locate(d.doc, d.lineCounter, ['manifests', i]).line,
  });
}

/** Loads and checks spec text. Throws a SpecError carrying every error; returns warnings otherwise. */
export function loadSpecText(name: string, text: string, options: LoadOptions): LoadResult {
  const { documents, issues } = parseSpecText(name, text, options.env);
  const specs: Spec[] = [];
  for (const d of documents) {
    const spec = checkDocument(d, options, issues);
    if (spec) specs.push(spec);
  }
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    const syntax = errors.every((e) => e.syntax === true);
    throw new SpecError(
      syntax ? 'SPEC_SYNTAX' : 'SPEC_INVALID',
      issues.sort((a, b) => a.line - b.line || a.col - b.col),
    );
  }
  return { specs, warnings: issues };
}

/** Loads and checks a spec file (`-` reads standard input). */
export function loadSpecFile(file: string, options: LoadOptions): LoadResult {
  const source = readSpecSource(file, options.readStdin ?? (() => ''));
  return loadSpecText(source.name, source.text, options);
}
