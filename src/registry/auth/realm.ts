import { isIP } from 'node:net';
import { RegistryError } from '../../errors.js';

function isPrivateAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  const kind = isIP(h);
  if (kind === 4) {
    const [a, b] = h.split('.').map(Number) as [number, number];
    return (
      a === 127 ||
      a === 10 ||
      a === 0 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (kind === 6) {
    const l = h.toLowerCase();
    return (
      l === '::1' ||
      l === '::' ||
      l.startsWith('fe80') ||
      l.startsWith('fc') ||
      l.startsWith('fd') ||
      l.startsWith('::ffff:')
    );
  }
  return h === 'localhost';
}

/**
 * Checks a token realm the registry named before any request (or credential) goes there:
 * https unless the registry itself is plain http; no loopback, private or link-local address
 * unless it is the registry's own host. Reference: oras-go auth validateRealm; ggcr #2258.
 */
export function validateRealm(realm: string, registry: URL): URL {
  let url: URL;
  try {
    url = new URL(realm, registry);
  } catch {
    throw new RegistryError('AUTH', `the registry ${registry.host} named an invalid token realm`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && registry.protocol === 'http:')) {
    throw new RegistryError(
      'AUTH',
      `refusing token realm ${url.origin}: the registry ${registry.host} is https, the realm is not`,
    );
  }
  if (url.username || url.password)
    throw new RegistryError('AUTH', `refusing token realm on ${url.host}: it carries credentials`);
  if (isPrivateAddress(url.hostname) && url.hostname !== registry.hostname) {
    throw new RegistryError(
      'AUTH',
      `refusing token realm ${url.origin}: a private, loopback or link-local address other than the registry's own host`,
    );
  }
  return url;
}
