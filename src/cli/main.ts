import { Command, CommanderError, Option } from 'commander';
import { interruptExitCode, interruptedBy, resetInterrupt } from './interrupt.js';
import { AppError, EXIT, EXIT_MEANINGS, exitCodeFor, SpecError } from '../errors.js';
import { inGitHubActions, specAnnotations } from './ci-annotations.js';
import { escapeControl } from '../escape.js';
import { packageVersion } from '../package-info.js';
import { registerCommands } from './commands/index.js';
import { addGlobalRegistryOptions } from './registry-options.js';
import type { Exit, Io } from './io.js';

/** Builds the command tree. Exported so tests can run it in-process with their own streams. */
export function buildProgram(io: Io, exit: Exit = () => undefined): Command {
  const program = new Command('manifold')
    .description(
      'Publish multi-platform container images (OCI image index / Docker manifest list) from a YAML spec',
    )
    .version(packageVersion(), '-V, --version')
    .addOption(
      new Option('--log-level <level>', 'info: a line per child and tag; debug: a line per request')
        .choices(['trace', 'debug', 'info', 'warn', 'error', 'silent'])
        .default('warn'),
    )
    .addOption(
      new Option(
        '--log-format <format>',
        'pretty (one readable line per record) or json (JSON lines)',
      )
        .choices(['pretty', 'json'])
        .default('pretty'),
    )
    .option('--debug', 'same as --log-level debug', false)
    .option('-q, --quiet', 'errors only on stderr (no warnings, no progress)', false)
    // Global options are listed once, in `manifold --help`; each command's help points there.
    .configureHelp({ showGlobalOptions: false })
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError(false);
  addGlobalRegistryOptions(program);
  program.addHelpText(
    'after',
    `\nExit codes:\n${EXIT_MEANINGS.map(([c, m]) => `  ${c}  ${m}`).join('\n')}\n`,
  );
  registerCommands(program, io, exit);
  return program;
}

const wantsJson = (argv: string[]): boolean =>
  argv.some((a, i) => a === '--output=json' || (a === '--output' && argv[i + 1] === 'json'));

/** Runs the CLI and returns the exit code. The only place errors become exit codes. */
export async function run(argv: string[], io: Io): Promise<number> {
  let wrote = false;
  const tracked: Io = { ...io, stdout: (s) => ((wrote = true), io.stdout(s)) };
  let exitCode: number = EXIT.OK;
  const program = buildProgram(tracked, (code) => {
    exitCode = code;
  });
  resetInterrupt();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return afterInterrupt(exitCode, tracked);
  } catch (err) {
    const code = afterInterrupt(reportError(err, tracked), tracked, true);
    // --output json: one JSON document on stdout in every outcome, usage errors included.
    if (!wrote && code !== EXIT.OK && wantsJson(argv)) {
      const error =
        err instanceof AppError
          ? { code: err.code, message: err.message }
          : {
              code: err instanceof CommanderError ? 'USAGE' : 'INTERNAL',
              message: err instanceof Error ? err.message : String(err),
            };
      io.stdout(
        `${JSON.stringify({ ok: false, exitCode: code, dryRun: argv.includes('--dry-run'), error, indexes: [] }, null, 2)}\n`,
      );
    }
    return code;
  }
}

/**
 * The exit code once the command has reported: after SIGINT or SIGTERM it is 130 or 143 whatever
 * the outcome, so a cancelled run is never taken for a finished one (the report says what moved).
 */
function afterInterrupt(code: number, io: Io, failed = false): number {
  const signal = interruptedBy();
  if (!signal) return code;
  if (!failed)
    io.stderr(
      `manifold: interrupted by ${signal}; the report above is what the run settled before stopping\n`,
    );
  return interruptExitCode(signal);
}

function reportError(err: unknown, io: Io): number {
  if (err instanceof CommanderError) {
    if (
      err.code === 'commander.version' ||
      err.code === 'commander.helpDisplayed' ||
      err.code === 'commander.help'
    ) {
      return EXIT.OK;
    }
    return EXIT.USAGE_OR_SPEC;
  }
  if (err instanceof AppError) {
    io.stderr(`manifold: ${escapeControl(err.message)}\n`);
    // In GitHub Actions, spec problems also as annotations on the spec's lines.
    if (err instanceof SpecError && inGitHubActions(io.env)) io.stderr(specAnnotations(err.issues));
    return exitCodeFor(err.code);
  }
  const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
  io.stderr(`manifold: unexpected error, please report it with this output:\n${stack}\n`);
  return EXIT.UNEXPECTED;
}
