import { AppError, EXIT } from '../../errors.js';
import { escapeForeign } from '../../escape.js';
import {
  ATTESTATION_DIGEST_KEY,
  formatPlatform,
  isAttestation,
  isIndexMediaType,
  parseImageIndex,
  parseImageManifest,
  parsePlatform,
  parseReference,
  platformFromConfig,
  hostRank,
  selectForHost,
  PLATFORM_ALIASES,
  referenceTarget,
  type Descriptor,
  type Platform,
} from '../../oci/index.js';
import { checkImageAt, DEFAULT_VERIFY_BUDGET, type BinaryCheck } from '../../publish/index.js';
import type { RegistryClient } from '../../registry/index.js';
import { registryContext, type GlobalOptions, type RegistryOptions } from '../context.js';
import type { Io } from '../io.js';
import { parseSize } from '../size.js';

export interface InspectOptions extends RegistryOptions, GlobalOptions {
  raw: boolean;
  referrers?: boolean;
  output: string;
  platform?: string;
  verifyBinaries?: boolean;
  verifyStrict?: boolean;
  verifyBudget?: string;
}

interface ImageCheck extends BinaryCheck {
  digest: string;
}

/** --verify-binaries: each image entry checked against the platform its index gives it. */
async function checkEntries(
  client: RegistryClient,
  repo: string,
  entries: Descriptor[],
  budget: number,
): Promise<ImageCheck[]> {
  const images = entries.filter((d) => !isAttestation(d) && !isIndexMediaType(d.mediaType));
  const checked = await Promise.all(
    images.map(async (d) => {
      const r = await checkImageAt({
        client,
        repo,
        digest: d.digest,
        ...(d.platform ? { platform: d.platform } : {}),
        budget,
      });
      return r ? [{ digest: d.digest, ...r.check }] : [];
    }),
  );
  return checked.flat();
}

const checkLines = (checks: ImageCheck[]): string =>
  checks
    .map(
      (c) =>
        `Binaries: ${c.platform} ${c.digest} ${c.outcome}: ${c.message} (${c.bytesRead} bytes read, ${c.layersRead} of ${c.layers} layers)\n`,
    )
    .join('');

/** After the report is printed: a mismatch (or, strict, an unverified image) is exit 3. */
function judgeChecks(checks: ImageCheck[], refText: string, strict: boolean): void {
  const bad = checks.filter(
    (c) => c.outcome === 'mismatch' || (strict && c.outcome === 'unverified'),
  );
  if (bad.length === 0) return;
  const code = bad.some((c) => c.outcome === 'mismatch') ? 'BINARY_MISMATCH' : 'BINARY_UNVERIFIED';
  throw new AppError(
    code,
    `${escapeForeign(refText)}: ${bad.length} of ${checks.length} image${checks.length === 1 ? '' : 's'} ${code === 'BINARY_MISMATCH' ? 'do not match their platform' : 'could not be checked'}:\n${bad.map((c) => `  - ${c.platform} ${c.digest}: ${c.message}`).join('\n')}`,
  );
}

