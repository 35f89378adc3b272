import {
  isMap,
  isScalar,
  isSeq,
  isAlias,
  type Document,
  type LineCounter,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';

export type PathSegment = string | number;

/** Formats a key path as users read it: `manifests[1].platform["os.version"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function resolve(node: unknown, doc: Document): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/** Finds the pair for `key` in a map, looking through `<<` merge keys as YAML merges do. */
function findPair(map: YAMLMap, key: string, doc: Document, depth = 0): Pair | undefined {
  if (depth > 10) return undefined;
  for (const pair of map.items) {
    if (isScalar(pair.key) && String(pair.key.value) === key) return pair;
  }
  for (const pair of map.items) {
    if (!isScalar(pair.key) || pair.key.value !== '<<') continue;
    const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const src of sources) {
      const m = resolve(src, doc);
      if (isMap(m)) {
        const found = findPair(m, key, doc, depth + 1);
        if (found) return found;
      }
    }
  }
  return undefined;
}

/**
 * Finds the source position (1-based line and column) of the node at `path`, or of its nearest
 * ancestor that exists. With `key: true` the position of the last key itself is returned.
 */
export function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PathSegment[],
  options: { key?: boolean } = {},
): { line: number; col: number } {
  let node: unknown = doc.contents;
  let range: [number, number, number] | null | undefined = (doc.contents as Node | null)?.range;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    node = resolve(node, doc);
    let next: unknown;
    let keyNode: unknown;
    if (isMap(node) && typeof seg === 'string') {
      const pair = findPair(node, seg, doc);
      next = pair?.value;
      keyNode = pair?.key;
    } else if (isSeq(node) && typeof seg === 'number') {
      next = node.items[seg];
    }
    const isLast = i === path.length - 1;
    const useKey = isLast && options.key && keyNode;
    const target = (useKey ? keyNode : next) as Node | undefined;
    if (!target?.range) {
      if (keyNode && (keyNode as Node).range) range = (keyNode as Node).range;
      break;
    }
    range = target.range;
    node = next;
  }
  return range ? lineCounter.linePos(range[0]) : { line: 1, col: 1 };
}
