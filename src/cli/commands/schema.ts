import type { Command } from 'commander';
import { specSchema } from '../../spec/index.js';
import type { Io } from '../io.js';

/** `manifold schema`: prints the spec's JSON Schema (draft-07) for editors and other tools. */
export function registerSchema(program: Command, io: Io): void {
  program
    .command('schema')
    .description("print the spec's JSON Schema (draft-07), e.g. to save for your editor")
    .action(() => {
      io.stdout(`${JSON.stringify(specSchema(), null, 2)}\n`);
    });
}
