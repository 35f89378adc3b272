/**
 * Where a publish run's spec documents come from: spec files (`--from-spec`, repeatable),
 * manifest-tool's from-args, or `create`'s arguments. Arguments become spec text that goes
 * through the same loader and checks as a file.
 */
import { AppError, formatIssue, SpecError, type SpecIssue } from '../../errors.js';
import { parsePlatform, parseReference, type ImageRef } from '../../oci/index.js';
import { loadSpecFile, type IndexFormat, type Spec } from '../../spec/index.js';
import type { Io } from '../io.js';

export interface FromArgsInput {
  platforms: string[];
  template?: string;
  /** The first is the target; more are further repositories with the same tags. */
  target: string[];
  tags: string[];
  annotations: string[];
  /** `--rewrite-config`: every child (true), or those of a comma list of platforms. */
  rewriteConfig?: string | boolean;
}

export interface LoadCommon {
  env: NodeJS.ProcessEnv;
  allowUnknownKeys: boolean;
  readStdin: () => string;
}

/** JSON is YAML: the loader checks it. '$' is escaped so arguments are never interpolated. */
const asSpecText = (raw: object): string => JSON.stringify(raw, null, 1).replace(/\$/g, '$$$$');

/** Parses `key=value` annotations (the value may contain '='); a buildx `index:` prefix is accepted. */
export function parseAnnotations(list: string[], flag: string): Record<string, string> | undefined {
  if (list.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    let key = eq > 0 ? item.slice(0, eq) : '';
    if (key.startsWith('index:')) key = key.slice('index:'.length);
    else if (/^[a-z-]+(\[[^\]]*\])?:/.test(key) && !key.includes('.')) {
      throw new AppError(
        'USAGE',
        `${flag} "${item}": only index annotations are supported (no prefix, or "index:")`,
      );
    }
    if (!key) throw new AppError('USAGE', `${flag} "${item}" is not KEY=VALUE`);
    out[key] = item.slice(eq + 1);
  }
  return out;
}

/**
 * manifest-tool's from-args: each platform's child is the template with OS, ARCH and VARIANT
 * replaced once each (ARCH first, then OS, then VARIANT, as manifest-tool does); for a platform
 * without a variant, VARIANT becomes the empty string.
 */
export function specFromArgs(o: FromArgsInput): string {
  // Without --target, full references in --tags (docker/metadata-action's `tags`) are the
  // targets. Extra tags join the spec afterwards, as beside --from-spec (`applyExtras`).
  const targets = o.target.length > 0 ? o.target : splitTagEntries(o.tags).refs.map((r) => r.text);
  const missing = (['platforms', 'template', 'target'] as const).filter((k) =>
    k === 'template' ? !o.template : (k === 'target' ? targets : o[k]).length === 0,
  );
  if (missing.length > 0)
    throw new AppError('USAGE', `from-args needs ${missing.map((m) => `--${m}`).join(', ')}`);
  const rewrite = rewriteSelector(o.rewriteConfig, o.platforms);
  const manifests = o.platforms.map((text) => {
    const p = parsePlatform(text);
    if (!p) throw new AppError('USAGE', `--platforms: "${text}" is not os/arch[/variant]`);
    const image = o
      .template!.replace('ARCH', p.architecture)
      .replace('OS', p.os)
      .replace('VARIANT', p.variant ?? '');
    return { image, platform: p, ...(rewrite(p) ? { rewriteConfig: true } : {}) };
  });
  const annotations = parseAnnotations(o.annotations, '--annotations');
  const [image, ...more] = groupTargets(targets, o.target.length > 0 ? '--target' : '--tags');
  const tags = image!.tags.slice(1);
  return asSpecText({
    image: `${image!.repo}:${image!.tags[0]}`,
    ...(more.length ? { targets: more.map((t) => t.repo) } : {}),
    ...(tags.length ? { tags } : {}),
    ...(annotations ? { annotations } : {}),
    manifests,
  });
}

/** Which from-args platforms `--rewrite-config [list]` names (all of them without a list). */
function rewriteSelector(
  value: string | boolean | undefined,
  platforms: string[],
): (p: { os: string; architecture: string; variant?: string }) => boolean {
  if (value === undefined || value === false) return () => false;
  if (value === true) return () => true;
  const key = (p: { os: string; architecture: string; variant?: string }): string =>
    [p.os, p.architecture, p.variant].filter(Boolean).join('/');
  const wanted = value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const known = new Set(
    platforms.map((t) => key(parsePlatform(t) ?? { os: '', architecture: '' })),
  );
  for (const w of wanted) {
    const p = parsePlatform(w);
    if (!p || !known.has(key(p)))
      throw new AppError(
        'USAGE',
        `--rewrite-config "${w}" is not one of --platforms (${[...known].join(', ')})`,
      );
  }
  return (p) => wanted.some((w) => key(parsePlatform(w)!) === key(p));
}

