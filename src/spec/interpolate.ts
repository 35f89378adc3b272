/**
 * Environment interpolation as docker compose does it: `$VAR`, `${VAR}`, `${VAR:-default}`
 * (unset or empty), `${VAR-default}` (unset), `${VAR:?message}` / `${VAR?message}` (required),
 * and `$$` for a literal `$`. Reference: compose-spec interpolation.md.
 */

export type Env = Record<string, string | undefined>;

export type InterpolationResult = { ok: true; value: string } | { ok: false; error: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Finds the `}` that closes the `${` at `open`, allowing nested `${…}` in defaults. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function expandBraced(body: string, env: Env): InterpolationResult {
  const name = NAME.exec(body)?.[0];
  if (!name) return { ok: false, error: `invalid variable reference "\${${body}}"` };
  const rest = body.slice(name.length);
  const value = env[name];
  if (rest === '') {
    return value === undefined
      ? {
          ok: false,
          error: `environment variable ${name} is not set (use \${${name}:-default} for a default)`,
        }
      : { ok: true, value };
  }
  const op = /^(:-|-|:\?|\?)/.exec(rest)?.[0];
  if (!op) return { ok: false, error: `invalid variable reference "\${${body}}"` };
  const arg = rest.slice(op.length);
  const missing = op.startsWith(':') ? value === undefined || value === '' : value === undefined;
  if (!missing) return { ok: true, value: value! };
  if (op.endsWith('?'))
    return { ok: false, error: `environment variable ${name} is required${arg ? `: ${arg}` : ''}` };
  return interpolate(arg, env);
}

/** Expands variables in `text`. Returns an error naming the variable when one is unset without a default. */
export function interpolate(text: string, env: Env): InterpolationResult {
  if (!text.includes('$')) return { ok: true, value: text };
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      const end = closingBrace(text, i);
      if (end < 0) return { ok: false, error: `unclosed "\${" in "${text}"` };
      const r = expandBraced(text.slice(i + 2, end), env);
      if (!r.ok) return r;
      out += r.value;
      i = end + 1;
    } else {
      const name = NAME.exec(text.slice(i + 1))?.[0];
      if (!name) {
        out += '$';
        i++;
        continue;
      }
      const value = env[name];
      if (value === undefined)
        return {
          ok: false,
          error: `environment variable ${name} is not set (use \${${name}:-default} for a default)`,
        };
      out += value;
      i += 1 + name.length;
    }
  }
  return { ok: true, value: out };
}
