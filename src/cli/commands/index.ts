import type { Command } from 'commander';
import type { Io } from '../io.js';

/** Registers every subcommand on the program. */
export function registerCommands(_program: Command, _io: Io): void {
  // Commands are added by the spec, publish and inspect modules.
}
