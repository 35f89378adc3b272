import { appendFileSync, writeFileSync } from 'node:fs';
import { AppError, EXIT, type SpecIssue } from '../../errors.js';
import { escapeControl } from '../../escape.js';
import { publishAll, PushError, type PublishResult } from '../../publish/index.js';
import type { IndexFormat, Spec } from '../../spec/index.js';
import { registryContext, type GlobalOptions, type RegistryOptions } from '../context.js';
import type { Io } from '../io.js';
import {
  applyType, loadArgsSpec, loadSpecFiles, printWarnings, specFromArgs, specFromCreate, type LoadCommon,
} from './spec-sources.js';

/** Options every publishing command shares (publish, push from-spec/from-args, create). */
export interface PublishRunOptions extends RegistryOptions, GlobalOptions {
  ignoreMissing?: boolean;
  dryRun?: boolean;
  output?: string;
  digestFile?: string;
  allowUnknownKeys?: boolean;
  type?: IndexFormat;
}

export interface PublishOptions extends PublishRunOptions {
  fromSpec: string[];
  fromArgs?: boolean;
  platforms: string[];
  template?: string;
  target?: string;
  tags: string[];
  annotations: string[];
}

/** `registry/repository` of a result's target (which carries the first tag). */
const repositoryOf = (r: PublishResult): string => r.target.replace(/:[^:/]+$/, '');

function textLines(r: PublishResult): string {
  const lines = [`Digest: ${r.digest} ${r.size}`, ...r.tags.map((t) => `Tag: ${repositoryOf(r)}:${t.tag} ${t.status}${r.dryRun ? ' (dry run)' : ''}`)];
  if (r.dryRun) {
    for (const c of r.children) if (c.action === 'planned-copy') lines.push(`Child: ${c.source} ${c.digest} would be copied into ${repositoryOf(r)}`);
    lines.push(`Index (dry run, nothing pushed):`, r.indexJson!);
  }
  return `${lines.join('\n')}\n`;
}

function writeOutputs(results: PublishResult[], opts: PublishRunOptions, io: Io): void {
  if (opts.output === 'json') io.stdout(`${JSON.stringify(results.length === 1 ? results[0] : { indexes: results }, null, 2)}\n`);
  else for (const r of results) io.stdout(textLines(r));
  if (results.some((r) => r.dryRun)) return;
  if (opts.digestFile) writeFileSync(opts.digestFile, results.map((r) => `${r.digest}\n`).join(''));
  const gh = io.env['GITHUB_OUTPUT'];
  if (gh && results.length > 0) {
    const tags = results.flatMap((r) => r.tags.map((t) => `${repositoryOf(r)}:${t.tag}`));
    appendFileSync(gh, `digest=${results[0]!.digest}\ndigests=${results.map((r) => r.digest).join(' ')}\ntags=${tags.join(',')}\n`);
  }
}

const common = (opts: PublishRunOptions, io: Io): LoadCommon => ({ env: io.env, allowUnknownKeys: Boolean(opts.allowUnknownKeys), readStdin: io.readStdin });

/** The specs of `publish`: files, or from-args; options of the other mode are usage errors. */
export function publishSpecs(opts: PublishOptions, io: Io): { specs: Spec[]; warnings: SpecIssue[] } {
  const argsOptions = (['platforms', 'template', 'target', 'tags', 'annotations'] as const)
    .filter((k) => (Array.isArray(opts[k]) ? (opts[k] as string[]).length > 0 : opts[k] !== undefined));
  if (opts.fromSpec.length > 0) {
    if (opts.fromArgs) throw new AppError('USAGE', 'give either --from-spec or --from-args, not both');
    if (argsOptions.length > 0) throw new AppError('USAGE', `${argsOptions.map((k) => `--${k}`).join(', ')} belong${argsOptions.length === 1 ? 's' : ''} to --from-args, not --from-spec (the spec file gives them)`);
    if (opts.fromSpec.includes('-') && opts.passwordStdin) throw new AppError('USAGE', '--from-spec - and --password-stdin cannot both read standard input');
    return loadSpecFiles(opts.fromSpec, common(opts, io));
  }
  if (opts.fromArgs) return loadArgsSpec('<arguments>', specFromArgs(opts), common(opts, io));
  if (argsOptions.length > 0) throw new AppError('USAGE', `${argsOptions.map((k) => `--${k}`).join(', ')} need${argsOptions.length === 1 ? 's' : ''} --from-args`);
  throw new AppError('USAGE', 'publish needs --from-spec FILE (or -) or --from-args');
}

/** The spec of `create`: arguments become a spec; `--append` adds the index now under the first tag. */
export function createSpecs(o: { tags: string[]; sources: string[]; annotations: string[]; append?: boolean }, opts: PublishRunOptions, io: Io): { specs: Spec[]; warnings: SpecIssue[] } {
  const sources = o.append && o.tags[0] ? [o.tags[0], ...o.sources] : o.sources;
  const loaded = loadArgsSpec('<arguments>', specFromCreate({ ...o, sources }), common(opts, io));
  if (!o.append) return loaded;
  const specs = loaded.specs.map((s) => ({ ...s, manifests: s.manifests.map((m, i) => (i === 0 ? { ...m, replaceable: true } : m)) }));
  return { specs, warnings: loaded.warnings };
}

/** Runs a publish of the given documents and writes every output. */
export async function runPublishSpecs(loaded: { specs: Spec[]; warnings: SpecIssue[] }, opts: PublishRunOptions, io: Io, typeExplicit: boolean): Promise<void> {
  printWarnings(loaded.warnings, io, escapeControl);
  const ctx = registryContext(opts, opts, io);
  const specs = applyType(loaded.specs, opts.type, typeExplicit, (m) => ctx.logger.warn(m));
  try {
    const results = await publishAll(specs, {
      clientFor: (host) => ctx.clientFor(host), logger: ctx.logger, concurrency: ctx.concurrency,
      ignoreMissing: Boolean(opts.ignoreMissing), dryRun: Boolean(opts.dryRun),
    });
    writeOutputs(results, opts, io);
    io.exitCode = EXIT.OK;
  } catch (err) {
    if (err instanceof PushError) {
      writeOutputs(err.completed, opts, io);
      io.stdout(`Digest: ${err.digest}\n${err.tags.map((t) => `Tag: ${err.target}:${t.tag} ${t.status}\n`).join('')}`);
    }
    throw err;
  } finally {
    ctx.close();
  }
}

/** Runs `manifold publish` with parsed options. */
export async function runPublish(opts: PublishOptions, io: Io, typeExplicit: boolean): Promise<void> {
  await runPublishSpecs(publishSpecs(opts, io), opts, io, typeExplicit);
}
