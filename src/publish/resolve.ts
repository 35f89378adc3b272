/**
 * Resolves every child of a spec in parallel (bounded by p-limit): the manifest's exact bytes,
 * digest, size and media type, then the config's platform. Every failure is collected and
 * reported together; missing optional children are skipped with a warning.
 */
import pLimit from 'p-limit';
import { AggregateAppError, AppError, RegistryError } from '../errors.js';
import type { Logger } from '../log.js';
import {
  formatPlatform,
  isAttestation,
  platformMatches,
  isImageManifestMediaType,
  isIndexMediaType,
  parseImageIndex,
  parseImageManifest,
  platformFromConfig,
  platformProblem,
  ATTESTATION_DIGEST_KEY,
  type Descriptor,
} from '../oci/index.js';
import { escapeForeign } from '../escape.js';
import type { RegistryClient } from '../registry/index.js';
import type { Spec, SpecEntry, VerifyMode } from '../spec/index.js';
import { DEFAULT_VERIFY_BUDGET, type BinaryCheck } from '../verify/index.js';
import {
  checkBinaries,
  checkImageAt,
  judgeBinaries,
  MAX_CONFIG_BYTES,
  mismatchMessage,
  rewriteFor,
  type Rewrite,
} from './binaries.js';
import { reconcilePlatform } from './platform-check.js';
import type { ResolvedEntry, SkippedEntry } from './types.js';

export interface ResolveDeps {
  /** The target registry's client. */
  client: RegistryClient;
  /** The client for a child's registry host (children may live on other registries). */
  clientFor: (host: string) => RegistryClient;
  /** The target's registry host. */
  targetHost: string;
  /** The target repository: children from elsewhere are looked up there too, in the same round trip. */
  targetRepo: string;
  /**
   * Resolves to false when the target repository has no tags at all (a first publish): children
   * are then not looked up there one by one. A repository holding only untagged manifests is
   * treated as empty; copying them again is idempotent.
   */
  targetHasTags: Promise<boolean>;
  logger: Logger;
  concurrency: number;
  ignoreMissing: boolean;
  progress?: (phase: 'resolve', delta: { total?: number; done?: number }) => void;
  /** Compressed bytes a child's binaries check may read (--verify-budget). */
  verifyBudget?: number;
}

export interface Resolved {
  entries: ResolvedEntry[];
  skipped: SkippedEntry[];
  subject?: Descriptor;
}

function label(entry: SpecEntry): string {
  return `${entry.location.path} (${entry.source})`;
}

async function inTargetRepo(digest: string, deps: ResolveDeps): Promise<boolean> {
  // A repository the run has not written to may still hold it: a HEAD on the target answers.
  if (!(await deps.targetHasTags)) return false;
  return (await deps.client.headManifest(deps.targetRepo, digest)) !== undefined;
}

/**
 * Whether a manifest an entry reads is in the target repository already (the HEAD a copy would
 * make, made while resolving): always, when the entry reads from the target repository itself.
 */
function presentInTarget(entry: SpecEntry, digest: string, deps: ResolveDeps): Promise<boolean> {
  const sameRepo = entry.ref.repository === deps.targetRepo && entry.ref.host === deps.targetHost;
  return sameRepo ? Promise.resolve(true) : inTargetRepo(digest, deps);
}

/** How a document checks its children's binaries (its `verify`, `unverified`, the budget). */
export interface DocumentChecks {
  verify: VerifyMode;
  unverified: 'warn' | 'error';
  budget: number;
}

const checksOf = (spec: Spec, budget: number): DocumentChecks => ({
  verify: spec.verify,
  unverified: spec.unverified,
  budget,
});

