import type { Command } from 'commander';
import type { Io } from '../io.js';
import { registerAuth } from './auth.js';
import { registerInspect } from './inspect.js';
import { registerCreate, registerPublish, registerPush } from './publish.js';
import { registerSchema } from './schema.js';
import { registerValidate } from './validate.js';

/** Registers every subcommand on the program. */
export function registerCommands(program: Command, io: Io): void {
  registerPublish(program, io);
  registerPush(program, io);
  registerCreate(program, io);
  registerInspect(program, io);
  registerValidate(program, io);
  registerSchema(program, io);
  registerAuth(program, io);
}
