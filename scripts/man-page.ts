/**
 * Build step: writes manifold(1) to dist/man/manifold.1 from the command tree (the same one the
 * help and the completion scripts read). Its date is the commit's (or SOURCE_DATE_EPOCH's), so a
 * rebuild of one commit gives the same page.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_MEANINGS } from '../src/errors.js';
import { commandTree } from '../src/cli/command-tree.js';
import { examplesOf } from '../src/cli/commands/examples.js';
import { silentIo } from '../src/cli/io.js';
import { buildProgram } from '../src/cli/main.js';
import { manPage } from '../src/cli/man-page.js';
import { packageVersion } from '../src/package-info.js';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..');
function buildDate(): string {
  const epoch = process.env['SOURCE_DATE_EPOCH'];
  if (epoch) return new Date(Number(epoch) * 1000).toISOString().slice(0, 10);
  try {
    return execFileSync('git', ['log', '-1', '--format=%cs'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}
const tree = commandTree(buildProgram(silentIo()), examplesOf);
mkdirSync(join(dist, 'man'), { recursive: true });
writeFileSync(
  join(dist, 'man', 'manifold.1'),
  manPage(tree, { version: packageVersion(), date: buildDate(), exitCodes: EXIT_MEANINGS }),
);
