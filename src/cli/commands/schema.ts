import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from '../../package-info.js';
import type { Exit, Io } from '../io.js';

/** `manifold schema`: prints the spec's JSON Schema (draft-07) for editors and other tools. */
export function registerSchema(program: Command, io: Io, _exit: Exit): void {
  program
    .command('schema')
    .description("print the spec's JSON Schema (draft-07), e.g. to save for your editor")
    .action(() => {
      io.stdout(readFileSync(join(packageRoot(), 'schemas', 'spec.schema.json'), 'utf8'));
    });
}
