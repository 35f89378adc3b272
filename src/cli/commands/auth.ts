import type { Command } from 'commander';
import { addRegistryOptions, outputOption } from '../registry-options.js';
import type { Exit, Io } from '../io.js';
import type { AuthCheckOptions } from './auth-run.js';

/** `manifold auth check REF...`: which credentials each registry gets, and whether pull and push are granted. */
export function registerAuth(program: Command, io: Io, exit: Exit): void {
  const auth = program.command('auth').description('check credentials without printing them');
  const check = auth
    .command('check')
    .description(
      'for each reference: the credential source used, and whether pull and push are granted (exit 0 when both are, 3 otherwise)',
    )
    .argument('<refs...>', 'image references, e.g. reg.example.com/acme/app')
    .addOption(outputOption());
  addRegistryOptions(check).action(async (refs: string[], _o: unknown, command: Command) => {
    const { runAuthCheck } = await import('./auth-run.js');
    exit(await runAuthCheck(refs, command.optsWithGlobals<AuthCheckOptions>(), io));
  });
}
