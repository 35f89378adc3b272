/** Replaces terminal control characters (not newlines or tabs) so text cannot move the cursor. */
export function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, hex);
}

/**
 * Escapes every control character, newlines included: for text a registry chose, so it cannot
 * start a line of its own (no fake `::set-output` or `::add-mask::` CI commands) or move the cursor.
 */
export function escapeForeign(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, hex);
}

/** A word single-quoted for a POSIX shell (a `'` inside becomes `'\''`). */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function hex(c: string): string {
  const code = c.charCodeAt(0);
  return code > 0xff
    ? `\\u${code.toString(16).padStart(4, '0')}`
    : `\\x${code.toString(16).padStart(2, '0')}`;
}