async function resolveImage(
  entry: SpecEntry,
  m: { bytes: Buffer; digest: string; size: number; mediaType: string },
  deps: ResolveDeps,
  doc: DocumentChecks,
): Promise<ResolvedEntry[]> {
  const repo = entry.ref.repository;
  const manifest = parseImageManifest(m.bytes, label(entry));
  const source = deps.clientFor(entry.ref.host);
  // For a child from another repository, ask whether the target already has it while the config is fetched.
  const [config, inTarget] = await Promise.all([
    source.getBlob(repo, manifest.config.digest, MAX_CONFIG_BYTES),
    presentInTarget(entry, m.digest, deps),
  ]);
  const fromConfig = platformFromConfig(config, `${label(entry)} config ${manifest.config.digest}`);
  // Keys given without os/architecture apply to the config's os/architecture (manifest-tool's reading).
  const specPlatform =
    entry.platform ??
    (entry.platformHint
      ? { os: fromConfig.os, architecture: fromConfig.architecture, ...entry.platformHint }
      : undefined);
  const rec = reconcilePlatform(specPlatform, fromConfig, entry.overridePlatform);
  const binaries =
    entry.rewriteConfig || (entry.verify ?? doc.verify) === 'binaries'
      ? await checkBinaries({
          client: source,
          repo,
          platform: specPlatform ?? fromConfig,
          config,
          layers: manifest.layers,
          budget: doc.budget,
        })
      : undefined;
  if (!rec.ok && !(entry.rewriteConfig && binaries?.outcome !== 'mismatch'))
    throw new AppError(
      'PLATFORM_MISMATCH',
      `${label(entry)}: ${mismatchMessage(rec.message, specPlatform!, binaries)}`,
    );
  if (binaries)
    judgeBinaries(binaries, {
      label: label(entry),
      options: doc,
      logger: deps.logger,
      entry: entry.location.path,
      rewrite: entry.rewriteConfig,
    });
  if (entry.rewriteConfig) {
    const rewritten = rewriteFor(
      {
        manifest: m.bytes,
        digest: m.digest,
        config,
        configDigest: manifest.config.digest,
        spec: specPlatform!,
      },
      `${label(entry)} rewritten config`,
    );
    if (rewritten) return [await rewrittenEntry(entry, m.mediaType, rewritten, binaries, deps)];
  }
  if (
    entry.overridePlatform &&
    specPlatform &&
    formatPlatform(specPlatform) !== formatPlatform(fromConfig)
  ) {
    deps.logger.warn(
      {
        entry: entry.location.path,
        spec: formatPlatform(specPlatform),
        config: formatPlatform(fromConfig),
      },
      'platform overridden by the spec',
    );
  }
  const platform = rec.ok ? rec.platform : fromConfig;
  const descriptor: Descriptor = {
    mediaType: m.mediaType,
    digest: m.digest,
    size: m.size,
    platform,
  };
  if (entry.annotations) descriptor.annotations = { ...entry.annotations };
  const specAnnotations = entry.annotations ? { specAnnotations: true } : {};
  deps.logger.info(
    {
      entry: entry.location.path,
      ref: entry.source,
      digest: m.digest,
      platform: formatPlatform(platform),
    },
    'child resolved',
  );
  return [
    {
      descriptor,
      sourceHost: entry.ref.host,
      sourceRepo: repo,
      from: { path: entry.location.path, source: entry.source },
      kind: 'image',
      bytes: m.bytes,
      inTarget,
      ...specAnnotations,
      ...(binaries ? { binaries } : {}),
    },
  ];
}

/** The entry for a rewritten child: the new manifest, its config held in memory, layers from the source. */
async function rewrittenEntry(
  entry: SpecEntry,
  mediaType: string,
  r: Rewrite,
  binaries: BinaryCheck | undefined,
  deps: ResolveDeps,
): Promise<ResolvedEntry> {
  const descriptor: Descriptor = {
    mediaType,
    digest: r.manifest.digest,
    size: r.manifest.size,
    platform: r.platform,
  };
  if (entry.annotations) descriptor.annotations = { ...entry.annotations };
  deps.logger.info(
    {
      entry: entry.location.path,
      ref: entry.source,
      from: r.from.digest,
      digest: r.manifest.digest,
      platform: formatPlatform(r.platform),
    },
    'child config rewritten',
  );
  return {
    descriptor,
    sourceHost: entry.ref.host,
    sourceRepo: entry.ref.repository,
    from: { path: entry.location.path, source: entry.source },
    kind: 'image',
    bytes: r.manifest.bytes,
    inTarget: await inTargetRepo(r.manifest.digest, deps),
    held: new Map([[r.config.digest, r.config.bytes]]),
    rewrite: { from: r.from.digest, config: { from: r.from.config, to: r.config.digest } },
    ...(entry.annotations ? { specAnnotations: true } : {}),
    ...(binaries ? { binaries } : {}),
  };
}

