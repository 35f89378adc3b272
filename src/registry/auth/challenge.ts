/**
 * WWW-Authenticate parsing (RFC 7235 §4.1, RFC 6750 §3). Bounded: long headers and many
 * challenges are cut, never looped over without limit.
 */

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const MAX_HEADER = 16 * 1024;
const MAX_CHALLENGES = 16;

/** Parses every challenge in a header value; unknown schemes are returned too. */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const text = (Array.isArray(header) ? header.join(', ') : (header ?? '')).slice(0, MAX_HEADER);
  const out: Challenge[] = [];
  let i = 0;
  const skipWs = (): void => {
    while (i < text.length && /[\s,]/.test(text[i]!)) i++;
  };
  while (i < text.length && out.length < MAX_CHALLENGES) {
    skipWs();
    const scheme = /^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*/.exec(text.slice(i))?.[0];
    if (!scheme) break;
    i += scheme.length;
    const params: Record<string, string> = {};
    for (;;) {
      const save = i;
      skipWs();
      const m = /^([A-Za-z][A-Za-z0-9_-]*)\s*=\s*/.exec(text.slice(i));
      if (!m) {
        i = save;
        break;
      }
      i += m[0].length;
      let value = '';
      if (text[i] === '"') {
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\' && i + 1 < text.length) i++;
          value += text[i];
          i++;
        }
        i++;
      } else {
        const tok = /^[^\s,]*/.exec(text.slice(i))![0];
        value = tok;
        i += tok.length;
      }
      params[m[1]!.toLowerCase()] = value;
    }
    out.push({ scheme: scheme.toLowerCase(), params });
  }
  return out;
}

/** Picks the challenge manifold can answer: Bearer first, then Basic. */
export function pickChallenge(challenges: Challenge[]): Challenge | undefined {
  return (
    challenges.find((c) => c.scheme === 'bearer' && c.params['realm']) ??
    challenges.find((c) => c.scheme === 'basic')
  );
}
