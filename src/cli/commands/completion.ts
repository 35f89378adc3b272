import { Argument, type Command } from 'commander';
import type { Exit, Io } from '../io.js';

/** `manifold completion bash|zsh|fish`: the shell's completion script, from the command tree. */
export function registerCompletion(program: Command, io: Io, _exit: Exit): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish), generated from the commands')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
    .action(async (shell: 'bash' | 'zsh' | 'fish') => {
      // Loaded only for this command: every other run skips the generators.
      const [{ commandTree }, { bashCompletion, fishCompletion, zshCompletion }] =
        await Promise.all([import('../command-tree.js'), import('../completion.js')]);
      const tree = commandTree(program);
      io.stdout(
        shell === 'bash'
          ? bashCompletion(tree)
          : shell === 'zsh'
            ? zshCompletion(tree)
            : fishCompletion(tree),
      );
    });
}
