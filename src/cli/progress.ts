/**
 * What a person sees while a publish runs. On a terminal: a live display (resolved k/N, copied
 * k/N with bytes, rate and time left, one line per child being copied, tags k/N), redrawn in
 * place by log-update and erased when the run ends, where the summary takes over. Not on a
 * terminal (CI logs): nothing, except for long copies a line every few seconds at most. Off
 * under --quiet and with JSON logs.
 */
import type { Io } from './io.js';

export type Phase = 'resolve' | 'copy' | 'bytes' | 'tag';

/** Receives progress: `total` announces work, `done` counts finished items (or bytes); `key` names a child. */
export type ProgressSink = (
  phase: Phase,
  delta: { total?: number; done?: number; key?: string },
) => void;

const LABEL: Record<Exclude<Phase, 'bytes'>, string> = {
  resolve: 'resolved',
  copy: 'copied',
  tag: 'tags',
};
const TTY_INTERVAL_MS = 100;
const LINE_INTERVAL_MS = 5_000;
const MAX_CHILD_LINES = 8;

export interface ProgressLine {
  sink: ProgressSink;
  /** Erases the display (call before printing the summary). */
  end(): void;
  /** The run's streams, with stderr writes (log lines) put above the display instead of through it. */
  io: Io;
}

/** `1.5 MB` style sizes. */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

interface Counter {
  done: number;
  total: number;
}

/** The text of the display, from the counters (pure: tested without a terminal). */
export function renderProgress(
  counts: Map<Phase, Counter>,
  children: Map<string, Counter>,
  elapsedMs: number,
  withChildren: boolean,
): string {
  const parts: string[] = [];
  for (const phase of ['resolve', 'copy', 'tag'] as const) {
    const c = counts.get(phase);
    if (c && c.total > 0) parts.push(`${LABEL[phase]} ${c.done}/${c.total}`);
  }
  const bytes = counts.get('bytes');
  if (bytes && bytes.total > 0) {
    const rate = elapsedMs > 0 ? (bytes.done * 1000) / elapsedMs : 0;
    const left = rate > 0 ? Math.max(0, Math.round((bytes.total - bytes.done) / rate)) : undefined;
    parts.push(
      `${formatBytes(bytes.done)} of ${formatBytes(bytes.total)}${rate > 0 ? `, ${formatBytes(rate)}/s` : ''}${left !== undefined && bytes.done < bytes.total ? `, ${left} s left` : ''}`,
    );
  }
  const lines = [parts.join(' · ')];
  if (withChildren) {
    const active = [...children].filter(([, c]) => c.done < c.total).slice(0, MAX_CHILD_LINES);
    for (const [key, c] of active)
      lines.push(`  ${key}: ${formatBytes(c.done)} of ${formatBytes(c.total)}`);
  }
  return lines.join('\n');
}

/**
 * The progress display for this run's stderr. The terminal display library loads only for a
 * terminal: in CI (and for `lines` or `off`) it is never imported.
 */
export async function progressLine(io: Io, mode: 'tty' | 'lines' | 'off'): Promise<ProgressLine> {
  if (mode === 'off') return { sink: () => undefined, end: () => undefined, io };
  const createLogUpdate = mode === 'tty' ? (await import('log-update')).createLogUpdate : undefined;
  const counts = new Map<Phase, Counter>();
  const children = new Map<string, Counter>();
  const started = Date.now();
  let last = 0;
  const update = createLogUpdate
    ? // A terminal that reports no size (a fresh pty) gets 80×24 rather than no display at all.
      createLogUpdate(
        {
          write: (s: string) => (io.stderr(s), true),
          columns: process.stderr.columns || undefined,
          rows: process.stderr.rows || undefined,
          isTTY: true,
        } as unknown as NodeJS.WriteStream,
        { showCursor: true, defaultWidth: 80, defaultHeight: 24 },
      )
    : undefined;
  const render = (force: boolean): void => {
    const now = Date.now();
    if (update) {
      if (!force && now - last < TTY_INTERVAL_MS) return;
      last = now;
      draw(renderProgress(counts, children, now - started, true));
    } else {
      // Plain lines only while bytes are being copied, and not more often than every few seconds.
      const bytes = counts.get('bytes');
      if (
        !bytes ||
        bytes.total === 0 ||
        now - last < LINE_INTERVAL_MS ||
        (last === 0 && now - started < LINE_INTERVAL_MS)
      )
        return;
      last = now;
      io.stderr(`${renderProgress(counts, children, now - started, false)}\n`);
    }
  };
  let frame = '';
  const draw = (text: string): void => {
    frame = text;
    update?.(text);
  };
  const wrapped: Io = {
    ...io,
    stderr: (text) => {
      if (!update || frame === '') return io.stderr(text);
      update.clear();
      io.stderr(text);
      update(frame);
    },
  };
  return {
    io: wrapped,
    sink: (phase, delta) => {
      const c = counts.get(phase) ?? { done: 0, total: 0 };
      c.total += delta.total ?? 0;
      c.done += delta.done ?? 0;
      counts.set(phase, c);
      if (phase === 'bytes' && delta.key) {
        const k = children.get(delta.key) ?? { done: 0, total: 0 };
        k.total += delta.total ?? 0;
        k.done += delta.done ?? 0;
        children.set(delta.key, k);
      }
      render(phase !== 'bytes' && c.done === c.total);
    },
    end: () => {
      update?.clear();
      frame = '';
    },
  };
}
