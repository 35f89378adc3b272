import { AppError, EXIT } from '../../errors.js';
import {
  formatPlatform, isIndexMediaType, parseImageIndex, parseImageManifest, parsePlatform, parseReference, platformFromConfig,
  platformMatches, referenceTarget,
} from '../../oci/index.js';
import { registryContext, type GlobalOptions, type RegistryOptions } from '../context.js';
import type { Io } from '../io.js';

export interface InspectOptions extends RegistryOptions, GlobalOptions {
  raw: boolean;
  output: string;
  platform?: string;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

/** Runs `manifold inspect` with parsed options. */
export async function runInspect(refText: string, opts: InspectOptions, io: Io): Promise<void> {
  const want = opts.platform ? parsePlatform(opts.platform) : undefined;
  if (opts.platform && !want) throw new AppError('USAGE', `--platform: "${opts.platform}" is not os/arch[/variant]`);
  const ref = parseReference(refText);
  const ctx = registryContext(opts, opts, io);
  try {
    const client = ctx.clientFor(ref.host);
    const m = await client.getManifest(ref.repository, referenceTarget(ref));
    if (opts.raw) return void io.stdout(m.bytes.toString('utf8'));
    const head = { reference: refText, digest: m.digest, size: m.size, mediaType: m.mediaType };
    if (isIndexMediaType(m.mediaType)) {
      const entries = parseImageIndex(m.bytes, refText).manifests;
      const selected = want ? entries.find((d) => platformMatches(want, d.platform)) : undefined;
      if (want && !selected) throw new AppError('NOT_FOUND', `${refText}: no entry matches ${opts.platform}`);
      const shown = selected ? [selected] : entries;
      if (opts.output === 'json') return void io.stdout(`${JSON.stringify({ ...head, manifests: shown, ...(selected ? { selected: selected.digest } : {}) }, null, 2)}\n`);
      io.stdout(`${refText}: ${m.mediaType}\nDigest: ${m.digest} ${m.size}\n${selected ? `Selected for ${opts.platform} (first match):\n` : ''}`);
      const rows = [['PLATFORM', 'DIGEST', 'SIZE', 'MEDIA TYPE', 'ANNOTATIONS'], ...shown.map((d) => [d.platform ? formatPlatform(d.platform) : '-', d.digest, String(d.size), d.mediaType, Object.entries(d.annotations ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')])];
      return void io.stdout(table(rows));
    }
    const image = parseImageManifest(m.bytes, refText);
    const platform = platformFromConfig(await client.getBlob(ref.repository, image.config.digest), refText);
    if (opts.output === 'json') return void io.stdout(`${JSON.stringify({ ...head, platform, config: image.config, layers: image.layers }, null, 2)}\n`);
    io.stdout(`${refText}: ${m.mediaType}\nDigest: ${m.digest} ${m.size}\nPlatform: ${formatPlatform(platform)}\n`);
    io.stdout(table([['LAYER', 'SIZE', 'MEDIA TYPE'], ...image.layers.map((l) => [l.digest, String(l.size), l.mediaType])]));
  } finally {
    ctx.close();
    io.exitCode = EXIT.OK;
  }
}

