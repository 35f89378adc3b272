/**
 * The one place a publish run's outcome is rendered: stdout (text or JSON), the digest file and
 * GITHUB_OUTPUT. Every outcome — success, partial, failure — goes through here, so the reports
 * agree with each other and with the exit code.
 */
import { exitCodeFor, type AppError, type ErrorCode } from '../../errors.js';
import { escapeControl } from '../../escape.js';
import { tagLanded, type PublishResult } from '../../publish/index.js';
import { interruptExitCode, interruptedBy } from '../interrupt.js';
import type { Io } from '../io.js';
import type { OutputFile } from '../output-file.js';

/** The JSON document `--output json` prints, in every outcome (schemas/publish-output.schema.json). */
export interface RunReport {
  ok: boolean;
  exitCode: number;
  dryRun: boolean;
  /** Set when the run was interrupted (the exit code is then 130 or 143). */
  interrupted?: NodeJS.Signals;
  error?: { code: ErrorCode; message: string };
  indexes: PublishResult[];
}

/** Builds the report; `error` is what the run failed with, if it did. */
export function runReport(
  results: PublishResult[],
  o: { dryRun: boolean; error?: AppError },
): RunReport {
  const signal = interruptedBy();
  const report: RunReport = {
    ok: !o.error && !signal,
    exitCode: signal ? interruptExitCode(signal) : o.error ? exitCodeFor(o.error.code) : 0,
    dryRun: o.dryRun,
    ...(signal ? { interrupted: signal } : {}),
    indexes: results,
  };
  if (o.error) report.error = { code: o.error.code, message: o.error.message };
  return report;
}

/** `registry/repository` of a result's target (which carries the first tag). */
const repositoryOf = (r: PublishResult): string => r.target.replace(/:[^:/]+$/, '');

/** Text output: manifest-tool's `Digest:` line first, then a line per tag (and per planned copy). */
export function renderText(report: RunReport): string {
  const out: string[] = [];
  for (const r of report.indexes) {
    out.push(`Digest: ${r.digest} ${r.size}`);
    for (const t of r.tags) {
      const detail = t.error ? ` (${escapeControl(t.error)})` : t.note ? ` (${t.note})` : '';
      out.push(`Tag: ${repositoryOf(r)}:${t.tag} ${t.status}${r.dryRun ? ' (dry run)' : detail}`);
    }
    if (r.referrers) {
      const how =
        r.referrers.via === 'api'
          ? "listed by the registry's referrers API"
          : r.referrers.error
            ? `the referrers tag ${r.referrers.tag} could not be updated (${escapeControl(r.referrers.error)})`
            : `this registry has no referrers API: ${r.referrers.added ? 'added to' : 'already in'} the referrers tag ${r.referrers.tag}`;
      out.push(`Referrers: ${how}`);
    }
    for (const c of r.children) {
      if (c.binaries) {
        const b = c.binaries;
        out.push(
          `Binaries: ${c.source} ${b.platform} ${b.outcome}: ${escapeControl(b.message)} (${b.bytesRead} bytes read, ${b.layersRead} of ${b.layers} layers)`,
        );
      }
      if (c.rewrite)
        out.push(
          `Rewritten: ${c.source} ${c.rewrite.from} -> ${c.digest} (config ${c.rewrite.config.from} -> ${c.rewrite.config.to}; referrers of the original do not describe it)`,
        );
      if (c.action === 'planned-copy')
        out.push(`Child: ${c.source} ${c.digest} would be copied into ${repositoryOf(r)}`);
      else if (c.action === 'copied' && r.status !== 'published')
        out.push(
          `Child: ${c.source} ${c.digest} copied into ${repositoryOf(r)} (kept; a re-run skips it)`,
        );
    }
    if (r.dryRun) out.push('Index (dry run, nothing pushed):', r.indexJson!);
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

/** Indexes that at least one tag points at after the run (what a pipeline may act on). */
function landed(report: RunReport): PublishResult[] {
  return report.dryRun ? [] : report.indexes.filter((r) => r.tags.some((t) => tagLanded(t.status)));
}

/**
 * The metadata file, with the keys `docker buildx imagetools create --metadata-file` writes:
 * the index's digest and descriptor, and the names (registry/repository:tag) it landed under.
 * For a run of several indexes, the first that landed (as GITHUB_OUTPUT's `digest`).
 */
function metadataOf(r: PublishResult): Record<string, unknown> {
  return {
    'containerimage.digest': r.digest,
    'containerimage.descriptor': { mediaType: r.mediaType, digest: r.digest, size: r.size },
    'image.name': landedNames(r).join(','),
  };
}

/** The references (registry/repository:tag) an index landed under. */
const landedNames = (r: PublishResult): string[] =>
  r.tags.filter((t) => tagLanded(t.status)).map((t) => `${repositoryOf(r)}:${t.tag}`);

const cell = (s: string): string => escapeControl(s).replace(/\|/g, '\\|').replace(/\s+/g, ' ');

/**
 * The `$GITHUB_STEP_SUMMARY` section of a run (GitHub Actions): per index its digest, a table of
 * its tags with their status, and its platforms.
 */
export function stepSummary(report: RunReport): string {
  const out: string[] = [
    `### manifold ${report.dryRun ? 'dry run' : 'publish'}: ${report.ok ? 'done' : `exit ${report.exitCode}`}`,
    '',
  ];
  for (const r of report.indexes) {
    out.push(`**${cell(r.target)}** — ${r.status}${r.digest ? ` \`${r.digest}\`` : ''}`, '');
    out.push('| tag | status |', '|---|---|');
    for (const t of r.tags)
      out.push(`| ${cell(t.tag)} | ${cell(t.status)}${t.error ? ` (${cell(t.error)})` : ''} |`);
    const platforms = r.children.flatMap((c) => (c.platform ? [c.platform] : []));
    if (platforms.length) out.push('', `Platforms: ${platforms.map(cell).join(', ')}`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

/** Prints the report and writes the digest file and GITHUB_OUTPUT with what landed. */
export function emitReport(
  report: RunReport,
  o: {
    output?: string;
    digestFile?: OutputFile;
    digestFormat?: 'plain' | 'dotenv';
    metadataFile?: OutputFile;
    githubOutput?: OutputFile;
    stepSummary?: OutputFile;
    early?: boolean;
  },
  io: Io,
): void {
  // The step summary tells what happened in every outcome, failures included.
  o.stepSummary?.write(stepSummary(report));
  // Text output of a run that failed before any write is the error alone (stdout stays empty,
  // as scripts that capture the `Digest:` line expect); JSON names every index, not attempted.
  if (o.output === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else if (!o.early) io.stdout(renderText(report));
  const done = landed(report);
  if (done.length === 0) return;
  o.digestFile?.write(
    o.digestFormat === 'dotenv'
      ? `DIGEST=${done[0]!.digest}\n${done.length > 1 ? `DIGESTS=${done.map((r) => r.digest).join(',')}\n` : ''}`
      : done.map((r) => `${r.digest}\n`).join(''),
  );
  const metadata = metadataOf(done[0]!);
  o.metadataFile?.write(`${JSON.stringify(metadata, null, 2)}\n`);
  o.githubOutput?.write(
    `digest=${done[0]!.digest}\ndigests=${done.map((r) => r.digest).join(' ')}\ntags=${done.flatMap(landedNames).join(',')}\nmetadata=${JSON.stringify(metadata)}\n`,
  );
}