async function resolveIndex(
  entry: SpecEntry,
  m: { bytes: Buffer; digest: string; size: number; mediaType: string },
  deps: ResolveDeps,
  doc: DocumentChecks,
): Promise<ResolvedEntry[]> {
  const from = { path: entry.location.path, source: entry.source };
  const repo = entry.ref.repository;
  // Whether each manifest is in the target already, so a dry run names only real copies and the
  // copy skips what is there.
  const present = (digest: string): Promise<boolean> => presentInTarget(entry, digest, deps);
  if (entry.index === 'nest') {
    const descriptor: Descriptor = { mediaType: m.mediaType, digest: m.digest, size: m.size };
    if (entry.platform) descriptor.platform = entry.platform;
    if (entry.annotations) descriptor.annotations = { ...entry.annotations };
    return [
      {
        descriptor,
        sourceHost: entry.ref.host,
        sourceRepo: repo,
        from,
        kind: 'index',
        bytes: m.bytes,
        inTarget: await present(m.digest),
        ...(entry.annotations ? { specAnnotations: true } : {}),
      },
    ];
  }
  if (entry.platform)
    deps.logger.warn(
      { entry: entry.location.path },
      'platform ignored: the child is an index, its entries keep their own platforms',
    );
  const index = parseImageIndex(m.bytes, label(entry));
  let images = index.manifests.filter((d) => !isAttestation(d));
  if (entry.platforms) {
    const missing = entry.platforms.filter(
      (want) => !images.some((d) => platformMatches(want, d.platform)),
    );
    if (missing.length > 0)
      throw new AppError(
        'NOT_FOUND',
        `${label(entry)}: the index has no entry for ${missing.map(formatPlatform).join(', ')}`,
      );
    images = images.filter((d) =>
      entry.platforms!.some((want) => platformMatches(want, d.platform)),
    );
  }
  for (const d of images) {
    const problem = d.platform === undefined ? undefined : platformProblem(d.platform as never);
    if (problem)
      throw new AppError(
        'CONTENT_INVALID',
        `${label(entry)}: the index entry ${d.digest} has ${problem.field} "${escapeForeign(problem.value)}", not a valid platform value; the child is refused`,
      );
  }
  const kept = new Set(images.map((d) => d.digest));
  const attestations = index.manifests.filter(
    (d) => isAttestation(d) && kept.has(d.annotations?.[ATTESTATION_DIGEST_KEY] ?? ''),
  );
  const out: ResolvedEntry[] = images.map((d) => ({
    descriptor: {
      ...d,
      ...(entry.annotations ? { annotations: { ...d.annotations, ...entry.annotations } } : {}),
    },
    sourceHost: entry.ref.host,
    sourceRepo: repo,
    from,
    kind: 'image' as const,
    ...(entry.annotations ? { specAnnotations: true } : {}),
  }));
  for (const d of attestations)
    out.push({
      descriptor: { ...d },
      sourceHost: entry.ref.host,
      sourceRepo: repo,
      from,
      kind: 'attestation',
    });
  await Promise.all(
    out.map(async (e) => {
      e.inTarget = await present(e.descriptor.digest);
    }),
  );
  deps.logger.info(
    { entry: entry.location.path, ref: entry.source, digest: m.digest, entries: out.length },
    'child index resolved',
  );
  if ((entry.verify ?? doc.verify) === 'binaries')
    await Promise.all(
      out.filter((e) => e.kind === 'image').map((e) => checkIndexImage(e, entry, deps, doc)),
    );
  return out;
}

/** verify: binaries for an image of a flattened index, against the platform the index gives it. */
async function checkIndexImage(
  e: ResolvedEntry,
  entry: SpecEntry,
  deps: ResolveDeps,
  doc: DocumentChecks,
): Promise<void> {
  const where = `${label(entry)} entry ${e.descriptor.digest}`;
  const checked = await checkImageAt({
    client: deps.clientFor(e.sourceHost),
    repo: e.sourceRepo,
    digest: e.descriptor.digest,
    ...(e.descriptor.platform ? { platform: e.descriptor.platform } : {}),
    budget: doc.budget,
    where,
  });
  if (!checked) return;
  e.bytes = checked.manifest;
  e.binaries = checked.check;
  judgeBinaries(e.binaries, {
    label: `${where} (${e.binaries.platform})`,
    options: doc,
    logger: deps.logger,
    entry: entry.location.path,
  });
}

