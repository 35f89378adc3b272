/**
 * HTTP(S)_PROXY / NO_PROXY: which proxy, if any, a URL goes through. (The tunnels themselves are
 * hpagent's agents, in http.ts.) Read from the injected environment, not process.env: that is
 * why proxy-from-env, which reads process.env itself, is not used here.
 */

type Env = Record<string, string | undefined>;

function envValue(env: Env, name: string): string | undefined {
  return env[name.toLowerCase()] ?? env[name.toUpperCase()];
}

/** True when NO_PROXY exempts `url` (entries: `*`, host, `.suffix`, `suffix`, `host:port`). */
export function bypassesProxy(url: URL, env: Env): boolean {
  const noProxy = envValue(env, 'no_proxy');
  if (!noProxy) return false;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((raw) => {
      const entry = raw.toLowerCase();
      if (entry === '*') return true;
      const [h, p] = entry.startsWith('[')
        ? [entry.slice(1, entry.indexOf(']')), entry.split(']:')[1]]
        : (entry.split(':') as [string, string | undefined]);
      if (p && p !== port) return false;
      const bare = h!.replace(/^\*?\./, '');
      return host === bare || host.endsWith(`.${bare}`);
    });
}

/** The proxy to use for `url`, from HTTPS_PROXY / HTTP_PROXY (lower case first), or undefined. */
export function proxyFor(url: URL, env: Env): URL | undefined {
  const value =
    url.protocol === 'https:'
      ? (envValue(env, 'https_proxy') ?? envValue(env, 'all_proxy'))
      : (envValue(env, 'http_proxy') ?? envValue(env, 'all_proxy'));
  if (!value || bypassesProxy(url, env)) return undefined;
  try {
    return new URL(value.includes('://') ? value : `http://${value}`);
  } catch {
    return undefined;
  }
}
