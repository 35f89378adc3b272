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
