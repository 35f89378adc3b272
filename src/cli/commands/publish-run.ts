import { AppError, EXIT, type SpecIssue } from '../../errors.js';
import { inGitHubActions } from '../ci-annotations.js';
import { escapeControl } from '../../escape.js';
import { publishAll } from '../../publish/index.js';
import { emitReport, runReport } from './publish-report.js';
import { prepareOutputFile } from '../output-file.js';
import { loadSpecText, type IndexFormat, type Spec } from '../../spec/index.js';
import { registryContext, type GlobalOptions, type RegistryOptions } from '../context.js';
import type { Io } from '../io.js';
import { progressLine } from '../progress.js';
import { parseSize } from '../size.js';
import {
  applyExtras,
  applyType,
  loadSpecFiles,
  printWarnings,
  specFromArgs,
  specFromCreate,
  type LoadCommon,
} from './spec-sources.js';

/** Options every publishing command shares (publish, push from-spec/from-args, create). */
export interface PublishRunOptions extends RegistryOptions, GlobalOptions {
  ignoreMissing?: boolean;
  dryRun?: boolean;
  output?: string;
  digestFile?: string;
  digestFileFormat?: 'plain' | 'dotenv';
  metadataFile?: string;
  allowUnknownKeys?: boolean;
  type?: IndexFormat;
  minChildren?: string;
  allowFewerPlatforms?: boolean;
  quiet?: boolean;
  verifyBinaries?: boolean;
  verifyStrict?: boolean;
  verifyBudget?: string;
}

export interface PublishOptions extends PublishRunOptions {
  fromSpec: string[];
  fromArgs?: boolean;
  platforms: string[];
  template?: string;
  target: string[];
  tags: string[];
  annotations: string[];
  rewriteConfig?: string | boolean;
}

/** --verify-binaries and --verify-strict set every document's verify and unverified. */
function applyVerify(specs: Spec[], opts: PublishRunOptions): Spec[] {
  if (!opts.verifyBinaries && !opts.verifyStrict) return specs;
  return specs.map((s) => ({
    ...s,
    ...(opts.verifyBinaries ? { verify: 'binaries' as const } : {}),
    ...(opts.verifyStrict ? { unverified: 'error' as const } : {}),
  }));
}

function minChildren(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new AppError('USAGE', `--min-children must be a positive whole number, found "${value}"`);
  return n;
}

const common = (opts: PublishRunOptions, io: Io): LoadCommon => ({
  env: io.env,
  allowUnknownKeys: Boolean(opts.allowUnknownKeys),
  readStdin: io.readStdin,
});

/** The specs of `publish`: files, or from-args; options of the other mode are usage errors. */
export function publishSpecs(
  opts: PublishOptions,
  io: Io,
): { specs: Spec[]; warnings: SpecIssue[] } {
  const given = (
    k: 'platforms' | 'template' | 'target' | 'tags' | 'annotations' | 'rewriteConfig',
  ) => (Array.isArray(opts[k]) ? (opts[k] as string[]).length > 0 : opts[k] !== undefined);
  const argsOptions = (
    ['platforms', 'template', 'target', 'tags', 'annotations', 'rewriteConfig'] as const
  ).filter(given);
  // --tags and --annotations also apply to spec files (every document); the rest are from-args'.
  const argsOnly = argsOptions.filter((k) => k !== 'tags' && k !== 'annotations');
  const flag = (k: string): string => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (opts.fromSpec.length > 0) {
    if (opts.fromArgs)
      throw new AppError('USAGE', 'give either --from-spec or --from-args, not both');
    if (argsOnly.length > 0)
      throw new AppError(
        'USAGE',
        `${argsOnly.map(flag).join(', ')} belong${argsOnly.length === 1 ? 's' : ''} to --from-args, not --from-spec (the spec file gives them)`,
      );
    if (opts.fromSpec.includes('-') && opts.passwordStdin)
      throw new AppError(
        'USAGE',
        '--from-spec - and --password-stdin cannot both read standard input',
      );
    const loaded = loadSpecFiles(opts.fromSpec, common(opts, io));
    if (!given('tags') && !given('annotations')) return loaded;
    return { ...loaded, specs: applyExtras(loaded.specs, opts) };
  }
  if (opts.fromArgs) {
    const loaded = loadSpecText('<arguments>', specFromArgs(opts), common(opts, io));
    return { ...loaded, specs: applyExtras(loaded.specs, { tags: opts.tags, annotations: [] }) };
  }
  if (argsOptions.length > 0)
    throw new AppError(
      'USAGE',
      `${argsOptions.map(flag).join(', ')} need${argsOptions.length === 1 ? 's' : ''} --from-args`,
    );
  throw new AppError('USAGE', 'publish needs --from-spec FILE (or -) or --from-args');
}

