/**
 * Rules JSON Schema cannot express. Each rule reads a schema-valid document and appends issues;
 * none of them rewrites the spec: a non-canonical name gets a suggestion, never a silent fix.
 */
import { AppError } from '../errors.js';
import {
  NO_VARIANT_ARCHITECTURES,
  parseReference,
  PLATFORM_ALIASES,
  platformKey,
  VARIANT_RULES,
  type ImageRef,
  type Platform,
} from '../oci/index.js';
import type { PathSegment } from './locate.js';
import type { RawPlatform, RawSpec } from './types.js';
import { isCompletePlatform, toPlatform } from './platform-fields.js';

/** Reports one issue at a key path. */
export type Report = (
  path: PathSegment[],
  message: string,
  options?: {
    atKey?: boolean;
    warning?: boolean;
    /** A warning that publishing answers (it checks the resolved platforms): validate only. */
    settledByPublish?: boolean;
  },
) => void;

export interface RuleContext {
  spec: RawSpec;
  report: Report;
  /** References parsed by the reference rule, by key path text (`image`, `manifests.0.image`). */
  refs: Map<string, ImageRef>;
}

export type Rule = (ctx: RuleContext) => void;

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function parseInto(ctx: RuleContext, path: PathSegment[], text: string): ImageRef | undefined {
  try {
    const ref = parseReference(text);
    ctx.refs.set(path.join('.'), ref);
    return ref;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const reason = (err as AppError & { reason?: string }).reason ?? err.message;
    ctx.report(
      path,
      `"${text}" is not a valid image reference: ${reason}; expected [registry/]repository[:tag][@sha256:digest]`,
    );
    return undefined;
  }
}

/** The target and every child parse as references; children on other registries are noted (they are copied). */
export const referencesRule: Rule = (ctx) => {
  const target = parseInto(ctx, ['image'], ctx.spec.image);
  if (target?.digest)
    ctx.report(
      ['image'],
      `the target "${ctx.spec.image}" names a digest; expected repository:tag (the index digest is computed when it is pushed)`,
    );
  if (target?.defaultedTag)
    ctx.report(['image'], `no tag given: the index will be pushed as "${ctx.spec.image}:latest"`, {
      warning: true,
    });
  const seen = new Set(target ? [`${target.registry}/${target.repository}`] : []);
  ctx.spec.targets?.forEach((text, i) => {
    const ref = parseInto(ctx, ['targets', i], text);
    if (!ref) return;
    const name = `${ref.registry}/${ref.repository}`;
    if (ref.digest || !ref.defaultedTag)
      ctx.report(
        ['targets', i],
        `"${text}" names a ${ref.digest ? 'digest' : 'tag'}; a target here is a repository (the tags come from image and tags)`,
      );
    else if (seen.has(name)) ctx.report(['targets', i], `${name} is already a target`);
    seen.add(name);
  });
  if (ctx.spec.targets && ctx.spec.subject !== undefined)
    ctx.report(
      ['targets'],
      'targets and subject cannot be combined: a subject lives in one repository',
      { atKey: true },
    );
  ctx.spec.tags?.forEach((tag, i) => {
    if (!TAG.test(tag))
      ctx.report(
        ['tags', i],
        `"${tag}" is not a valid tag; expected up to 128 of A-Z a-z 0-9 _ . - not starting with . or -`,
      );
  });
  ctx.spec.manifests.forEach((entry, i) => {
    const ref = parseInto(ctx, ['manifests', i, 'image'], entry.image);
    if (!ref || !target) return;
    // A child on another registry is copied into the target; publish says what and how much.
    if (ref.digest && ref.tag) {
      ctx.report(
        ['manifests', i, 'image'],
        `both a tag and a digest are given: the digest ${ref.digest} is used and the tag "${ref.tag}" is ignored`,
        { warning: true },
      );
    }
  });
  if (ctx.spec.subject !== undefined) {
    const subject = parseInto(ctx, ['subject'], ctx.spec.subject);
    if (
      subject &&
      target &&
      (subject.registry !== target.registry || subject.repository !== target.repository)
    ) {
      ctx.report(
        ['subject'],
        `the subject must be in the target's repository ${target.registry}/${target.repository}`,
      );
    }
  }
};

