import type { Platform } from './descriptor.js';

/** Formats a platform as `os/arch[/variant]`, with `@os.version` when set (Windows). */
export function formatPlatform(p: Platform): string {
  const base = [p.os, p.architecture, p.variant].filter(Boolean).join('/');
  return p['os.version'] ? `${base}@${p['os.version']}` : base;
}

/** Parses `os/arch[/variant]`; returns undefined when the text has not 2 or 3 non-empty parts. */
export function parsePlatform(text: string): Platform | undefined {
  const parts = text.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p.length === 0)) return undefined;
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return variant ? { os, architecture, variant } : { os, architecture };
}

/**
 * The key two entries may not share in one index: os, architecture, variant, os.version and
 * os.features (sorted), as manifest-tool compares them.
 */
export function platformKey(p: Platform): string {
  return [
    p.os,
    p.architecture,
    p.variant ?? DEFAULT_VARIANT[p.architecture] ?? '',
    p['os.version'] ?? '',
    [...(p['os.features'] ?? [])].sort().join('+'),
  ].join('|');
}

/** Variant a runtime assumes when none is given (as containerd normalises platforms). */
export const DEFAULT_VARIANT: Record<string, string> = { arm64: 'v8', arm: 'v7' };

/**
 * Variants defined by the OCI image-index platform-variant table, per architecture.
 * Reference: OCI image-spec image-index.md §Platform Variants.
 */
export const VARIANT_RULES: Record<string, { test: RegExp; expected: string }> = {
  amd64: { test: /^v[1-4]$/, expected: 'v1, v2, v3 or v4' },
  arm: { test: /^v[5-8]$/, expected: 'v5, v6, v7 or v8' },
  arm64: { test: /^v(8|9)(\.[0-9])?$/, expected: 'v8, v8.x, v9 or v9.x' },
  ppc64le: { test: /^power[0-9]+$/, expected: 'power8, power9, power10 …' },
  riscv64: { test: /^rva[0-9]+u64$/, expected: 'rva20u64, rva22u64, rva23u64 …' },
};

/** Architectures that have no variants in the OCI table. */
export const NO_VARIANT_ARCHITECTURES = new Set([
  '386',
  's390x',
  'ppc64',
  'mips',
  'mipsle',
  'mips64',
  'mips64le',
  'loong64',
  'wasm',
]);

/** Non-canonical names people write, with the canonical platform parts to use instead. */
export const PLATFORM_ALIASES: Record<string, { architecture: string; variant?: string }> = {
  aarch64: { architecture: 'arm64' },
  arm64v8: { architecture: 'arm64', variant: 'v8' },
  armv8: { architecture: 'arm64', variant: 'v8' },
  x86_64: { architecture: 'amd64' },
  'x86-64': { architecture: 'amd64' },
  x64: { architecture: 'amd64' },
  armhf: { architecture: 'arm', variant: 'v7' },
  armv7: { architecture: 'arm', variant: 'v7' },
  armv7l: { architecture: 'arm', variant: 'v7' },
  arm32v7: { architecture: 'arm', variant: 'v7' },
  armv6: { architecture: 'arm', variant: 'v6' },
  armv6l: { architecture: 'arm', variant: 'v6' },
  arm32v6: { architecture: 'arm', variant: 'v6' },
  armel: { architecture: 'arm', variant: 'v5' },
  i386: { architecture: '386' },
  i686: { architecture: '386' },
  x86: { architecture: '386' },
  ppc64el: { architecture: 'ppc64le' },
};

/**
 * True when an index entry's platform satisfies a wanted `os/arch[/variant]`: os and architecture
 * equal, and the variant equal when one is wanted (a missing variant taken as the default one).
 */
export function platformMatches(want: Platform, have: Platform | undefined): boolean {
  if (!have || want.os !== have.os || want.architecture !== have.architecture) return false;
  if (!want.variant) return true;
  return (have.variant ?? DEFAULT_VARIANT[have.architecture] ?? '') === want.variant;
}

/**
 * Variants in the order a host runs them: a host of a variant runs images built for it and for
 * every lower one (an amd64 v3 host runs v2 and v1 code; an armv7 host runs v6 and v5). An image
 * without a variant counts as the architecture's baseline (amd64: v1; arm: v7 and arm64: v8, the
 * defaults runtimes assume).
 */
const VARIANT_ORDER: Record<string, string[]> = {
  amd64: ['v1', 'v2', 'v3', 'v4'],
  arm: ['v5', 'v6', 'v7', 'v8'],
  arm64: ['v8', 'v8.1', 'v8.2', 'v8.3', 'v8.4', 'v8.5', 'v8.6', 'v8.7', 'v8.8', 'v8.9', 'v9'],
};

/**
 * How well an image for `have` suits a host of `want`: 0 for an exact match (as
 * `platformMatches`), n for the variant n steps below the host's that it still runs, undefined
 * when the host cannot run it (another os or architecture, or a higher variant).
 */
export function hostRank(want: Platform, have: Platform | undefined): number | undefined {
  if (platformMatches(want, have)) return 0;
  if (!have || !want.variant || want.os !== have.os || want.architecture !== have.architecture)
    return undefined;
  const order = VARIANT_ORDER[want.architecture];
  if (!order) return undefined;
  const hostAt = order.indexOf(want.variant);
  const imageAt = order.indexOf(have.variant ?? DEFAULT_VARIANT[have.architecture] ?? order[0]!);
  return hostAt >= 0 && imageAt >= 0 && imageAt <= hostAt ? hostAt - imageAt : undefined;
}

/**
 * The entry a host of `want` would pull from an index, as runtimes choose: an exact match first,
 * else the closest lower variant it runs; the first in index order among equals.
 */
export function selectForHost<T extends { platform?: Platform }>(
  want: Platform,
  entries: readonly T[],
): { entry: T; exact: boolean } | undefined {
  let best: { entry: T; rank: number } | undefined;
  for (const entry of entries) {
    const rank = hostRank(want, entry.platform);
    if (rank !== undefined && (best === undefined || rank < best.rank)) best = { entry, rank };
  }
  return best && { entry: best.entry, exact: best.rank === 0 };
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const VARIANT = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;
const FEATURE = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

/**
 * Checks platform fields read from a registry (image configs, child indexes) against the shape
 * the image-spec gives them: os and architecture as GOOS/GOARCH-style names, a variant, an
 * os.version and os.features of plain tokens. Returns the first bad field with its value, or
 * undefined. A value outside it (a newline, a CI command, a terminal escape) is refused, never
 * published or printed raw. Reference: OCI image-spec config.md, image-index.md §platform.
 */
export function platformProblem(
  p: Partial<Record<keyof Platform, unknown>>,
): { field: string; value: string } | undefined {
  const bad = (field: string, value: unknown): { field: string; value: string } => ({
    field,
    value: typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)),
  });
  if (typeof p.os !== 'string' || !NAME.test(p.os)) return bad('os', p.os);
  if (typeof p.architecture !== 'string' || !NAME.test(p.architecture))
    return bad('architecture', p.architecture);
  if (p.variant !== undefined && (typeof p.variant !== 'string' || !VARIANT.test(p.variant)))
    return bad('variant', p.variant);
  const version = p['os.version'];
  if (version !== undefined && (typeof version !== 'string' || !VERSION.test(version)))
    return bad('os.version', version);
  const features = p['os.features'];
  if (
    features !== undefined &&
    (!Array.isArray(features) || features.some((f) => typeof f !== 'string' || !FEATURE.test(f)))
  )
    return bad('os.features', features);
  return undefined;
}
