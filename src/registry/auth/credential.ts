/** A credential for one registry, from wherever it was found. */
export interface Credential {
  username?: string;
  password?: string;
  /** An identity (refresh) token, used with the OAuth2 flow. */
  identityToken?: string;
  /** Where it came from, for debug logs and `auth check` (never the secret). */
  source: string;
}
