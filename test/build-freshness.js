// Jest globalSetup: the component and registry tests run the shipped bundle (dist/cli/bin.js).
// When a source file is newer than the bundle, the bundle is rebuilt first, so a test run after
// an edit can never pass on stale code. (Plain JS: it runs before ts-jest is set up.)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Newest modification time (ms) under the given files and directories. */
export function newest(paths) {
  let t = 0;
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const s = statSync(p);
    if (s.isDirectory()) t = Math.max(t, newest(readdirSync(p).map((n) => join(p, n))));
    else t = Math.max(t, s.mtimeMs);
  }
  return t;
}

/** True when the bundle is missing or older than any of its sources. */
export function isStale(sources, bundle) {
  return !existsSync(bundle) || newest(sources) > statSync(bundle).mtimeMs;
}

export const SOURCES = [
  'src',
  'schemas',
  'scripts/bundle.ts',
  'scripts/compile-schema.ts',
  'package.json',
];
export const BUNDLE = 'dist/cli/bin.js';

export default function ensureBuilt() {
  if (!isStale(SOURCES, BUNDLE)) return;
  process.stderr.write(
    '\nsrc/ is newer than dist/cli/bin.js: rebuilding before the tests (npm run build)\n',
  );
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
}
