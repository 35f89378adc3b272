import { readFileSync, statSync } from 'node:fs';
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  visit,
  type Document,
  type Scalar,
} from 'yaml';
import { SpecError, type SpecIssue } from '../errors.js';
import { interpolate, type Env } from './interpolate.js';
import { formatPath, type PathSegment } from './locate.js';

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

function issue(
  file: string,
  pos: { line: number; col: number },
  message: string,
  path = '',
): SpecIssue {
  return { file, line: pos.line, col: pos.col, path, message, severity: 'error' };
}

/** Reads a spec file, or standard input for `-`. Throws a USAGE SpecError for missing or oversized files. */
export function readSpecSource(
  file: string,
  readStdin: () => string,
): { name: string; text: string } {
  if (file === '-') {
    const text = readStdin();
    if (Buffer.byteLength(text) > MAX_SPEC_BYTES)
      throw new SpecError('USAGE', [
        issue('<stdin>', { line: 1, col: 1 }, `spec is larger than ${MAX_SPEC_BYTES} bytes`),
      ]);
    return { name: '<stdin>', text };
  }
  try {
    const size = statSync(file).size;
    if (size > MAX_SPEC_BYTES)
      throw new SpecError('USAGE', [
        issue(
          file,
          { line: 1, col: 1 },
          `spec is ${size} bytes, larger than the ${MAX_SPEC_BYTES}-byte limit`,
        ),
      ]);
    return { name: file, text: readFileSync(file, 'utf8') };
  } catch (err) {
    if (err instanceof SpecError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : String(err);
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
      for (const item of seq.items)
        if (isScalar(item) && typeof item.value === 'string') expand(item);
    },
  });
  function expand(node: { value: unknown; range?: [number, number, number] | null }): void {
    const r = interpolate(String(node.value), env);
    if (r.ok) node.value = r.value;
    else issues.push(issue(d.file, d.lineCounter.linePos(node.range?.[0] ?? 0), r.error));
  }
}

/** Plain scalars YAML 1.2's core schema reads as null (manifest-tool's YAML library does). */
const NULL_WORDS = new Set(['', '~', 'null', 'Null', 'NULL']);

/** Key path of a pair from the visitor's ancestry, and whether it lies inside an annotations map. */
function pairPath(
  key: string,
  ancestry: readonly unknown[],
): { path: PathSegment[]; inAnnotations: boolean } {
  const path: PathSegment[] = [];
  let inAnnotations = false;
  ancestry.forEach((node, i) => {
    if (isPair(node) && isScalar(node.key)) {
      path.push(String(node.key.value));
      if (node.key.value === 'annotations') inAnnotations = true;
    } else if (isSeq(node)) path.push(node.items.indexOf(ancestry[i + 1] as never));
  });
  path.push(key);
  return { path, inAnnotations };
}

/**
 * A key with an empty value (YAML null: nothing, `~`, `null`; or an empty string) means "not
 * given", as it does for manifest-tool: the pair is removed with a warning. Values inside
 * `annotations` are left alone (an empty annotation value is a value).
 */
function dropEmptyValues(d: ParsedDocument, issues: SpecIssue[]): void {
  visit(d.doc, {
    Pair(_key, pair, ancestry) {
      if (!isScalar(pair.key)) return undefined;
      const key = String(pair.key.value);
      const v = pair.value;
      const empty =
        v === null ||
        (isScalar(v) &&
          typeof v.value === 'string' &&
          (v.value === '' || (v.type === 'PLAIN' && NULL_WORDS.has(v.value)))) ||
        (key === 'platform' && isMap(v) && v.items.length === 0);
      if (!empty) return undefined;
      const where = pairPath(key, ancestry);
      if (where.inAnnotations) return undefined;
      const what =
        key === 'platform' ? 'the platform is taken from the image config' : 'the key is ignored';
      const pos = d.lineCounter.linePos((pair.key as Scalar).range?.[0] ?? 0);
      issues.push({
        ...issue(
          d.file,
          pos,
          `empty value (YAML null or ""): taken as not given, ${what}`,
          formatPath(where.path),
        ),
        severity: 'warning',
      });
      return visit.REMOVE;
    },
  });
}

/**
 * Parses every YAML document in `text`. Scalars keep their source text (the failsafe schema:
 * `3.10` stays "3.10", `386` stays "386"); `<<` merge keys work; custom tags, duplicate keys
 * and alias bombs are errors. Returns the documents and every issue found.
 */
export function parseSpecText(
  name: string,
  text: string,
  env: Env,
): { documents: ParsedDocument[]; issues: SpecIssue[] } {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    schema: 'failsafe',
    merge: true,
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
  });
  const issues: SpecIssue[] = [];
  const documents: ParsedDocument[] = [];
  const list = Array.isArray(docs) ? docs : [];
  list.forEach((doc, index) => {
    const errorCount = (): number => issues.filter((i) => i.severity === 'error').length;
    const before = errorCount();
    for (const e of [...doc.errors, ...doc.warnings]) {
      const pos = lineCounter.linePos(e.pos[0]);
      const message =
        e.code === 'TAG_RESOLVE_FAILED'
          ? `${e.message.replace(/^Unresolved tag: tag:yaml.org,2002:/, 'custom tag !!')} is not allowed in a spec`
          : e.message.split('\n')[0]!;
      issues.push({ ...issue(name, pos, `YAML: ${message}`), syntax: true });
    }
    // An empty document, e.g. after a trailing '---' (the failsafe schema reads it as an empty string).
    if (
      doc.contents === null ||
      (isScalar(doc.contents) && doc.contents.value === '' && !doc.contents.source)
    )
      return;
    const d: ParsedDocument = { file: name, index, doc, lineCounter, value: undefined };
    interpolateDocument(d, env, issues);
    if (errorCount() > before) return;
    dropEmptyValues(d, issues);
    try {
      d.value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      issues.push(issue(name, lineCounter.linePos(0), `YAML: ${(err as Error).message}`));
      return;
    }
    documents.push(d);
  });
  if (documents.length === 0 && issues.length === 0)
    issues.push(
      issue(
        name,
        { line: 1, col: 1 },
        'the spec is empty: expected a mapping with "image" and "manifests"',
      ),
    );
  return { documents, issues };
}
