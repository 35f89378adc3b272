import { writeSync } from 'node:fs';
import { pino, type Logger, type LevelWithSilent } from 'pino';
import { escapeControl, escapeForeign } from './escape.js';

export { escapeControl };

export type { Logger };

/** Key paths whose values never reach a log line. */
export const REDACT_PATHS = [
  'headers.authorization',
  'headers.Authorization',
  '*.authorization',
  '*.Authorization',
  '*.password',
  '*.secret',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.identitytoken',
  '*.auth',
];

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** `pretty`: one readable line per record (default on a terminal); `json`: JSON lines. */
  format?: 'pretty' | 'json';
  /** File descriptor to write to; logs go to stderr (2) so stdout carries only results. */
  fd?: number;
  /** Alternative destination (tests pass a sink that collects lines). */
  stream?: { write(line: string): unknown };
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Formats one pino JSON record as a readable line: `INFO  message key=value …`. */
export function formatPretty(jsonLine: string): string {
  const record = JSON.parse(jsonLine) as Record<string, unknown>;
  const { level, msg, time: _time, pid: _pid, hostname: _host, ...fields } = record;
  const name = LEVEL_NAMES[level as number] ?? String(level);
  const rest = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  // Fields may carry registry text: every control character (newlines too) is escaped.
  return `${name.padEnd(5)} ${escapeForeign(String(msg ?? ''))}${rest ? ` ${escapeForeign(rest)}` : ''}\n`;
}

/**
 * Creates the one pino configuration manifold uses: redacted, synchronous (a CLI may exit
 * at any moment), written to stderr.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const format = options.format ?? 'json';
  const fd = options.fd ?? 2;
  const target = options.stream ?? { write: (s: string) => writeSync(fd, s) };
  const stream = {
    write(line: string) {
      target.write(format === 'pretty' ? formatPretty(line) : line);
    },
  };
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (_label, number) => ({ level: number }) },
    },
    stream,
  );
}

/** A logger that discards everything: the default for library code. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Removes the query string and fragment from a URL before it is logged (token endpoints carry secrets there). */
export function safeUrl(url: string | URL): string {
  try {
    const u = new URL(String(url));
    u.username = '';
    u.password = '';
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '<invalid url>';
  }
}