/** Resolves one spec entry into one or more index entries. */
export async function resolveEntry(
  entry: SpecEntry,
  deps: ResolveDeps,
  doc: DocumentChecks = { verify: 'config', unverified: 'warn', budget: DEFAULT_VERIFY_BUDGET },
): Promise<ResolvedEntry[]> {
  const reference = entry.ref.digest ?? entry.ref.tag ?? 'latest';
  let m;
  try {
    m = await deps.clientFor(entry.ref.host).getManifest(entry.ref.repository, reference);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    // The child's label first; a registry's details (status, URL, its error codes) kept on the error.
    const message = `${label(entry)}: ${err.code === 'NOT_FOUND' ? 'manifest not found: ' : ''}${err.message}`;
    if (err instanceof RegistryError)
      throw new RegistryError(err.code, message, err.details, { cause: err });
    throw new AppError(err.code, message, { cause: err });
  }
  const mark = (list: ResolvedEntry[]): ResolvedEntry[] =>
    entry.replaceable ? list.map((e) => ({ ...e, replaceable: true, mergedFrom: m.digest })) : list;
  if (isIndexMediaType(m.mediaType)) return mark(await resolveIndex(entry, m, deps, doc));
  if (isImageManifestMediaType(m.mediaType)) return mark(await resolveImage(entry, m, deps, doc));
  throw new AppError(
    'UNSUPPORTED_MEDIA_TYPE',
    `${label(entry)}: media type ${escapeForeign(m.mediaType)} is neither an image manifest nor an index`,
  );
}

type Outcome =
  | { status: 'fulfilled'; value: ResolvedEntry[] }
  | { status: 'rejected'; reason: unknown }
  | { status: 'not-started' }
  | undefined;

const skippable = (err: unknown, e: SpecEntry, deps: ResolveDeps): boolean =>
  err instanceof AppError && err.code === 'NOT_FOUND' && (e.optional || deps.ignoreMissing);

/**
 * After the first failure for good, answers already on their way (other children missing too,
 * asked at the same moment) are still read for this long, so they are named together; then
 * whatever is still in flight is aborted.
 */
export const FAILURE_SETTLE_MS = 100;

/** The reason the children still in flight are aborted with, once one has failed for good. */
export class StoppedError extends Error {
  readonly stopped = true;
  constructor(readonly by: string) {
    super(`stopped: ${by} failed`);
  }
}

/**
 * Resolves every child (at most `concurrency` at once). Once one has failed for good, no new
 * child is started, answers already on their way get FAILURE_SETTLE_MS, and the requests still
 * in flight are then aborted (their answers would not change the outcome); every failure seen
 * is thrown together. Returns entries in spec order otherwise.
 */
