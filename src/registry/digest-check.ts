/**
 * The digest checks of manifest GET, HEAD and PUT, in one pure function. A registry's word
 * (Docker-Content-Digest) is checked against the bytes where there are bytes, and against the
 * digest asked for where one was.
 *
 * | op   | Docker-Content-Digest        | reference asked for | bytes hash to | outcome                          |
 * |------|------------------------------|---------------------|---------------|----------------------------------|
 * | GET  | absent or not sha256         | a tag               | H             | ok: H                            |
 * | GET  | D = H                        | a tag               | H             | ok: H                            |
 * | GET  | D ≠ H                        | any                 | H             | mismatch: registry says D        |
 * | GET  | absent or D = H              | digest R ≠ H        | H             | mismatch: asked for R            |
 * | GET  | absent or D = H              | digest R = H        | H             | ok: H                            |
 * | HEAD | absent or not sha256         | any                 | (no bytes)    | fetch: GET and hash the bytes    |
 * | HEAD | D                            | a tag               | (no bytes)    | ok: D                            |
 * | HEAD | D                            | digest R ≠ D        | (no bytes)    | mismatch: asked for R            |
 * | HEAD | D                            | digest R = D        | (no bytes)    | ok: D                            |
 * | PUT  | absent or not sha256         | any                 | H (ours)      | ok: H                            |
 * | PUT  | D = H                        | any                 | H (ours)      | ok: H                            |
 * | PUT  | D ≠ H                        | any                 | H (ours)      | mismatch: registry stored D      |
 *
 * Reference: OCI distribution-spec v1.1 §Pulling manifests (Docker-Content-Digest); oras-go's
 * truth table for the same checks.
 */
import { isSha256Digest } from '../oci/index.js';

export type DigestCheck =
  | { outcome: 'ok'; digest: string }
  | { outcome: 'fetch' }
  | { outcome: 'mismatch'; message: string };

export interface DigestFacts {
  op: 'GET' | 'HEAD' | 'PUT';
  /** The reference the request named: a tag or a digest. */
  reference: string;
  /** The Docker-Content-Digest header, as answered. */
  header?: string | string[];
  /** sha256 of the bytes received (GET) or sent (PUT). */
  computed?: string;
}

/** Decides a manifest exchange's digest (see the table above). */
export function checkDigest(f: DigestFacts): DigestCheck {
  const header = typeof f.header === 'string' && isSha256Digest(f.header) ? f.header : undefined;
  const asked = isSha256Digest(f.reference) ? f.reference : undefined;
  if (f.op === 'HEAD') {
    if (!header) return { outcome: 'fetch' };
    if (asked && asked !== header)
      return { outcome: 'mismatch', message: `asked for ${asked} but the registry says ${header}` };
    return { outcome: 'ok', digest: header };
  }
  const computed = f.computed!;
  if (f.op === 'PUT') {
    if (header && header !== computed)
      return {
        outcome: 'mismatch',
        message: `pushed ${computed} but the registry stored ${header}`,
      };
    return { outcome: 'ok', digest: computed };
  }
  if (header && header !== computed)
    return {
      outcome: 'mismatch',
      message: `the registry says ${header} but the bytes it sent hash to ${computed}`,
    };
  if (asked && asked !== computed)
    return { outcome: 'mismatch', message: `asked for ${asked} but the bytes hash to ${computed}` };
  return { outcome: 'ok', digest: computed };
}
