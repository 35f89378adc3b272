/** "Did you mean" hints for unknown spec keys. */

/** Keys people write that are not near misses by spelling but have a known meaning. */
const KNOWN_MISTAKES: Record<string, Record<string, string>> = {
  platform: {
    arch: 'architecture',
    os_version: 'os.version',
    osVersion: 'os.version',
    'os-version': 'os.version',
    version: 'os.version',
    os_features: 'os.features',
    osFeatures: 'os.features',
  },
  entry: { platforms: 'platform', name: 'image', ref: 'image' },
  root: {
    target: 'image',
    tag: 'tags',
    type: 'mediaType',
    media_type: 'mediaType',
    manifest: 'manifests',
    images: 'manifests',
  },
};

/** Extra explanation shown with some hints. */
const NOTES: Record<string, string> = {
  'platform.version':
    ' (manifest-tool ignored "version"; the OCI field for a Windows build is "os.version")',
};

/** Levenshtein distance, small strings only. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/**
 * Suggests the key the user probably meant, or undefined.
 * `context` is `root`, `entry` or `platform`.
 */
export function suggestKey(
  unknown: string,
  allowed: readonly string[],
  context: string,
): string | undefined {
  const known = KNOWN_MISTAKES[context]?.[unknown];
  if (known) return `did you mean "${known}"?${NOTES[`${context}.${unknown}`] ?? ''}`;
  const lower = unknown.toLowerCase();
  const caseMatch = allowed.find((k) => k.toLowerCase() === lower);
  if (caseMatch) return `did you mean "${caseMatch}"? (keys are case-sensitive)`;
  let best: { key: string; d: number } | undefined;
  for (const key of allowed) {
    const d = editDistance(lower, key.toLowerCase());
    if (d <= Math.max(1, Math.floor(key.length / 4)) + 1 && (!best || d < best.d))
      best = { key, d };
  }
  return best ? `did you mean "${best.key}"?` : undefined;
}
