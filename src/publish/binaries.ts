/**
 * The binaries step of resolving a child: check the program the runtime would start against
 * the platform (verify: binaries), judge the outcome (mismatch refused, unverified warned or
 * refused), and, for `rewriteConfig`, compute the rewritten config and image manifest — bytes
 * and digests known before anything is written, so a dry run shows them exactly.
 */
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import {
  formatPlatform,
  isImageManifestMediaType,
  parseImageManifest,
  platformFromConfig,
  sha256Digest,
  type Descriptor,
  type Platform,
} from '../oci/index.js';
import type { RegistryClient } from '../registry/index.js';
import { verifyBinaries, type BinaryCheck } from '../verify/index.js';

export interface BinaryOptions {
  /** Compressed bytes a child's check may read. */
  budget: number;
  /** What an unverified child does. */
  unverified: 'warn' | 'error';
}

/** Reads the config JSON; a config that is not an object verifies nothing. */
function parsedConfig(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Checks one image's binaries against `platform`, reading its layers from `client`/`repo`. */
export function checkBinaries(o: {
  client: RegistryClient;
  repo: string;
  platform: Platform;
  config: Buffer;
  layers: Descriptor[];
  budget: number;
}): Promise<BinaryCheck> {
  return verifyBinaries({
    platform: o.platform,
    config: parsedConfig(o.config),
    layers: o.layers,
    budget: o.budget,
    open: async (layer) => (await o.client.streamBlob(o.repo, layer.digest)).stream,
  });
}

/** Largest image config manifold reads (configs are small JSON documents). */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/**
 * Checks the image at `repo@digest` (manifest, config, layers from the registry) against
 * `platform`, or against its own config's platform when none is given (inspect). Returns the
 * manifest bytes beside the check (a copy need not fetch them again); undefined when the
 * manifest is not an image's.
 */
export async function checkImageAt(o: {
  client: RegistryClient;
  repo: string;
  digest: string;
  platform?: Platform;
  budget: number;
  /** How messages name the image (default `host/repo@digest`). */
  where?: string;
}): Promise<{ manifest: Buffer; check: BinaryCheck } | undefined> {
  const m = await o.client.getManifest(o.repo, o.digest);
  if (!isImageManifestMediaType(m.mediaType)) return undefined;
  const where = o.where ?? `${o.client.host}/${o.repo}@${o.digest}`;
  const manifest = parseImageManifest(m.bytes, where);
  const config = await o.client.getBlob(o.repo, manifest.config.digest, MAX_CONFIG_BYTES);
  const check = await checkBinaries({
    client: o.client,
    repo: o.repo,
    platform: o.platform ?? platformFromConfig(config, `${where} config`),
    config,
    layers: manifest.layers,
    budget: o.budget,
  });
  return { manifest: m.bytes, check };
}

/**
 * What a checked child may do next: a mismatch throws (nothing is pushed); an unverified child
 * warns, or throws under `unverified: error`.
 */
export function judgeBinaries(
  check: BinaryCheck,
  o: { label: string; options: BinaryOptions; logger: Logger; entry: string; rewrite?: boolean },
): void {
  const fields = {
    entry: o.entry,
    platform: check.platform,
    outcome: check.outcome,
    bytesRead: check.bytesRead,
  };
  if (check.outcome === 'mismatch') {
    const refusal = o.rewrite
      ? '; rewriteConfig refused: binaries that disagree with the spec are never relabelled'
      : '';
    throw new AppError('BINARY_MISMATCH', `${o.label}: ${check.message}${refusal}`);
  }
  if (check.outcome === 'unverified') {
    if (o.options.unverified === 'error')
      throw new AppError(
        'BINARY_UNVERIFIED',
        `${o.label}: binaries not verified: ${check.message} (unverified: error / --verify-strict)`,
      );
    o.logger.warn({ ...fields, reason: check.message }, 'binaries not verified');
    return;
  }
  o.logger.info(fields, 'binaries verified');
}

/** The platform-mismatch message, with what the binaries say about it when they were read. */
export function mismatchMessage(base: string, spec: Platform, check?: BinaryCheck): string {
  if (!check) return base;
  if (check.outcome === 'verified')
    return `${base}; the binaries agree with the spec (${check.message}): rewriteConfig: true on this entry (--rewrite-config) writes ${formatPlatform(spec)} into the image config`;
  return `${base}; binaries: ${check.message}`;
}

export interface Rewrite {
  /** The manifest as it was, and its config. */
  from: { digest: string; config: string };
  /** The new config blob and image manifest. */
  config: { bytes: Buffer; digest: string };
  manifest: { bytes: Buffer; digest: string; size: number };
  platform: Platform;
}

const PLATFORM_KEYS = ['variant', 'os.version', 'os.features'] as const;

/**
 * The config with the spec's platform written in: os and architecture always; variant,
 * os.version and os.features the spec's where it gives them, else kept only while the
 * architecture (for variant) or os (for the others) stays what it was.
 */
export function rewriteFor(
  o: { manifest: Buffer; digest: string; config: Buffer; configDigest: string; spec: Platform },
  where: string,
): Rewrite | undefined {
  const config = JSON.parse(o.config.toString('utf8')) as Record<string, unknown>;
  const before = { ...config };
  config['os'] = o.spec.os;
  config['architecture'] = o.spec.architecture;
  for (const key of PLATFORM_KEYS) {
    const given = o.spec[key];
    const keep =
      key === 'variant'
        ? before['architecture'] === o.spec.architecture
        : before['os'] === o.spec.os;
    if (given !== undefined) config[key] = Array.isArray(given) ? [...given] : given;
    else if (!keep) delete config[key];
  }
  const same = (k: string): boolean => JSON.stringify(before[k]) === JSON.stringify(config[k]);
  if (['os', 'architecture', ...PLATFORM_KEYS].every(same)) return undefined;
  const configBytes = Buffer.from(JSON.stringify(config), 'utf8');
  const configDigest = sha256Digest(configBytes);
  const manifest = JSON.parse(o.manifest.toString('utf8')) as {
    config: { digest: string; size: number };
  };
  manifest.config.digest = configDigest;
  manifest.config.size = configBytes.length;
  const manifestBytes = Buffer.from(JSON.stringify(manifest), 'utf8');
  return {
    from: { digest: o.digest, config: o.configDigest },
    config: { bytes: configBytes, digest: configDigest },
    manifest: {
      bytes: manifestBytes,
      digest: sha256Digest(manifestBytes),
      size: manifestBytes.length,
    },
    platform: platformFromConfig(configBytes, where),
  };
}
