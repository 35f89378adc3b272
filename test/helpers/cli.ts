/** Runs the built CLI (dist/src/cli/bin.js) as a subprocess, as a user or a CI job would. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The shipped artifact: the bundled CLI (package.json `bin`). */
export const CLI = resolve('dist/cli/bin.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: run "npm run build" first (npm test does it)`);
  return new Promise((resolvePromise) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      {
        env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...options.env },
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolvePromise({ code, stdout, stderr });
      },
    );
    // A CLI that exits before reading its stdin closes the pipe: EPIPE here is not the test's failure.
    child.stdin?.on('error', () => undefined);
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/**
 * Runs the CLI in this process through its `run(argv, io)` entry, from src/: fast, debuggable and
 * seen by coverage. The shipped bundle is exercised by `runCli` (the end-to-end tests and
 * everything that needs a process of its own: signals, terminals, closed pipes).
 */
export async function runInProcess(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; isTty?: boolean } = {},
): Promise<CliResult> {
  const { run } = await import('../../src/cli/main.js');
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    readStdin: () => options.input ?? '',
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...options.env },
    isTty: options.isTty ?? false,
  });
  return { code, stdout, stderr };
}
