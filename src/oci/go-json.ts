/**
 * JSON text exactly as Go's `encoding/json` `MarshalIndent(v, "", "  ")` writes it, so an index
 * manifold builds is byte-identical to one built by Go tools (manifest-tool, buildx) from the
 * same data: struct fields in declaration order (the caller's key order), map keys sorted by
 * their UTF-8 bytes, `<`, `>`, `&`, U+2028 and U+2029 escaped, no final newline.
 */

/** A map in Go's sense: its keys are written sorted, whatever order they were inserted in. */
export class GoMap {
  constructor(readonly entries: Record<string, string>) {}
}

export type GoValue =
  string | number | boolean | null | GoValue[] | GoMap | { [key: string]: GoValue | undefined };

const SHORT: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** Quotes a string as Go's encoder does (HTML-safe escaping included). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    const short = SHORT[ch];
    if (short) out += short;
    else if (
      code < 0x20 ||
      ch === '<' ||
      ch === '>' ||
      ch === '&' ||
      code === 0x2028 ||
      code === 0x2029
    ) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

function write(v: GoValue, indent: string): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => `${inner}${write(x, inner)}`).join(',\n')}\n${indent}]`;
  }
  const pairs: [string, GoValue][] =
    v instanceof GoMap
      ? Object.keys(v.entries)
          .sort(byUtf8)
          .map((k) => [k, v.entries[k]!])
      : Object.entries(v).filter((e): e is [string, GoValue] => e[1] !== undefined);
  if (pairs.length === 0) return '{}';
  return `{\n${pairs.map(([k, x]) => `${inner}${goQuote(k)}: ${write(x, inner)}`).join(',\n')}\n${indent}}`;
}

/** Serialises `v` as Go's `json.MarshalIndent(v, "", "  ")`. */
export function goMarshalIndent(v: GoValue): string {
  return write(v, '');
}
