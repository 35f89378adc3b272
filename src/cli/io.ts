import { readFileSync, writeSync } from 'node:fs';

/** What a command may touch of the outside world: streams, environment, stdin. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): string;
  env: NodeJS.ProcessEnv;
  isTty: boolean;
  /** Set by a command that finished without throwing but must not exit 0. */
  exitCode?: number;
}

/** The real process streams. Writes are synchronous so nothing is lost when the process exits. */
export function processIo(): Io {
  return {
    stdout: (s) => void writeSync(1, s),
    stderr: (s) => void writeSync(2, s),
    readStdin: () => readFileSync(0, 'utf8'),
    env: process.env,
    isTty: Boolean(process.stderr.isTTY),
  };
}
