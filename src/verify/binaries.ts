/**
 * Checks the binaries inside an image against a platform: reads the layers top-down, only as
 * far as the chain from the entrypoint needs (a lower layer is opened only when a lookup falls
 * through every layer read so far), within a byte budget, and says verified, mismatch or
 * unverified with the reason. Never runs anything; never holds a layer in memory.
 */
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { isAborted } from '../errors.js';
import { escapeForeign as esc } from '../escape.js';
import { formatPlatform, type Descriptor, type Platform } from '../oci/index.js';
import { programOf, walkChain, type ChainLink } from './chain.js';
import { readLayer, type LayerIndex } from './layer-reader.js';
import { RootFs } from './rootfs.js';

/** Compressed bytes a child's check may read by default. */
export const DEFAULT_VERIFY_BUDGET = 256 * 1024 * 1024;

export type BinaryOutcome = 'verified' | 'mismatch' | 'unverified';

export interface BinaryCheck {
  outcome: BinaryOutcome;
  /** The platform checked against. */
  platform: string;
  /** One line: what was found, or why nothing could be. */
  message: string;
  chain: ChainLink[];
  /** Compressed bytes read from the registry, and layers opened, of the image's `layers`. */
  bytesRead: number;
  layersRead: number;
  layers: number;
}

export interface VerifyInput {
  platform: Platform;
  /** The parsed image config. */
  config: unknown;
  /** The manifest's layers, base first (as the manifest lists them). */
  layers: Descriptor[];
  /** Opens a layer blob as a stream (the caller's registry client). */
  open: (layer: Descriptor) => Promise<Readable>;
  budget: number;
}

const READABLE_LAYER =
  /^application\/vnd\.(oci\.image\.layer\.v1\.tar(\+gzip|\+zstd)?|docker\.image\.rootfs\.diff\.tar(\.gzip)?)$/;

/** Why a layer cannot be read here, or undefined when it can. */
function unreadable(layer: Descriptor): string | undefined {
  const t = layer.mediaType;
  if (layer.urls?.length || /foreign|nondistributable/.test(t))
    return `a foreign (non-distributable) layer ${layer.digest} is not in the registry`;
  if (/encrypted/.test(t)) return `layer ${layer.digest} is encrypted`;
  if (!READABLE_LAYER.test(t))
    return `layer ${layer.digest} has media type ${esc(t)}, not a tar layer`;
  return undefined;
}

/** Counts bytes through, and fails a stream that sends more than its descriptor's size. */
function counter(limit: number, onBytes: (n: number) => void): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      onBytes(chunk.length);
      if (seen > limit) done(new Error(`the registry sent more than the ${limit} bytes declared`));
      else done(null, chunk);
    },
  });
}

export async function verifyBinaries(input: VerifyInput): Promise<BinaryCheck> {
  const platform = formatPlatform(input.platform);
  const windows = input.platform.os === 'windows';
  const fold = windows ? (p: string) => p.toLowerCase() : undefined;
  const keepHead = windows
    ? (p: string) => /\.(exe|com|dll)$/i.test(p)
    : (_p: string, mode: number) => (mode & 0o111) !== 0;
  const topDown = [...input.layers].reverse();
  const read: LayerIndex[] = [];
  let bytesRead = 0;
  const result = (
    outcome: BinaryOutcome,
    message: string,
    chain: ChainLink[] = [],
  ): BinaryCheck => ({
    outcome,
    platform,
    message,
    chain,
    bytesRead,
    layersRead: read.length,
    layers: input.layers.length,
  });
  const program = programOf(input.config);
  if (!program) return result('unverified', 'the image config has no Entrypoint or Cmd');
  for (;;) {
    const complete = read.length === topDown.length;
    const verdict = walkChain(new RootFs(read, complete, fold), program, input.platform);
    if (verdict.outcome !== 'need-more')
      return result(verdict.outcome, verdict.message, verdict.chain);
    const layer = topDown[read.length]!;
    const why = unreadable(layer);
    if (why) return result('unverified', `${why}, and ${esc(verdict.path)} may lie in it`);
    if (bytesRead + layer.size > input.budget)
      return result(
        'unverified',
        `over the byte budget: finding ${esc(verdict.path)} needs layer ${layer.digest} (${layer.size} bytes) after ${bytesRead} read, and the budget is ${input.budget} (--verify-budget)`,
      );
    // Failing to open the blob is the registry's answer (auth, not found …): it is thrown as is.
    const source = await input.open(layer);
    try {
      const counted = counter(layer.size, (n) => (bytesRead += n));
      source.on('error', (err) => counted.destroy(err));
      read.push(await readLayer(source.pipe(counted), { keepHead, ...(fold ? { fold } : {}) }));
    } catch (err) {
      source.destroy();
      if (isAborted(err)) throw err;
      return result(
        'unverified',
        `layer ${layer.digest} could not be read: ${esc((err as Error).message)}`,
      );
    }
  }
}
