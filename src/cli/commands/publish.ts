import type { Command } from 'commander';
import { addRegistryOptions, outputOption } from '../registry-options.js';
import type { Io } from '../io.js';
import type { PublishOptions } from './publish-run.js';

/** `manifold publish`: push an index built from a spec (or from manifest-tool style arguments). */
export function registerPublish(program: Command, io: Io): void {
  const cmd = program
    .command('publish')
    .description('resolve every child, check platforms, and push one index under every tag')
    .option('--from-spec <file>', 'spec file; - reads standard input')
    .option('--from-args', "build the spec from --platforms, --template and --target (manifest-tool's from-args)")
    .option('--platforms <list>', 'with --from-args: os/arch[/variant],…')
    .option('--template <ref>', 'with --from-args: child reference with OS, ARCH and VARIANT placeholders')
    .option('--target <ref>', 'with --from-args: the target reference')
    .option('--tags <list>', 'with --from-args: extra tags, comma-separated')
    .option('--ignore-missing', 'skip children that do not exist, with a warning', false)
    .option('--dry-run', 'resolve and plan, print the index and tags, push nothing', false)
    .addOption(outputOption())
    .option('--digest-file <path>', 'write the pushed digest to this file')
    .option('--allow-unknown-keys', 'report unknown spec keys as warnings and ignore them', false);
  addRegistryOptions(cmd).action(async (_o: unknown, command: Command) => {
    const { runPublish } = await import('./publish-run.js');
    await runPublish(command.optsWithGlobals<PublishOptions>(), io);
  });
}
