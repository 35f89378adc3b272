import type { Command } from 'commander';
import { addExamples } from './examples.js';
import { registerVersion } from './version.js';
import type { Exit, Io } from '../io.js';
import { registerAuth } from './auth.js';
import { registerCompletion } from './completion.js';
import { registerInspect } from './inspect.js';
import { registerCreate, registerPublish, registerPush } from './publish.js';
import { registerSchema } from './schema.js';
import { registerValidate } from './validate.js';

/** Registers every subcommand on the program. */
export function registerCommands(program: Command, io: Io, exit: Exit): void {
  registerPublish(program, io, exit);
  registerPush(program, io, exit);
  registerCreate(program, io, exit);
  registerInspect(program, io, exit);
  registerValidate(program, io, exit);
  registerSchema(program, io, exit);
  registerAuth(program, io, exit);
  registerVersion(program, io, exit);
  registerCompletion(program, io, exit);
  addExamples(program);
}
