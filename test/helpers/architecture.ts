/**
 * The import rules of src/, checked on the TypeScript compiler's own import scanner
 * (`ts.preProcessFile`): static, side-effect and type imports, `export … from`, `import()` and
 * `require()` of literals, and `createRequire(…)(literal)` (checked like an import). What it
 * cannot follow is refused outright: `import()`, `require()` or `createRequire(…)()` of a computed
 * name, and a `createRequire` not called in place (an alias could load anything, anywhere in the
 * file). Files: .ts, .mts and .cts alike.
 *
 * Rules (arrow = "may import"):
 *   cli → publish → {spec, registry, verify, oci};  spec → oci;  registry → oci;  verify → oci;
 *   (verify/ reads layer streams it is handed: it never builds a request or reads a spec);
 *   every folder may import the shared top-level files; nothing imports cli;
 *   from outside a top-level folder, only its index.ts;
 *   in registry/, the transport (http.ts, proxy.ts) does not reach auth/ (auth sits above it),
 *   directly or through any file in between (the rule is transitive);
 *   no import cycles (type-only imports included);
 *   only allow-listed npm packages.
 */
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

export interface Rules {
  shared: Set<string>;
  allowed: Record<string, string[]>;
  packages: Set<string>;
  /** [importer path prefix, forbidden target path prefix, why] */
  forbidden: [string, string, string][];
  /** Opaque imports allowed where they are, with why: [file, what, why] — each one exactly. */
  opaqueAllowed: [string, string, string][];
}

export const RULES: Rules = {
  shared: new Set(['errors.ts', 'log.ts', 'escape.ts', 'package-info.ts']),
  allowed: {
    cli: ['cli', 'publish', 'spec', 'registry', 'verify', 'oci'],
    publish: ['publish', 'spec', 'registry', 'verify', 'oci'],
    verify: ['verify', 'oci'],
    spec: ['spec', 'oci'],
    registry: ['registry', 'oci'],
    oci: ['oci'],
    '.': [],
  },
  packages: new Set([
    'ajv',
    'commander',
    'fzstd',
    'got',
    'hpagent',
    'http2-wrapper',
    'log-update',
    'p-limit',
    'pino',
    'tar-stream',
    'yaml',
  ]),
  forbidden: [
    ['registry/http.ts', 'registry/auth/', 'the transport sits below auth'],
    ['registry/proxy.ts', 'registry/auth/', 'the transport sits below auth'],
  ],
  opaqueAllowed: [
    [
      'spec/validate.ts',
      'createRequire(precompiled.pathname)',
      'loads the build-time compiled validator (generated from schemas/; it needs only ajv)',
    ],
  ],
};

const folderOf = (rel: string): string => (rel.includes('/') ? rel.split('/')[0]! : '.');

