import type { Command } from 'commander';
import { outputOption } from '../registry-options.js';
import type { Exit, Io } from '../io.js';

/** `manifold validate FILE... | -`: checks specs without contacting any registry. */
export function registerValidate(program: Command, io: Io, exit: Exit): void {
  program
    .command('validate')
    .description(
      'check spec files without contacting any registry (exit 0 when all are valid, 2 otherwise)',
    )
    .argument('<files...>', 'spec files; - reads standard input')
    .addOption(outputOption())
    .option(
      '--allow-unknown-keys',
      'report unknown keys as warnings and ignore them, as manifest-tool does',
      false,
    )
    .action(async (files: string[], opts: { output: string; allowUnknownKeys: boolean }) => {
      const { runValidate } = await import('./validate-run.js');
      exit(runValidate(files, opts, io));
    });
}
