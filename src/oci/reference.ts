import { AppError } from '../errors.js';

/** A parsed image reference. `registry` is the name users write (`docker.io`), `host` the one we connect to. */
export interface ImageRef {
  registry: string;
  host: string;
  repository: string;
  tag?: string;
  digest?: string;
  /** True when neither tag nor digest was given and `latest` was assumed. */
  defaultedTag: boolean;
}

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[+._-][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const PATH_RE = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);

export const DOCKER_HUB = 'docker.io';
export const DOCKER_HUB_HOST = 'registry-1.docker.io';

function refError(input: string, why: string): AppError {
  return Object.assign(new AppError('REF_INVALID', `invalid image reference "${input}": ${why}`), {
    reason: why,
  });
}

/** Splits `name[:tag][@digest]` into its parts without validating them. */
function splitReference(input: string): { name: string; tag?: string; digest?: string } {
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag: string | undefined;
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { name: rest, tag, digest };
}

/**
 * Parses an image reference by the distribution reference grammar, with Docker Hub normalisation
 * (`alpine` → `docker.io/library/alpine`). Throws `REF_INVALID` with the reason.
 * Reference: distribution/reference grammar; distribution-spec §Pulling manifests.
 */
export function parseReference(input: string): ImageRef {
  if (input.length === 0) throw refError(input, 'empty');
  const { name, tag, digest } = splitReference(input);
  if (tag !== undefined && !TAG.test(tag)) {
    throw refError(input, `tag "${tag}" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  }
  if (
    digest !== undefined &&
    digest.startsWith('sha256:') &&
    !/^sha256:[a-f0-9]{64}$/.test(digest)
  ) {
    throw refError(input, `digest "${digest}": a sha256 digest is 64 lowercase hex characters`);
  }
  if (digest !== undefined && !DIGEST.test(digest))
    throw refError(input, `digest "${digest}" is not algorithm:hex`);
  const slash = name.indexOf('/');
  const first = slash >= 0 ? name.slice(0, slash) : '';
  const isDomain =
    slash >= 0 &&
    (first.includes('.') ||
      first.includes(':') ||
      first === 'localhost' ||
      first !== first.toLowerCase());
  let registry = isDomain ? first : DOCKER_HUB;
  let repository = isDomain ? name.slice(slash + 1) : name;
  if (!DOMAIN_RE.test(registry))
    throw refError(input, `registry "${registry}" is not a valid host[:port]`);
  if (registry === 'index.docker.io') registry = DOCKER_HUB;
  if (repository !== repository.toLowerCase())
    throw refError(input, 'repository name must be lowercase');
  if (!PATH_RE.test(repository))
    throw refError(input, `repository "${repository}" is not a valid name`);
  if (/^[a-f0-9]{64}$/.test(repository))
    throw refError(input, 'repository name cannot be a 64-character hex string');
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  if (`${registry}/${repository}`.length > 255)
    throw refError(input, 'name is longer than 255 characters');
  const host = registry === DOCKER_HUB ? DOCKER_HUB_HOST : registry;
  const defaultedTag = tag === undefined && digest === undefined;
  return { registry, host, repository, tag: defaultedTag ? 'latest' : tag, digest, defaultedTag };
}

/** Formats a reference in canonical form, e.g. `docker.io/library/alpine:3.20@sha256:…`. */
export function formatReference(
  ref: Pick<ImageRef, 'registry' | 'repository' | 'tag' | 'digest'>,
): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The tag or digest to request from the registry: the digest wins when both are present. */
export function referenceTarget(ref: Pick<ImageRef, 'tag' | 'digest'>): string {
  return ref.digest ?? ref.tag ?? 'latest';
}
