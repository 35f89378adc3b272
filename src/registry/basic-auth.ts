/** The Authorization value of HTTP Basic auth (registries, token realms, proxies). Reference: RFC 7617. */
export function basic(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}
