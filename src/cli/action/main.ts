/**
 * The GitHub Action's entry point (action.yml `runs: using: node24`): its inputs become one
 * `manifold publish` command line (./inputs.ts), run in this process. The committed bundle of this
 * file (action/index.js, `npm run bundle:action`) is what the runner executes: no install, no
 * build in the job.
 */
import { resolve } from 'node:path';
import { AppError, EXIT } from '../../errors.js';
import { escapeControl, shellQuote } from '../../escape.js';
import { escapeData } from '../ci-annotations.js';
import { processIo } from '../io.js';
import { run } from '../main.js';
import { actionCommand, type ActionCommand } from './inputs.js';

const out = (s: string): void => void process.stdout.write(s);

/** A word as a shell would need it, for the command line the log shows. */
const quote = (w: string): string => (/^[\w@%+=:,./-]+$/.test(w) ? w : shellQuote(w));

let cmd: ActionCommand | undefined;
try {
  cmd = actionCommand(process.env);
} catch (err) {
  out(`::error::${escapeData(escapeControl((err as Error).message))}\n`);
  process.exitCode = err instanceof AppError ? EXIT.USAGE_OR_SPEC : 1;
}
if (cmd) {
  // Masked before anything could print them (a password that did not come from `secrets`).
  for (const s of cmd.secrets)
    for (const part of s.split(/\r?\n/)) if (part) out(`::add-mask::${escapeData(part)}\n`);
  for (const w of cmd.warnings) out(`::warning::${escapeData(escapeControl(w))}\n`);
  if (cmd.cwd) process.chdir(resolve(process.env['GITHUB_WORKSPACE'] ?? '.', cmd.cwd));
  Object.assign(process.env, cmd.env);
  process.stderr.write(`manifold ${cmd.argv.map(quote).join(' ')}\n`);
  process.exitCode = await run(cmd.argv, processIo());
}
