import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * Returns the package root: the nearest folder above this module holding manifold's package.json.
 * Works from `src/` (tests) and from `dist/src/` (the built CLI and the container image).
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas')))
      return (root = dir);
    const up = dirname(dir);
    if (up === dir)
      throw new Error('manifold: cannot find the package root (package.json beside schemas/)');
    dir = up;
  }
}

/** manifold's version from package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Set by the bundler (scripts/bundle.ts) from the checkout's commit; absent when run from src/. */
declare const __MANIFOLD_COMMIT__: string | undefined;

/** The commit the bundle was built from, or `unknown` (a build outside a git checkout). */
export function packageCommit(): string {
  return typeof __MANIFOLD_COMMIT__ === 'string' && __MANIFOLD_COMMIT__
    ? __MANIFOLD_COMMIT__
    : 'unknown';
}

/** manifest-tool's `-v` line: `manifold version X (commit: Y)`. */
export function versionLine(): string {
  return `manifold version ${packageVersion()} (commit: ${packageCommit()})`;
}
