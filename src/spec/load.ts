import { readFileSync, statSync } from 'node:fs';
import { isScalar, LineCounter, parseAllDocuments, visit, type Document } from 'yaml';
import { SpecError, type SpecIssue } from '../errors.js';
import { interpolate, type Env } from './interpolate.js';

/** Spec files larger than this are refused before parsing. */
export const MAX_SPEC_BYTES = 1024 * 1024;
/** Aliases allowed per document: enough for anchors and `<<` merges, far too few for an alias bomb. */
export const MAX_ALIAS_COUNT = 100;

/** One YAML document of a spec file, with what is needed to locate its nodes. */
export interface ParsedDocument {
  file: string;
  index: number;
  doc: Document;
  lineCounter: LineCounter;
  value: unknown;
}

function issue(file: string, pos: { line: number; col: number }, message: string, path = ''): SpecIssue {
  return { file, line: pos.line, col: pos.col, path, message, severity: 'error' };
}

/** Reads a spec file, or standard input for `-`. Throws a USAGE SpecError for missing or oversized files. */
export function readSpecSource(file: string, readStdin: () => string): { name: string; text: string } {
  if (file === '-') {
    const text = readStdin();
    if (Buffer.byteLength(text) > MAX_SPEC_BYTES) throw new SpecError('USAGE', [issue('<stdin>', { line: 1, col: 1 }, `spec is larger than ${MAX_SPEC_BYTES} bytes`)]);
    return { name: '<stdin>', text };
  }
  try {
    const size = statSync(file).size;
    if (size > MAX_SPEC_BYTES) throw new SpecError('USAGE', [issue(file, { line: 1, col: 1 }, `spec is ${size} bytes, larger than the ${MAX_SPEC_BYTES}-byte limit`)]);
    return { name: file, text: readFileSync(file, 'utf8') };
  } catch (err) {
    if (err instanceof SpecError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String(err);
    throw new SpecError('USAGE', [issue(file, { line: 1, col: 1 }, `cannot read spec: ${why}`)]);
  }
}

/** Expands environment variables in every scalar value (not keys, not comments). */
function interpolateDocument(d: ParsedDocument, env: Env, issues: SpecIssue[]): void {
  visit(d.doc, {
    Pair(_key, pair) {
      if (isScalar(pair.value) && typeof pair.value.value === 'string') expand(pair.value);
    },
    Seq(_key, seq) {
      for (const item of seq.items) if (isScalar(item) && typeof item.value === 'string') expand(item);
    },
  });
  function expand(node: { value: unknown; range?: [number, number, number] | null }): void {
    const r = interpolate(String(node.value), env);
    if (r.ok) node.value = r.value;
    else issues.push(issue(d.file, d.lineCounter.linePos(node.range?.[0] ?? 0), r.error));
  }
}

/**
 * Parses every YAML document in `text`. Scalars keep their source text (the failsafe schema:
 * `3.10` stays "3.10", `386` stays "386"); `<<` merge keys work; custom tags, duplicate keys
 * and alias bombs are errors. Returns the documents and every issue found.
 */
export function parseSpecText(name: string, text: string, env: Env): { documents: ParsedDocument[]; issues: SpecIssue[] } {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { schema: 'failsafe', merge: true, lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const issues: SpecIssue[] = [];
  const documents: ParsedDocument[] = [];
  const list = Array.isArray(docs) ? docs : [];
  list.forEach((doc, index) => {
    const before = issues.length;
    for (const e of [...doc.errors, ...doc.warnings]) {
      const pos = lineCounter.linePos(e.pos[0]);
      const message = e.code === 'TAG_RESOLVE_FAILED' ? `${e.message.replace(/^Unresolved tag: tag:yaml.org,2002:/, 'custom tag !!')} is not allowed in a spec` : e.message.split('\n')[0]!;
      issues.push(issue(name, pos, `YAML: ${message}`));
    }
    // An empty document, e.g. after a trailing '---' (the failsafe schema reads it as an empty string).
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === '' && !doc.contents.source)) return;
    const d: ParsedDocument = { file: name, index, doc, lineCounter, value: undefined };
    interpolateDocument(d, env, issues);
    if (issues.length > before) return;
    try {
      d.value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      issues.push(issue(name, lineCounter.linePos(0), `YAML: ${(err as Error).message}`));
      return;
    }
    documents.push(d);
  });
  if (documents.length === 0 && issues.length === 0) issues.push(issue(name, { line: 1, col: 1 }, 'the spec is empty: expected a mapping with "image" and "manifests"'));
  return { documents, issues };
}
