import { createHash } from 'node:crypto';

/** Canonical sha256 digest: lowercase hex, 64 characters. Reference: OCI image-spec descriptor.md#digests. */
export const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Returns `sha256:<hex>` of exactly these bytes. */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** True when `value` is a canonical sha256 digest, safe to put in a URL path. */
export function isSha256Digest(value: string): boolean {
  return SHA256_DIGEST.test(value);
}
