import { RegistryError, type ErrorCode } from '../errors.js';
import { escapeForeign } from '../escape.js';
import { safeUrl } from '../log.js';
import type { HttpResponse } from './http.js';

interface DistributionError {
  code?: string;
  message?: string;
}

/** Reads the distribution `{"errors":[{code,message}]}` body, if any (bounded, never trusted as markup). */
export function registryCodes(body: Buffer): DistributionError[] {
  try {
    const parsed = JSON.parse(body.subarray(0, 64 * 1024).toString('utf8')) as {
      errors?: DistributionError[];
    };
    return Array.isArray(parsed.errors) ? parsed.errors.slice(0, 10) : [];
  } catch {
    return [];
  }
}

function codeFor(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'AUTH';
  if (status === 404) return 'NOT_FOUND';
  if (status === 413) return 'TOO_LARGE';
  return 'REGISTRY';
}

/**
 * Builds a RegistryError from an unexpected answer, subject first:
 * `GET http://…/v2/app/manifests/x: 404 MANIFEST_UNKNOWN manifest unknown`.
 */
export function registryErrorFrom(
  method: string,
  res: HttpResponse,
  subject?: string,
): RegistryError {
  const errors = registryCodes(res.body);
  // Registry-chosen text: bounded and escaped, so it cannot fake output lines or terminal codes.
  const detail = escapeForeign(
    errors.map((e) => [e.code, e.message].filter(Boolean).map(String).join(' ')).join('; '),
  ).slice(0, 1000);
  const url = safeUrl(res.url);
  const hint =
    res.status === 401 || res.status === 403
      ? ' (check the credentials for this registry: `manifold auth check <ref>` names their source and what they grant)'
      : '';
  const text = `${subject ? `${subject}: ` : ''}${method} ${url}: HTTP ${res.status}${detail ? ` ${detail}` : ''}${hint}`;
  return new RegistryError(codeFor(res.status), text, {
    status: res.status,
    method,
    url,
    registryCodes: errors.map((e) => escapeForeign(String(e.code ?? ''))),
  });
}
