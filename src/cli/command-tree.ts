/**
 * The command tree as data (names, options, arguments, descriptions), read from the commander
 * program itself, so shell completion and the man page never drift from what the CLI accepts.
 */
import type { Argument, Command, Option } from 'commander';

export interface OptionInfo {
  long?: string;
  short?: string;
  description: string;
  /** The value's placeholder (`file`, `list` …) when the option takes one. */
  value?: string;
  choices?: string[];
  /** The value names a file or directory (completed from the file system). */
  path: boolean;
}

export interface CommandInfo {
  name: string;
  description: string;
  usage: string;
  options: OptionInfo[];
  /** Positional arguments; `path` when they name files. */
  args: { name: string; variadic: boolean; path: boolean; choices?: string[] }[];
  commands: CommandInfo[];
  examples: string[];
}

const PATH_VALUES = /^(files?|paths?|dir|pem|specs?|authfile)$/;

function optionInfo(o: Option): OptionInfo {
  const value = /[<[]([^>\]]+)[>\]]/.exec(o.flags)?.[1]?.replace(/\.\.\.$/, '');
  return {
    ...(o.long ? { long: o.long } : {}),
    ...(o.short ? { short: o.short } : {}),
    description: o.description,
    ...(value ? { value } : {}),
    ...(o.argChoices ? { choices: [...o.argChoices] } : {}),
    path: value !== undefined && PATH_VALUES.test(value),
  };
}

function argInfo(a: Argument): CommandInfo['args'][number] {
  return {
    name: a.name(),
    variadic: a.variadic,
    path: PATH_VALUES.test(a.name()),
    ...(a.argChoices ? { choices: [...a.argChoices] } : {}),
  };
}

/** The tree under `cmd` (hidden options and commands left out; help is added by commander). */
export function commandTree(
  cmd: Command,
  examples: (c: Command) => string[] = () => [],
): CommandInfo {
  const help = cmd.createHelp();
  return {
    name: cmd.name(),
    description: cmd.description(),
    usage: cmd.usage(),
    options: help.visibleOptions(cmd).map(optionInfo),
    args: cmd.registeredArguments.map(argInfo),
    commands: help
      .visibleCommands(cmd)
      .filter((c) => c.name() !== 'help')
      .map((c) => commandTree(c, examples)),
    examples: examples(cmd),
  };
}