/** Every module specifier a file imports, and the imports it cannot follow. */
export function scanImports(text: string): { specs: string[]; opaque: string[] } {
  const info = ts.preProcessFile(text, true, true);
  const specs = info.importedFiles.map((f) => f.fileName);
  const opaque: string[] = [];
  // preProcessFile sees only literal arguments: anything else cannot be checked, so it is refused.
  for (const m of text.matchAll(/\b(import|require)\s*\(\s*([^)\s][^)]*)\)/g)) {
    if (!/^['"`][^'"`${}]*['"`]$/.test(m[2]!.trim())) opaque.push(`${m[1]}(${m[2]!.trim()})`);
  }
  // createRequire(…)(X): X is checked like an import when a literal, refused otherwise; a
  // createRequire used any other way (kept in a variable, passed on) cannot be followed.
  let inPlace = 0;
  for (const m of text.matchAll(/\bcreateRequire\s*\([^()]*\)\s*\(\s*([^)]*?)\s*\)/g)) {
    inPlace++;
    const arg = m[1]!;
    if (/^['"`][^'"`${}]*['"`]$/.test(arg)) specs.push(arg.slice(1, -1));
    else opaque.push(`createRequire(${arg})`);
  }
  const uses = [...text.matchAll(/\bcreateRequire\b/g)].length;
  const imported = [...text.matchAll(/^\s*import\s[^;]*\bcreateRequire\b[^;]*;/gm)].length;
  if (uses - imported > inPlace) opaque.push('createRequire (not called in place)');
  return { specs, opaque };
}

/** Resolves a relative specifier of `file` (both relative to src/) to a src-relative .ts path. */
function resolveSpec(file: string, spec: string): string {
  return join(dirname(file), spec)
    .replace(/\.js$/, '.ts')
    .replace(/\.mjs$/, '.mts')
    .replace(/\.cjs$/, '.cts');
}

/** Finds cycles in a graph (each reported once, as a path). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === 'open') found.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of [...graph.keys()].sort()) if (!state.has(n)) visit(n);
  return found;
}

/** Checks src files (path relative to src/ → text) against the rules; returns every violation. */
export function checkArchitecture(files: Map<string, string>, rules: Rules = RULES): string[] {
  const violations: string[] = [];
  const graph = new Map<string, Set<string>>();
  for (const [file, text] of files) {
    const from = folderOf(file);
    const edges = new Set<string>();
    graph.set(file, edges);
    const { specs, opaque } = scanImports(text);
    for (const o of opaque) {
      if (!rules.opaqueAllowed.some(([f, what]) => f === file && what === o))
        violations.push(`${file}: ${o} cannot be checked; import a literal path`);
    }
    for (const spec of specs) {
      if (spec.startsWith('node:')) continue;
      if (!spec.startsWith('.')) {
        const pkg = spec.startsWith('@')
          ? spec.split('/').slice(0, 2).join('/')
          : spec.split('/')[0]!;
        if (!rules.packages.has(pkg))
          violations.push(`${file} imports package ${spec}, not on the allow-list`);
        continue;
      }
      const target = resolveSpec(file, spec);
      if (target.startsWith('..')) {
        violations.push(`${file} imports ${spec}, outside src/`);
        continue;
      }
      edges.add(target);
      if (!target.includes('/') && rules.shared.has(target)) continue;
      const to = folderOf(target);
      if (!(rules.allowed[from] ?? []).includes(to))
        violations.push(
          `${file} (${from}) imports ${target} (${to}): against the dependency direction`,
        );
      else if (from !== to && target !== `${to}/index.ts`)
        violations.push(`${file} imports ${target}: from outside ${to}/, import ${to}/index.ts`);
    }
  }
  // Forbidden layers are forbidden through any chain of imports, not only directly.
  for (const [prefix, banned, why] of rules.forbidden) {
    for (const file of graph.keys()) {
      if (!file.startsWith(prefix)) continue;
      const path = reach(graph, file, (t) => t.startsWith(banned));
      if (path)
        violations.push(
          path.length === 2
            ? `${file} imports ${path[1]}: ${why}`
            : `${file} reaches ${path.at(-1)} through ${path.slice(1, -1).join(' → ')}: ${why}`,
        );
    }
  }
  for (const c of cycles(graph)) violations.push(`import cycle: ${c.join(' → ')}`);
  return violations;
}

/** The first import path from `start` to a file `hit` accepts (breadth first), if any. */
function reach(
  graph: Map<string, Set<string>>,
  start: string,
  hit: (file: string) => boolean,
): string[] | undefined {
  const from = new Map<string, string>();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length > 0) {
    const n = queue.shift()!;
    for (const m of graph.get(n) ?? []) {
      if (seen.has(m)) continue;
      seen.add(m);
      from.set(m, n);
      if (hit(m)) {
        const path = [m];
        for (let p = n; p !== start; p = from.get(p)!) path.unshift(p);
        return [start, ...path];
      }
      queue.push(m);
    }
  }
  return undefined;
}

/** Reads src/ into the map checkArchitecture takes. */
export function readSources(srcDir: string, list: (dir: string) => string[]): Map<string, string> {
  return new Map(list(srcDir).map((f) => [relative(srcDir, f), ts.sys.readFile(f) ?? '']));
}