const OS_ALIASES: Record<string, string> = {
  win: 'windows',
  win32: 'windows',
  macos: 'darwin',
  osx: 'darwin',
  mac: 'darwin',
};

function checkNames(
  ctx: RuleContext,
  p: { os: string; architecture: string },
  at: PathSegment[],
): void {
  const alias = PLATFORM_ALIASES[p.architecture] ?? PLATFORM_ALIASES[p.architecture.toLowerCase()];
  if (alias) {
    const fix = `architecture: ${alias.architecture}${alias.variant ? ` with variant: ${alias.variant}` : ''}`;
    ctx.report(
      [...at, 'architecture'],
      `"${p.architecture}" is not a canonical architecture name; did you mean ${fix}?`,
    );
  } else if (p.architecture !== p.architecture.toLowerCase()) {
    ctx.report(
      [...at, 'architecture'],
      `"${p.architecture}" must be lowercase; did you mean "${p.architecture.toLowerCase()}"?`,
    );
  } else if (p.architecture.includes('/')) {
    ctx.report(
      [...at, 'architecture'],
      `"${p.architecture}" holds more than an architecture; put the variant under "variant"`,
    );
  }
  const osFix =
    OS_ALIASES[p.os.toLowerCase()] ??
    (p.os !== p.os.toLowerCase() ? p.os.toLowerCase() : undefined);
  if (osFix)
    ctx.report([...at, 'os'], `"${p.os}" is not a canonical OS name; did you mean "${osFix}"?`);
}

function checkVariant(
  ctx: RuleContext,
  p: RawPlatform & { architecture: string },
  at: PathSegment[],
): void {
  if (p.variant === undefined || PLATFORM_ALIASES[p.architecture]) return;
  const rule = VARIANT_RULES[p.architecture];
  if (rule && !rule.test.test(p.variant)) {
    const near = /^(?:arm|armv|v)?([5-9](?:\.[0-9])?)l?$/i.exec(p.variant)?.[1];
    const hint = near && rule.test.test(`v${near}`) ? `; did you mean "v${near}"?` : '';
    ctx.report(
      [...at, 'variant'],
      `"${p.variant}" is not a variant of ${p.architecture}; expected ${rule.expected} (OCI image-index variant table)${hint}`,
    );
  } else if (!rule && NO_VARIANT_ARCHITECTURES.has(p.architecture)) {
    ctx.report(
      [...at, 'variant'],
      `${p.architecture} has no variants in the OCI image-index variant table; remove "variant"`,
    );
  }
}

/**
 * Platform names are canonical, variants are in the OCI table, and duplicate Windows keys agree.
 * os and architecture come together; with neither, both are read from the image config.
 */
export const platformNamesRule: Rule = (ctx) => {
  ctx.spec.manifests.forEach((entry, i) => {
    const p = entry.platform;
    if (!p) return;
    const at: PathSegment[] = ['manifests', i, 'platform'];
    if (isCompletePlatform(p)) {
      checkNames(ctx, p, at);
      checkVariant(ctx, p, at);
    } else {
      ctx.report(
        at,
        'no os or architecture: both are taken from the image config, the other keys here apply to it',
        { warning: true },
      );
    }
    if (p.features !== undefined && ctx.spec.mediaType !== 'docker') {
      ctx.report(
        [...at, 'features'],
        'written only into a Docker manifest list; an OCI index leaves it out (the image-spec reserves it), as manifest-tool v2 does',
        { atKey: true, warning: true },
      );
    }
    if (p.osversion !== undefined && p['os.version'] !== undefined)
      ctx.report(
        [...at, 'osversion'],
        'both "osversion" and "os.version" are given; keep one (they mean the same)',
        { atKey: true },
      );
    if (p.osfeatures !== undefined && p['os.features'] !== undefined)
      ctx.report(
        [...at, 'osfeatures'],
        'both "osfeatures" and "os.features" are given; keep one (they mean the same)',
        { atKey: true },
      );
  });
};

/**
 * Platform keys an image config can still supply when the spec leaves them out (as manifest-tool
 * inherits them): two entries whose spec platforms are equal may differ there once resolved.
 */
function inheritableGaps(a: Platform, b: Platform): string[] {
  const gaps: string[] = [];
  if (VARIANT_RULES[a.architecture] && (!a.variant || !b.variant)) gaps.push('variant');
  if (a.os === 'windows' && (!a['os.version'] || !b['os.version'])) gaps.push('os.version');
  return gaps;
}

