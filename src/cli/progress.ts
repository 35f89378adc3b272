/**
 * The live progress line a person at a terminal sees while a publish runs (resolved k/N,
 * copied k/N, tags k/N). It is rewritten in place on stderr and erased when the run ends, where
 * the summary takes over. Off when stderr is not a terminal (CI logs get no progress noise),
 * under --quiet, and with JSON logs.
 */
import type { Io } from './io.js';

export type Phase = 'resolve' | 'copy' | 'bytes' | 'tag';

/** Receives progress: `total` announces work, `done` counts finished items. */
export type ProgressSink = (phase: Phase, delta: { total?: number; done?: number }) => void;

const LABEL: Record<Phase, string> = { resolve: 'resolved', copy: 'copied', bytes: 'bytes', tag: 'tags' };
const MIN_INTERVAL_MS = 100;

export interface ProgressLine {
  sink: ProgressSink;
  /** Erases the line (call before printing the summary). */
  end(): void;
}

/** A progress line on `io.stderr`, or a no-op when it must stay quiet. */
export function progressLine(io: Io, enabled: boolean): ProgressLine {
  if (!enabled) return { sink: () => undefined, end: () => undefined };
  const counts = new Map<Phase, { done: number; total: number }>();
  let last = 0;
  let shown = false;
  const render = (force: boolean): void => {
    const now = Date.now();
    if (!force && now - last < MIN_INTERVAL_MS) return;
    last = now;
    const parts = [...counts].filter(([, c]) => c.total > 0).map(([p, c]) => `${LABEL[p]} ${c.done}/${c.total}`);
    io.stderr(`\r\x1b[K${parts.join(', ')}`);
    shown = true;
  };
  return {
    sink: (phase, delta) => {
      const c = counts.get(phase) ?? { done: 0, total: 0 };
      c.total += delta.total ?? 0;
      c.done += delta.done ?? 0;
      counts.set(phase, c);
      render(c.done === c.total);
    },
    end: () => {
      if (shown) io.stderr('\r\x1b[K');
    },
  };
}
