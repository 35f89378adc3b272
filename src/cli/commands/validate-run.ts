import { EXIT, formatIssue, SpecError, type SpecIssue } from '../../errors.js';
import { inGitHubActions, specAnnotations } from '../ci-annotations.js';
import { escapeControl } from '../../escape.js';
import { formatReference } from '../../oci/index.js';
import { loadSpecFile, type Spec } from '../../spec/index.js';
import type { Io } from '../io.js';

interface FileReport {
  file: string;
  valid: boolean;
  issues: SpecIssue[];
  indexes: { target: string; tags: string[]; children: number; mediaType: string }[];
}

function summarize(spec: Spec): FileReport['indexes'][number] {
  return {
    target: formatReference(spec.target),
    tags: [...spec.tags],
    children: spec.manifests.length,
    mediaType: spec.mediaType,
  };
}

function checkFile(file: string, io: Io, allowUnknownKeys: boolean): FileReport {
  try {
    const { specs, warnings } = loadSpecFile(file, {
      env: io.env,
      allowUnknownKeys,
      readStdin: io.readStdin,
    });
    return {
      file: file === '-' ? '<stdin>' : file,
      valid: true,
      issues: warnings,
      indexes: specs.map(summarize),
    };
  } catch (err) {
    if (err instanceof SpecError)
      return {
        file: file === '-' ? '<stdin>' : file,
        valid: false,
        issues: err.issues,
        indexes: [],
      };
    throw err;
  }
}

function printText(reports: FileReport[], io: Io): void {
  for (const r of reports) {
    for (const issue of r.issues) io.stderr(`${escapeControl(formatIssue(issue))}\n`);
    if (inGitHubActions(io.env)) io.stderr(specAnnotations(r.issues));
    if (r.valid) {
      const what = r.indexes
        .map((x) => `${x.target} (${x.children} ${x.children === 1 ? 'child' : 'children'})`)
        .join(', ');
      io.stdout(
        `${r.file}: valid: ${r.indexes.length} ${r.indexes.length === 1 ? 'index' : 'indexes'}: ${what}\n`,
      );
    } else {
      const n = r.issues.filter((i) => i.severity === 'error').length;
      io.stderr(`${r.file}: invalid: ${n} ${n === 1 ? 'problem' : 'problems'}\n`);
    }
  }
}

/** Runs `manifold validate` on the given files. */
export function runValidate(
  files: string[],
  opts: { output: string; allowUnknownKeys: boolean },
  io: Io,
): number {
  const reports = files.map((f) => checkFile(f, io, opts.allowUnknownKeys));
  const valid = reports.every((r) => r.valid);
  if (opts.output === 'json') io.stdout(`${JSON.stringify({ valid, files: reports }, null, 2)}\n`);
  else printText(reports, io);
  return valid ? EXIT.OK : EXIT.USAGE_OR_SPEC;
}