/**
 * No two entries with explicit platforms share a platform. Entries equal in the spec but told
 * apart by what their configs may add (Windows os.version, a variant) are only a warning here:
 * publish judges duplicates again on the resolved platforms, before anything is pushed.
 */
export const duplicatePlatformsRule: Rule = (ctx) => {
  const seen = new Map<string, number>();
  // Entries told apart only by their configs: one brief warning per document, not one per entry.
  const alike: { i: number; name: string; gaps: string[] }[] = [];
  ctx.spec.manifests.forEach((entry, i) => {
    if (!entry.platform || !isCompletePlatform(entry.platform)) return;
    const platform = toPlatform(entry.platform);
    const key = platformKey(platform);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, i);
      return;
    }
    const a = ctx.spec.manifests[first]!;
    const name = [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
    const gaps = inheritableGaps(
      toPlatform(a.platform as RawPlatform & { os: string; architecture: string }),
      platform,
    );
    if (gaps.length > 0) {
      alike.push({ i, name, gaps });
      return;
    }
    ctx.report(
      ['manifests', i, 'platform'],
      `duplicate platform ${name}: manifests[${first}] (${a.image}) and manifests[${i}] (${entry.image}) would both match it`,
    );
  });
  if (alike.length === 0) return;
  const names = [...new Set(alike.map((x) => x.name))].join(', ');
  const gaps = [...new Set(alike.flatMap((x) => x.gaps))].join(' or ');
  const list = alike.slice(0, 4).map((x) => `[${x.i}]`);
  if (alike.length > 4) list.push(`… (${alike.length})`);
  ctx.report(
    ['manifests', alike[0]!.i, 'platform'],
    `${names} more than once in the spec (manifests${list.join(', ')}): told apart only by their images' ${gaps}, checked when publishing`,
    { warning: true, settledByPublish: true },
  );
};

/** OCI-only fields cannot go into a Docker manifest list. */
export const dockerListRule: Rule = (ctx) => {
  if (ctx.spec.mediaType !== 'docker') return;
  const why = 'a Docker manifest list cannot carry it; use mediaType: oci (or auto)';
  for (const key of ['annotations', 'artifactType', 'subject'] as const) {
    if (ctx.spec[key] !== undefined)
      ctx.report([key], `"${key}" is OCI-only and mediaType is docker: ${why}`, { atKey: true });
  }
  ctx.spec.manifests.forEach((entry, i) => {
    if (entry.annotations !== undefined)
      ctx.report(
        ['manifests', i, 'annotations'],
        `per-entry annotations are OCI-only and mediaType is docker: ${why}`,
        { atKey: true },
      );
  });
};

/**
 * `rewriteConfig` writes the spec's platform into the config: it needs one with os and
 * architecture, an image (not an index), and says something `overridePlatform` cannot also say.
 */
export const rewriteConfigRule: Rule = (ctx) => {
  ctx.spec.manifests.forEach((entry, i) => {
    if (!entry.rewriteConfig) return;
    const at: PathSegment[] = ['manifests', i, 'rewriteConfig'];
    if (!entry.platform || !isCompletePlatform(entry.platform))
      ctx.report(
        at,
        'rewriteConfig needs the platform to write: give platform with os and architecture (and variant where it has one)',
        { atKey: true },
      );
    if (entry.overridePlatform)
      ctx.report(
        at,
        'rewriteConfig and overridePlatform are both set: rewriteConfig fixes the config, overridePlatform only relabels the index entry; keep one',
        { atKey: true },
      );
    if (entry.platforms || entry.index === 'nest')
      ctx.report(
        at,
        'rewriteConfig applies to an image; platforms and index are for a child that is an index',
        { atKey: true },
      );
    if (entry.verify === 'config')
      ctx.report(
        at,
        'rewriteConfig checks the binaries before it rewrites: verify: config cannot be set with it',
        { atKey: true },
      );
  });
};

/** Every rule, in the order their issues are reported. */
export const RULES: readonly Rule[] = [
  referencesRule,
  platformNamesRule,
  duplicatePlatformsRule,
  dockerListRule,
  rewriteConfigRule,
];
