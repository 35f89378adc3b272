/**
 * Build step: bundles the compiled CLI (dist/src/cli/bin.js) into dist/cli/ with esbuild. One
 * file per lazily loaded command instead of hundreds of modules cuts start-up time (measured in
 * bench/results/latest.md); `--version` still loads only its own small chunk.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..');
// The commit `manifold version` names: the checkout's, when there is one (not in an image build).
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
} catch {
  // no git, or not a checkout
}
const outdir = join(dist, 'cli');
// Chunk names carry content hashes: clear the old ones, or every build would leave its chunks behind.
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(dist, 'src', 'cli', 'bin.js')],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir,
  define: { __MANIFOLD_COMMIT__: JSON.stringify(commit) },
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __manifoldRequire } from 'node:module'; const require = __manifoldRequire(import.meta.url);",
  },
  // The build-time schema validator stays a separate file beside the chunks (loaded when needed).
  external: ['./compiled-validator.cjs'],
  logLevel: 'warning',
});
// The build-time validator requires a few of ajv's runtime helpers: bundled into it, so the
// package needs nothing at run time but Node.js (no runtime dependencies, no node_modules).
await build({
  entryPoints: [join(dist, 'src', 'spec', 'compiled-validator.cjs')],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outfile: join(outdir, 'compiled-validator.cjs'),
  logLevel: 'warning',
});
