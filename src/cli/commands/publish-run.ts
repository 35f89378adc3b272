import { appendFileSync, writeFileSync } from 'node:fs';
import { AppError, EXIT, formatIssue } from '../../errors.js';
import { escapeControl } from '../../escape.js';
import { parsePlatform } from '../../oci/index.js';
import { publish, PushError, type PublishResult } from '../../publish/index.js';
import { loadSpecFile, loadSpecText, type LoadResult } from '../../spec/index.js';
import { registryContext, type GlobalOptions, type RegistryOptions } from '../context.js';
import type { Io } from '../io.js';

export interface PublishOptions extends RegistryOptions, GlobalOptions {
  fromSpec?: string;
  fromArgs?: boolean;
  platforms?: string;
  template?: string;
  target?: string;
  tags?: string;
  ignoreMissing: boolean;
  dryRun: boolean;
  output: string;
  digestFile?: string;
  allowUnknownKeys: boolean;
}

const list = (s: string | undefined): string[] => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);

/**
 * `--from-args`: manifest-tool's template form. OS, ARCH and VARIANT are each replaced once, in
 * that order; an empty variant vanishes. The result goes through the same checks as a spec file.
 */
export function specFromArgs(o: { platforms?: string; template?: string; target?: string; tags?: string }): string {
  if (!o.platforms || !o.template || !o.target) throw new AppError('USAGE', '--from-args needs --platforms, --template and --target');
  const manifests = list(o.platforms).map((text) => {
    const p = parsePlatform(text);
    if (!p) throw new AppError('USAGE', `--platforms: "${text}" is not os/arch[/variant]`);
    const image = o.template!.replace('OS', p.os).replace('ARCH', p.architecture).replace('VARIANT', p.variant ?? '');
    return { image, platform: p };
  });
  const raw = { image: o.target, ...(o.tags ? { tags: list(o.tags) } : {}), manifests };
  // JSON is YAML: the same loader checks it. '$' is escaped so arguments are never interpolated.
  return JSON.stringify(raw, null, 1).replace(/\$/g, '$$$$');
}

/** `registry/repository` of a result's target (which carries the first tag). */
const repositoryOf = (r: PublishResult): string => r.target.replace(/:[^:/]+$/, '');

function textLines(r: PublishResult): string {
  const lines = [`Digest: ${r.digest} ${r.size}`, ...r.tags.map((t) => `Tag: ${repositoryOf(r)}:${t.tag} ${t.status}`)];
  if (r.dryRun) lines.push(`Index (dry run, nothing pushed):`, r.indexJson!.trimEnd());
  return `${lines.join('\n')}\n`;
}

function writeOutputs(results: PublishResult[], opts: PublishOptions, io: Io): void {
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

function loadSpecs(opts: PublishOptions, io: Io): LoadResult {
  if (opts.fromSpec && opts.fromArgs) throw new AppError('USAGE', 'give either --from-spec or --from-args, not both');
  const common = { env: io.env, allowUnknownKeys: opts.allowUnknownKeys, readStdin: io.readStdin };
  if (opts.fromArgs) return loadSpecText('<arguments>', specFromArgs(opts), common);
  if (!opts.fromSpec) throw new AppError('USAGE', 'publish needs --from-spec FILE (or -) or --from-args');
  if (opts.fromSpec === '-' && opts.passwordStdin) throw new AppError('USAGE', '--from-spec - and --password-stdin cannot both read standard input');
  return loadSpecFile(opts.fromSpec, common);
}

/** Runs `manifold publish` with parsed options. */
export async function runPublish(opts: PublishOptions, io: Io): Promise<void> {
  const { specs, warnings } = loadSpecs(opts, io);
  for (const w of warnings) io.stderr(`${escapeControl(formatIssue(w))}\n`);
  const ctx = registryContext(opts, opts, io);
  const results: PublishResult[] = [];
  try {
    for (const spec of specs) {
      const client = ctx.clientFor(spec.target.host);
      results.push(await publish(spec, { client, logger: ctx.logger, concurrency: ctx.concurrency, ignoreMissing: opts.ignoreMissing, dryRun: opts.dryRun }));
    }
  } catch (err) {
    if (err instanceof PushError) {
      writeOutputs(results, opts, io);
      io.stdout(`Digest: ${err.digest}\n${err.tags.map((t) => `Tag: ${err.target}:${t.tag} ${t.status}\n`).join('')}`);
    }
    throw err;
  } finally {
    ctx.close();
  }
  writeOutputs(results, opts, io);
  io.exitCode = EXIT.OK;
}

