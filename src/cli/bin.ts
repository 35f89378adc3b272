#!/usr/bin/env node
// `manifold --version` answers without loading the command tree: it is what scripts and
// container health checks call most, and start-up time is most of its cost.
import module from 'node:module';

// V8's compile cache (Node ≥ 22.1; absent on 20): the bundle is compiled once per Node version
// and build, not on every run. Node's own NODE_DISABLE_COMPILE_CACHE=1 turns it off.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { packageVersion } = await import('../package-info.js');
  process.stdout.write(`${packageVersion()}\n`);
} else if (args.length === 1 && args[0] === '-v') {
  // manifest-tool's one-line shape, for scripts that parse it.
  const { versionLine } = await import('../package-info.js');
  process.stdout.write(`${versionLine()}\n`);
} else {
  const [{ processIo }, { run }] = await Promise.all([import('./io.js'), import('./main.js')]);
  process.exitCode = await run(args, processIo());
}
