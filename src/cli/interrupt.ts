/**
 * Whether this run was interrupted (SIGINT, SIGTERM). The command still settles and reports
 * what moved; the exit code then says "interrupted" (128 + signal number, as shells do), even
 * when every tag landed, so a script or a CI wrapper can tell a cancelled run from a finished one.
 */
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15 };

let received: NodeJS.Signals | undefined;

/** Called by the signal handler. */
export function noteInterrupt(signal: NodeJS.Signals): void {
  received ??= signal;
}

/** The signal this run received, if any. */
export function interruptedBy(): NodeJS.Signals | undefined {
  return received;
}

/** At the start of a run (the in-process test runner runs many). */
export function resetInterrupt(): void {
  received = undefined;
}

/** 130 for SIGINT, 143 for SIGTERM. */
export function interruptExitCode(signal: NodeJS.Signals): number {
  return 128 + (SIGNAL_NUMBERS[signal] ?? 0);
}
