/**
 * The `Examples:` section of each command's help, and the pointer to the global options (listed
 * once, in `manifold --help`, not repeated under every command).
 */
import type { Command } from 'commander';

const EXAMPLES: Record<string, string[]> = {
  publish: [
    'manifold publish --from-spec manifest.yml',
    'manifold publish --from-spec manifest.yml --dry-run --output json',
    "manifold publish --from-args --platforms linux/amd64,linux/arm64 --template 'reg.example.com/app:OS-ARCH' --target reg.example.com/app:1.0",
  ],
  push: [
    'manifold push from-spec manifest.yml',
    "manifold push from-args --platforms linux/amd64,linux/arm64 --template 'reg.example.com/app:ARCH' --target reg.example.com/app:1.0",
  ],
  'from-spec': ['manifold push from-spec manifest.yml'],
  'from-args': [
    "manifold push from-args --platforms linux/amd64,linux/arm64/v8 --template 'reg.example.com/app:ARCHVARIANT' --target reg.example.com/app:1.0",
  ],
  create: [
    'manifold create -t reg.example.com/app:1.0 reg.example.com/app:1.0-amd64 reg.example.com/app:1.0-arm64',
    'manifold create --append -t reg.example.com/app:1.0 reg.example.com/app:1.0-s390x',
  ],
  inspect: [
    'manifold inspect reg.example.com/app:1.0',
    'manifold inspect --platform linux/arm64 --output json reg.example.com/app:1.0',
    'manifold inspect --verify-binaries reg.example.com/app:1.0',
  ],
  completion: [
    'source <(manifold completion bash)',
    'manifold completion fish > ~/.config/fish/completions/manifold.fish',
  ],
  validate: ['manifold validate manifest.yml', 'manifold validate --output json specs/*.yml'],
  schema: ['manifold schema > spec.schema.json'],
  auth: ['manifold auth check reg.example.com/app'],
  check: ['manifold auth check reg.example.com/app'],
  version: ['manifold version'],
};

/** A command's examples (the man page prints them too). */
export const examplesOf = (cmd: Command): string[] => EXAMPLES[cmd.name()] ?? [];

/** Adds the Examples section and the global-options pointer to every command under `program`. */
export function addExamples(program: Command): void {
  const visit = (cmd: Command): void => {
    const lines = EXAMPLES[cmd.name()];
    cmd.addHelpText(
      'after',
      `${lines ? `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n` : ''}\nGlobal options (--log-level, --quiet, --username, --docker-cfg, --insecure …): manifold --help\n`,
    );
    for (const sub of cmd.commands) visit(sub);
  };
  for (const cmd of program.commands) visit(cmd);
}
