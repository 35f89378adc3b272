/**
 * GitHub Actions workflow commands for spec problems (`::error file=…,line=…,col=…::message`),
 * printed when GITHUB_ACTIONS=true so a problem shows on the line of the spec in the pull request.
 * Everything inside is escaped as the runner expects (`%`, CR, LF in the message; `:` and `,` too
 * in properties): a spec's text or a registry's can never end the command or start another.
 */
import type { SpecIssue } from '../errors.js';
import { escapeControl } from '../escape.js';

/** Escapes a workflow command's message. */
export const escapeData = (s: string): string =>
  s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string =>
  escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** One workflow command line per issue. */
export function specAnnotations(issues: readonly SpecIssue[]): string {
  return issues
    .map((i) => {
      const kind = i.severity === 'warning' ? 'warning' : 'error';
      const where = `file=${escapeProperty(i.file)},line=${i.line},col=${i.col}`;
      const text = i.path ? `${i.path}: ${i.message}` : i.message;
      return `::${kind} ${where}::${escapeData(escapeControl(text))}\n`;
    })
    .join('');
}

/** Whether this run is a GitHub Actions step. */
export const inGitHubActions = (env: NodeJS.ProcessEnv): boolean =>
  env['GITHUB_ACTIONS'] === 'true';