/**
 * A `create` source: `IMAGE[,platform=OS/ARCH[/VARIANT]][,rewrite-config]`. A reference never
 * holds a comma, so what follows the first one is per-source options.
 */
export function parseSource(text: string): Record<string, unknown> {
  const [image, ...opts] = text.split(',');
  const entry: Record<string, unknown> = { image: image!.trim() };
  for (const raw of opts) {
    const opt = raw.trim();
    const eq = opt.indexOf('=');
    const key = eq < 0 ? opt : opt.slice(0, eq);
    const value = eq < 0 ? undefined : opt.slice(eq + 1);
    if (key === 'platform' && value !== undefined) {
      const p = parsePlatform(value);
      if (!p)
        throw new AppError('USAGE', `source "${text}": platform=${value} is not os/arch[/variant]`);
      entry['platform'] = p;
    } else if (key === 'rewrite-config' && value === undefined) entry['rewriteConfig'] = true;
    else
      throw new AppError(
        'USAGE',
        `source "${text}": "${opt}" is not a source option; expected platform=OS/ARCH[/VARIANT] or rewrite-config`,
      );
  }
  return entry;
}

/** `repo:tag` split at the tag (a reference without a tag means :latest). */
function splitTag(ref: string): { repo: string; tag: string } {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash
    ? { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) }
    : { repo: ref, tag: 'latest' };
}

/**
 * Groups target references by repository, in order. Every repository gets the same tags (the
 * model of several targets); a repository without tags of its own takes the first's.
 */
export function groupTargets(refs: string[], flag: string): { repo: string; tags: string[] }[] {
  const groups: { repo: string; tags: string[] }[] = [];
  for (const ref of refs) {
    const { repo, tag } = splitTag(ref);
    const g = groups.find((x) => x.repo === repo);
    if (g) {
      if (!g.tags.includes(tag)) g.tags.push(tag);
    } else groups.push({ repo, tags: [tag] });
  }
  const first = groups[0]!;
  for (const g of groups.slice(1)) {
    if ([...g.tags].sort().join(',') !== [...first.tags].sort().join(',')) {
      throw new AppError(
        'USAGE',
        `${flag}: ${g.repo} gets tags ${g.tags.join(', ')} but ${first.repo} gets ${first.tags.join(', ')}; every target repository gets the same tags`,
      );
    }
  }
  return groups;
}

export interface CreateInput {
  tags: string[];
  sources: string[];
  annotations: string[];
}

/**
 * `create`: the first `-t` is the target, further `-t` are tags of the same repository (full
 * references, as buildx takes them, or bare tags). Sources are children, indexes flattened.
 */
export function specFromCreate(o: CreateInput): string {
  if (o.tags.length === 0) throw new AppError('USAGE', 'create needs -t/--tag TARGET');
  if (o.sources.length === 0)
    throw new AppError('USAGE', 'create needs at least one SOURCE image or index');
  // A bare tag (no repository) joins the first target's repository.
  const firstRepo = splitTag(o.tags[0]!).repo;
  const refs = o.tags.map((t) =>
    !t.includes('/') && !t.includes(':') && t !== o.tags[0] ? `${firstRepo}:${t}` : t,
  );
  const [image, ...more] = groupTargets(refs, '-t');
  const annotations = parseAnnotations(o.annotations, '--annotation');
  const tags = image!.tags.slice(1);
  return asSpecText({
    image: `${image!.repo}:${image!.tags[0]}`,
    ...(more.length ? { targets: more.map((t) => t.repo) } : {}),
    ...(tags.length ? { tags } : {}),
    ...(annotations ? { annotations } : {}),
    manifests: o.sources.map(parseSource),
  });
}

/** `--tags` entries: bare tags, and full references (`reg/app:1.2`, as docker/metadata-action prints). */
export function splitTagEntries(list: string[]): {
  bare: string[];
  refs: { text: string; ref: ImageRef }[];
} {
  const bare: string[] = [];
  const refs: { text: string; ref: ImageRef }[] = [];
  for (const text of list) {
    if (!text.includes('/') && !text.includes(':') && !text.includes('@')) {
      if (!/^[\w][\w.-]{0,127}$/.test(text))
        throw new AppError(
          'USAGE',
          `--tags "${text}" is not a tag (letters, digits, _ . -, at most 128) nor a reference`,
        );
      bare.push(text);
      continue;
    }
    let ref: ImageRef;
    try {
      ref = parseReference(text);
    } catch (err) {
      throw new AppError('USAGE', `--tags "${text}": ${(err as Error).message}`);
    }
    if (ref.digest || ref.defaultedTag)
      throw new AppError('USAGE', `--tags "${text}" names no tag (REPOSITORY:TAG, or a bare tag)`);
    refs.push({ text, ref });
  }
  return { bare, refs };
}