export async function resolveAll(spec: Spec, deps: ResolveDeps): Promise<Resolved> {
  const doc = checksOf(spec, deps.verifyBudget ?? DEFAULT_VERIFY_BUDGET);
  const limit = pLimit(Math.max(1, deps.concurrency));
  const outcomes: Outcome[] = spec.manifests.map(() => undefined);
  const stop = new AbortController();
  // Set once a child has failed for good: the timer that aborts what is still in flight.
  let settle: NodeJS.Timeout | undefined;
  const scoped = new Map<string, RegistryClient>();
  const clientFor = (host: string): RegistryClient => {
    let c = scoped.get(host);
    if (!c) scoped.set(host, (c = deps.clientFor(host).withSignal(stop.signal)));
    return c;
  };
  const childDeps: ResolveDeps = {
    ...deps,
    client: deps.client.withSignal(stop.signal),
    clientFor,
  };
  deps.progress?.('resolve', { total: spec.manifests.length });
  await Promise.all(
    spec.manifests.map((e, i) =>
      limit(async () => {
        if (settle) return void (outcomes[i] = { status: 'not-started' });
        try {
          outcomes[i] = { status: 'fulfilled', value: await resolveEntry(e, childDeps, doc) };
          deps.progress?.('resolve', { done: 1 });
        } catch (reason) {
          // Cut off because another child failed first: not checked, not a failure of its own.
          if (stop.signal.aborted) {
            deps.logger.debug(
              {
                entry: e.location.path,
                ref: e.source,
                by: (stop.signal.reason as StoppedError).by,
              },
              'child stopped: another child failed',
            );
            return void (outcomes[i] = { status: 'not-started' });
          }
          outcomes[i] = { status: 'rejected', reason };
          if (!skippable(reason, e, deps) && !settle) {
            settle = setTimeout(() => stop.abort(new StoppedError(label(e))), FAILURE_SETTLE_MS);
          }
        }
      }),
    ),
  );
  clearTimeout(settle);
  const entries: ResolvedEntry[] = [];
  const skipped: SkippedEntry[] = [];
  const failures: AppError[] = [];
  let unchecked = 0;
  outcomes.forEach((r, i) => {
    const e = spec.manifests[i]!;
    if (r === undefined || r.status === 'not-started') unchecked++;
    else if (r.status === 'fulfilled') entries.push(...r.value);
    else if (skippable(r.reason, e, deps)) {
      skipped.push({
        path: e.location.path,
        source: e.source,
        reason: (r.reason as AppError).message,
      });
      deps.logger.warn({ entry: e.location.path, ref: e.source }, 'child not found, skipped');
    } else if (r.reason instanceof AppError) failures.push(r.reason);
    else throw r.reason;
  });
  if (failures.length > 0) {
    const list = collapseAuth(failures);
    const rest =
      unchecked > 0 ? ` (${unchecked} not checked: resolution stopped at the first failure)` : '';
    throw new AggregateAppError(
      list[0]!.code,
      list,
      `${failures.length} of ${spec.manifests.length} children of ${spec.target.registry}/${spec.target.repository} ${failedHow(failures)}${rest}; nothing was pushed:`,
    );
  }
  if (entries.length === 0)
    throw new AppError(
      'NOT_FOUND',
      `nothing to publish for ${spec.target.registry}/${spec.target.repository}: every child was skipped as missing`,
    );
  return { entries, skipped, subject: await resolveSubject(spec, deps) };
}

/** Codes of a child that was found and read, and then refused by a check of its platform. */
const CHECK_CODES = new Set(['PLATFORM_MISMATCH', 'BINARY_MISMATCH', 'BINARY_UNVERIFIED']);

/** How the children failed: not resolved (missing, unreadable), refused by a check, or both. */
function failedHow(failures: AppError[]): string {
  const checks = failures.filter((f) => CHECK_CODES.has(f.code)).length;
  if (checks === 0) return 'could not be resolved';
  if (checks === failures.length) return 'were refused by the platform checks';
  return 'could not be resolved or were refused by the platform checks';
}

/** The one auth problem a registry has, if `err` (or what it wraps) is one. */
function authSummaryOf(err: AppError): string | undefined {
  const inner = err.cause instanceof RegistryError ? err.cause : err;
  return inner instanceof RegistryError ? inner.details.authSummary : undefined;
}

/** Children refused for the same credential problem are reported once, not once per child. */
function collapseAuth(failures: AppError[]): AppError[] {
  const groups = new Map<string, AppError[]>();
  const out: AppError[] = [];
  for (const f of failures) {
    const summary = authSummaryOf(f);
    if (summary === undefined) out.push(f);
    else groups.set(summary, [...(groups.get(summary) ?? []), f]);
  }
  for (const [summary, list] of groups) {
    out.unshift(
      list.length === 1 ? list[0]! : new AppError('AUTH', `${summary} (${list.length} children)`),
    );
  }
  return out;
}

async function resolveSubject(spec: Spec, deps: ResolveDeps): Promise<Descriptor | undefined> {
  if (!spec.subject) return undefined;
  const ref = spec.subject.digest ?? spec.subject.tag ?? 'latest';
  const head = await deps.client.headManifest(spec.subject.repository, ref);
  if (!head) throw new AppError('NOT_FOUND', `subject ${spec.subject.repository}:${ref} not found`);
  return { mediaType: head.mediaType, digest: head.digest, size: head.size };
}