/** Every cell is registry text: escaped, so it cannot move the cursor or start a line of its own. */
function table(rows: string[][]): string {
  const safe = rows.map((r) => r.map((c) => escapeForeign(c)));
  const widths = safe[0]!.map((_, i) => Math.max(...safe.map((r) => r[i]!.length)));
  return (
    safe
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** Parses --platform, with the spec loader's did-you-mean for non-canonical names. */
export function wantedPlatform(text: string | undefined): Platform | undefined {
  if (text === undefined) return undefined;
  const want = parsePlatform(text);
  if (!want) throw new AppError('USAGE', `--platform: "${text}" is not os/arch[/variant]`);
  const alias = PLATFORM_ALIASES[want.architecture.toLowerCase()];
  if (alias) {
    const fix = [want.os, alias.architecture, alias.variant ?? want.variant]
      .filter(Boolean)
      .join('/');
    throw new AppError(
      'USAGE',
      `--platform: "${want.architecture}" is not a canonical architecture name; did you mean ${fix}?`,
    );
  }
  return want;
}

const platformText = (d: Descriptor): string => {
  if (!d.platform) return '-';
  const features = d.platform['os.features']?.length
    ? ` (${d.platform['os.features'].join(',')})`
    : '';
  return `${formatPlatform(d.platform)}${features}`;
};

function describeEntry(d: Descriptor): string {
  if (isAttestation(d)) return `attestation for ${d.annotations?.[ATTESTATION_DIGEST_KEY] ?? '?'}`;
  const rest = Object.entries(d.annotations ?? {}).map(([k, v]) => `${k}=${v}`);
  if (d.artifactType) rest.unshift(`artifactType=${d.artifactType}`);
  return rest.join(' ');
}

interface IndexView {
  manifests: Descriptor[];
  annotations?: Record<string, string>;
  artifactType?: string;
  subject?: Descriptor;
}

function indexView(bytes: Buffer, where: string): IndexView {
  const raw = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  const view: IndexView = { manifests: parseImageIndex(bytes, where).manifests };
  if (raw['annotations'] && typeof raw['annotations'] === 'object')
    view.annotations = raw['annotations'] as Record<string, string>;
  if (typeof raw['artifactType'] === 'string') view.artifactType = raw['artifactType'];
  if (raw['subject'] && typeof raw['subject'] === 'object')
    view.subject = raw['subject'] as Descriptor;
  return view;
}

/** Runs `manifold inspect` with parsed options. */
async function inspect(refText: string, opts: InspectOptions, io: Io): Promise<void> {
  const want = wantedPlatform(opts.platform);
  const budget = parseSize(opts.verifyBudget, '--verify-budget') ?? DEFAULT_VERIFY_BUDGET;
  if ((opts.verifyBudget || opts.verifyStrict) && !opts.verifyBinaries)
    throw new AppError('USAGE', '--verify-budget and --verify-strict go with --verify-binaries');
  if (opts.verifyBinaries && (opts.raw || opts.referrers))
    throw new AppError('USAGE', '--verify-binaries cannot be combined with --raw or --referrers');
  const ref = parseReference(refText);
  const ctx = registryContext(opts, opts, io);
  try {
    const client = ctx.clientFor(ref.host);
    let m = await client.getManifest(ref.repository, referenceTarget(ref));
    const head = { reference: refText, digest: m.digest, size: m.size, mediaType: m.mediaType };
    if (opts.referrers) {
      const found = await client.listReferrers(ref.repository, m.digest);
      if (opts.output === 'json')
        return void io.stdout(
          `${JSON.stringify({ subject: head, source: found.source, manifests: found.manifests }, null, 2)}\n`,
        );
      const from =
        found.source === 'api'
          ? "the registry's referrers API"
          : `the referrers tag ${m.digest.replace(':', '-')} (this registry has no referrers API)`;
      io.stdout(
        `${escapeForeign(`Referrers of ${refText} (${m.digest}), from ${from}: ${found.manifests.length}`)}\n`,
      );
      if (found.manifests.length === 0) return;
      return void io.stdout(
        table([
          ['ARTIFACT TYPE', 'DIGEST', 'SIZE', 'MEDIA TYPE', 'ANNOTATIONS'],
          ...found.manifests.map((d) => [
            d.artifactType ?? '-',
            d.digest,
            String(d.size),
            d.mediaType,
            Object.entries(d.annotations ?? {})
              .map(([k, v]) => `${k}=${v}`)
              .join(' '),
          ]),
        ]),
      );
    }
    if (isIndexMediaType(m.mediaType)) {
      const view = indexView(m.bytes, refText);
      const choice = want
        ? selectForHost(
            want,
            view.manifests.filter((d) => !isAttestation(d)),
          )
        : undefined;
      const selected = choice?.entry;
      if (want && !selected)
        throw new AppError(
          'NOT_FOUND',
          `${refText}: no entry matches ${opts.platform} (it has ${view.manifests
            .filter((d) => !isAttestation(d))
            .map(platformText)
            .join(', ')})`,
        );
      if (opts.raw) {
        if (selected) m = await client.getManifest(ref.repository, selected.digest);
        return void io.stdout(m.bytes.toString('utf8'));
      }
      const shown = selected ? [selected] : view.manifests;
      const checks = opts.verifyBinaries
        ? await checkEntries(client, ref.repository, shown, budget)
        : undefined;
      if (opts.output === 'json') {
        io.stdout(
          `${JSON.stringify({ ...head, ...view, manifests: shown, ...(selected ? { selected: selected.digest } : {}), ...(checks ? { binaries: checks } : {}) }, null, 2)}\n`,
        );
        return judgeChecks(checks ?? [], refText, Boolean(opts.verifyStrict));
      }
      const lines = [`${refText}: ${m.mediaType}`, `Digest: ${m.digest} ${m.size}`];
      if (view.artifactType) lines.push(`Artifact type: ${view.artifactType}`);
      if (view.subject) lines.push(`Subject: ${view.subject.digest} (${view.subject.mediaType})`);
      for (const [k, v] of Object.entries(view.annotations ?? {}))
        lines.push(`Annotation: ${k}=${v}`);
      if (selected)
        lines.push(
          choice!.exact
            ? `Selected for ${opts.platform} (first match):`
            : `Selected for ${opts.platform}: no exact entry; ${platformText(selected)} is what such a host runs (the closest lower variant):`,
        );
      io.stdout(`${lines.map((l) => escapeForeign(l)).join('\n')}\n`);
      const rows = [
        ['PLATFORM', 'DIGEST', 'SIZE', 'MEDIA TYPE', 'ANNOTATIONS'],
        ...shown.map((d) => [
          platformText(d),
          d.digest,
          String(d.size),
          d.mediaType,
          describeEntry(d),
        ]),
      ];
      io.stdout(table(rows));
      if (checks) io.stdout(checkLines(checks));
      return judgeChecks(checks ?? [], refText, Boolean(opts.verifyStrict));
    }
    const image = parseImageManifest(m.bytes, refText);
    const platform = platformFromConfig(
      await client.getBlob(ref.repository, image.config.digest),
      refText,
    );
    // The trap of a mislabelled image: asking for a platform it is not for is an error, not a match.
    if (want && hostRank(want, platform) === undefined) {
      throw new AppError(
        'PLATFORM_MISMATCH',
        `${refText}: this is an image for ${formatPlatform(platform)}, not ${opts.platform}`,
      );
    }
    if (opts.raw) return void io.stdout(m.bytes.toString('utf8'));
    const checks = opts.verifyBinaries
      ? await checkEntries(client, ref.repository, [{ ...head, platform }], budget)
      : undefined;
    if (opts.output === 'json') {
      io.stdout(
        `${JSON.stringify({ ...head, platform, config: image.config, layers: image.layers, ...(checks ? { binaries: checks } : {}) }, null, 2)}\n`,
      );
      return judgeChecks(checks ?? [], refText, Boolean(opts.verifyStrict));
    }
    io.stdout(
      `${escapeForeign(`${refText}: ${m.mediaType}`)}\nDigest: ${m.digest} ${m.size}\nPlatform: ${escapeForeign(platformText({ ...head, platform }))}\n`,
    );
    io.stdout(
      table([
        ['LAYER', 'SIZE', 'MEDIA TYPE'],
        ...image.layers.map((l) => [l.digest, String(l.size), l.mediaType]),
      ]),
    );
    if (checks) io.stdout(checkLines(checks));
    judgeChecks(checks ?? [], refText, Boolean(opts.verifyStrict));
  } finally {
    ctx.close();
  }
}

/** Runs `manifold inspect`; returns the exit code (failures are thrown). */
export async function runInspect(refText: string, opts: InspectOptions, io: Io): Promise<number> {
  await inspect(refText, opts, io);
  return EXIT.OK;
}