const sameRepository = (a: ImageRef, b: ImageRef): boolean =>
  a.registry === b.registry && a.repository === b.repository;

/**
 * `--tags` (from-args, or beside `--from-spec`) and `--annotations` beside `--from-spec`: every
 * document gets the bare tags, a full
 * reference's tag goes to the documents that publish its repository (as `image` or in `targets`),
 * and the annotations are added to every document's (the command line wins a key both set).
 */
export function applyExtras(specs: Spec[], o: { tags: string[]; annotations: string[] }): Spec[] {
  const { bare, refs } = splitTagEntries(o.tags);
  const annotations = parseAnnotations(o.annotations, '--annotations');
  for (const r of refs) {
    if (!specs.some((s) => [s.target, ...s.moreTargets].some((t) => sameRepository(t, r.ref))))
      throw new AppError(
        'USAGE',
        `--tags ${r.text}: no spec document publishes ${r.ref.registry}/${r.ref.repository} (they publish ${[
          ...new Set(
            specs.flatMap((s) =>
              [s.target, ...s.moreTargets].map((t) => `${t.registry}/${t.repository}`),
            ),
          ),
        ].join(', ')})`,
      );
  }
  return specs.map((s) => {
    const mine = refs
      .filter((r) => [s.target, ...s.moreTargets].some((t) => sameRepository(t, r.ref)))
      .map((r) => r.ref.tag!);
    const tags = [...new Set([...s.tags, ...bare, ...mine])];
    return {
      ...s,
      tags,
      ...(annotations ? { annotations: { ...s.annotations, ...annotations } } : {}),
    };
  });
}

/** Prints spec warnings (escaped) to stderr. */
export function printWarnings(warnings: SpecIssue[], io: Io, escape: (s: string) => string): void {
  for (const w of warnings) io.stderr(`${escape(formatIssue(w))}\n`);
}

/** Loads every `--from-spec` file; every problem of every file is reported before anything runs. */
export function loadSpecFiles(
  files: string[],
  common: LoadCommon,
): { specs: Spec[]; warnings: SpecIssue[] } {
  if (files.filter((f) => f === '-').length > 1)
    throw new AppError('USAGE', '--from-spec - can be given once');
  const specs: Spec[] = [];
  const warnings: SpecIssue[] = [];
  const errors: unknown[] = [];
  for (const f of files) {
    try {
      const r = loadSpecFile(f, common);
      specs.push(...r.specs);
      warnings.push(...r.warnings);
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    const issues = errors.flatMap((e) => (e as { issues?: SpecIssue[] }).issues ?? []);
    if (issues.length === 0) throw errors[0];
    throw new SpecError('SPEC_INVALID', issues);
  }
  return { specs, warnings };
}

/**
 * Applies a `--type`: given on the command line it wins over a document's own `mediaType`
 * (with a warning when they differ); as a command default (push: docker) it applies only to
 * documents that set none.
 */
export function applyType(
  specs: Spec[],
  type: IndexFormat | undefined,
  explicit: boolean,
  warn: (m: string) => void,
): Spec[] {
  if (!type) {
    // Only command-line annotations (--annotations beside --from-spec) can meet a docker spec here.
    const docker = specs.find((s) => s.mediaType === 'docker' && s.annotations);
    if (docker)
      throw new AppError(
        'USAGE',
        `--annotations: ${docker.file} (document ${docker.document + 1}) sets mediaType: docker, and a Docker manifest list cannot carry annotations; use --type oci`,
      );
    return specs;
  }
  const out = specs.map((s) => {
    if (s.mediaTypeGiven && !explicit) return s;
    if (s.mediaTypeGiven && s.mediaType !== type)
      warn(
        `--type ${type} overrides mediaType: ${s.mediaType} of ${s.file} (document ${s.document + 1})`,
      );
    return { ...s, mediaType: type };
  });
  for (const s of out) if (s.mediaType === 'docker') refuseDockerConflict(s);
  return out;
}

/**
 * A Docker manifest list cannot carry what the command asked for (annotations, artifactType,
 * subject): a usage error, exit 2 before anything is contacted — the same class as the spec
 * rule gives a spec that says `mediaType: docker` with them.
 */
function refuseDockerConflict(s: Spec): void {
  const key = (['annotations', 'artifactType', 'subject'] as const).find((k) => s[k] !== undefined);
  const entry = s.manifests.find((m) => m.annotations !== undefined);
  if (!key && !entry) return;
  const what = key
    ? `"${key}" (${s.file})`
    : `annotations on ${entry!.location.path} (${entry!.source})`;
  throw new AppError(
    'USAGE',
    `--type docker: a Docker manifest list cannot carry ${what}; use --type oci (or leave the type to the spec)`,
  );
}
