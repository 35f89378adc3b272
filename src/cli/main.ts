import { Command, CommanderError } from 'commander';
import { AppError, EXIT, exitCodeFor } from '../errors.js';
import { escapeControl } from '../escape.js';
import { packageVersion } from '../package-info.js';
import { registerCommands } from './commands/index.js';
import { addGlobalRegistryOptions } from './registry-options.js';
import type { Io } from './io.js';

/** Builds the command tree. Exported so tests can run it in-process with their own streams. */
export function buildProgram(io: Io): Command {
  const program = new Command('manifold')
    .description('Publish multi-platform container images (OCI image index / Docker manifest list) from a YAML spec')
    .version(packageVersion(), '-V, --version')
    .option('--log-level <level>', 'trace, debug, info, warn, error or silent', 'info')
    .option('--log-format <format>', 'pretty (one readable line per record) or json (JSON lines)', 'pretty')
    .option('--debug', 'same as --log-level debug', false)
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError(false);
  addGlobalRegistryOptions(program);
  registerCommands(program, io);
  return program;
}

/** Runs the CLI and returns the exit code. The only place errors become exit codes. */
export async function run(argv: string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return io.exitCode ?? EXIT.OK;
  } catch (err) {
    return reportError(err, io);
  }
}

function reportError(err: unknown, io: Io): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.version' || err.code === 'commander.helpDisplayed' || err.code === 'commander.help') {
      return EXIT.OK;
    }
    return EXIT.USAGE_OR_SPEC;
  }
  if (err instanceof AppError) {
    io.stderr(`manifold: ${escapeControl(err.message)}\n`);
    return exitCodeFor(err.code);
  }
  const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
  io.stderr(`manifold: unexpected error, please report it with this output:\n${stack}\n`);
  return EXIT.UNEXPECTED;
}