/** The spec of `create`: arguments become a spec; `--append` adds the index now under the first tag. */
export function createSpecs(
  o: { tags: string[]; sources: string[]; annotations: string[]; append?: boolean },
  opts: PublishRunOptions,
  io: Io,
): { specs: Spec[]; warnings: SpecIssue[] } {
  const sources = o.append && o.tags[0] ? [o.tags[0], ...o.sources] : o.sources;
  const loaded = loadSpecText('<arguments>', specFromCreate({ ...o, sources }), common(opts, io));
  if (!o.append) return loaded;
  const specs = loaded.specs.map((s) => ({
    ...s,
    mergedFrom: s.tags[0],
    manifests: s.manifests.map((m, i) => (i === 0 ? { ...m, replaceable: true } : m)),
  }));
  return { specs, warnings: loaded.warnings };
}

/** Runs a publish of the given documents and writes every output, in every outcome. */
export async function runPublishSpecs(
  loaded: { specs: Spec[]; warnings: SpecIssue[] },
  opts: PublishRunOptions,
  io: Io,
  typeExplicit: boolean,
): Promise<number> {
  // Warnings resolution answers (entries told apart by their configs) are validate's alone:
  // publish checks the resolved platforms and refuses true duplicates with an error.
  if (!opts.quiet)
    printWarnings(
      loaded.warnings.filter((w) => !w.settledByPublish),
      io,
      escapeControl,
    );
  const verifyBudget = parseSize(opts.verifyBudget, '--verify-budget');
  // Checked (and a FIFO opened) before anything is contacted: an output that cannot be written is exit 2.
  const outputs = {
    digestFile:
      opts.digestFile && !opts.dryRun
        ? prepareOutputFile(opts.digestFile, '--digest-file', 'replace')
        : undefined,
    metadataFile:
      opts.metadataFile && !opts.dryRun
        ? prepareOutputFile(opts.metadataFile, '--metadata-file', 'replace')
        : undefined,
    stepSummary:
      inGitHubActions(io.env) && io.env['GITHUB_STEP_SUMMARY']
        ? prepareOutputFile(io.env['GITHUB_STEP_SUMMARY'], 'GITHUB_STEP_SUMMARY', 'append')
        : undefined,
    githubOutput:
      io.env['GITHUB_OUTPUT'] && !opts.dryRun
        ? prepareOutputFile(io.env['GITHUB_OUTPUT'], 'GITHUB_OUTPUT', 'append')
        : undefined,
  };
  // Progress is for people: not with JSON or debug logs, not under --quiet.
  const quiet =
    opts.quiet ||
    opts.debug ||
    opts.logFormat === 'json' ||
    ['debug', 'trace'].includes(opts.logLevel);
  // A terminal that says it cannot move the cursor (TERM=dumb) gets plain lines.
  const terminal = io.isTty && io.env['TERM'] !== 'dumb';
  const progress = await progressLine(io, quiet ? 'off' : terminal ? 'tty' : 'lines');
  const ctx = registryContext(opts, opts, progress.io);
  const specs = applyVerify(
    applyType(loaded.specs, opts.type, typeExplicit, (m) => ctx.logger.warn(m)),
    opts,
  );
  let outcome;
  try {
    outcome = await publishAll(specs, {
      clientFor: (host, scopes) => ctx.clientFor(host, scopes),
      logger: ctx.logger,
      concurrency: ctx.concurrency,
      ignoreMissing: Boolean(opts.ignoreMissing),
      dryRun: Boolean(opts.dryRun),
      progress: progress.sink,
      ...(verifyBudget ? { verifyBudget } : {}),
      guard: {
        minChildren: minChildren(opts.minChildren),
        allowFewerPlatforms: Boolean(opts.allowFewerPlatforms),
      },
    });
  } finally {
    progress.end();
    ctx.close();
  }
  try {
    emitReport(
      runReport(outcome.results, { dryRun: Boolean(opts.dryRun), error: outcome.failure }),
      {
        output: opts.output,
        early: outcome.early,
        digestFormat: opts.digestFileFormat ?? 'plain',
        ...outputs,
      },
      io,
    );
  } finally {
    for (const f of Object.values(outputs)) f?.close();
  }
  if (outcome.failure) throw outcome.failure;
  return EXIT.OK;
}

/** Runs `manifold publish` with parsed options. */
export async function runPublish(
  opts: PublishOptions,
  io: Io,
  typeExplicit: boolean,
): Promise<number> {
  return runPublishSpecs(publishSpecs(opts, io), opts, io, typeExplicit);
}
