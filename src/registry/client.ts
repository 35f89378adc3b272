/**
 * RegistryClient: the distribution-spec operations manifold needs, for one registry host. It
 * holds a RegistrySession (scheme, auth loop, redirects, errors) that every request, buffered or
 * streamed, goes through; `withSignal` gives a view of the same session whose requests a caller
 * can abort together (the children of a run once one has failed).
 * Reference: OCI distribution-spec v1.1 (pull, push, blob mount, referrers).
 */
import { AppError, RegistryError } from '../errors.js';
import {
  isSha256Digest,
  MANIFEST_ACCEPT,
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_OCI_MANIFEST,
  parseImageIndex,
  sha256Digest,
  type Descriptor,
} from '../oci/index.js';
import { checkDigest } from './digest-check.js';
import { DEFAULT_MAX_BODY, type HttpResponse, type StreamResponse } from './http.js';
import {
  drain,
  pullScope,
  pushScope,
  RegistrySession,
  type BodyFunc,
  type ClientOptions,
} from './session.js';
import type { HttpRequest } from './http.js';

export { pullScope, pushScope, type ClientOptions } from './session.js';

/** A manifest as fetched: the exact bytes and what they are. */
export interface FetchedManifest {
  bytes: Buffer;
  digest: string;
  size: number;
  mediaType: string;
}

export interface ManifestHead {
  digest: string;
  size: number;
  mediaType: string;
}

/** The tag that lists a manifest's referrers where the registry has no referrers API (`sha256-<hex>`). */
export const referrersTag = (digest: string): string => digest.replace(':', '-');

export class RegistryClient {
  readonly session: RegistrySession;
  /** Aborts this view's requests (with the overall deadline still in force). */
  private readonly scope?: AbortSignal;

  constructor(options: ClientOptions | RegistrySession, scope?: AbortSignal) {
    this.session = options instanceof RegistrySession ? options : new RegistrySession(options);
    this.scope = scope;
  }

  get host(): string {
    return this.session.host;
  }

  /** The same registry session, with every request also aborted when `signal` fires. */
  withSignal(signal: AbortSignal): RegistryClient {
    return new RegistryClient(
      this.session,
      this.scope ? AbortSignal.any([this.scope, signal]) : signal,
    );
  }

  /** The registry's base URL once the scheme is known. */
  baseUrl(): Promise<URL> {
    return this.session.baseUrl();
  }

  /** Closes pooled connections. */
  close(): void {
    this.session.close();
  }

  /** The signal a request runs under: its own (a grace period), or this view's with the deadline. */
  private signalFor(own?: AbortSignal): AbortSignal | undefined {
    if (own || !this.scope) return own;
    const deadline = this.session.transport.deadline;
    return deadline ? AbortSignal.any([deadline, this.scope]) : this.scope;
  }

  private request(
    req: Omit<HttpRequest, 'url'> & { path: string; scopes: string[] },
  ): Promise<HttpResponse> {
    return this.session.request({ ...req, signal: this.signalFor(req.signal) });
  }

  private stream(req: {
    method: HttpRequest['method'];
    path: string;
    headers?: Record<string, string>;
    body?: BodyFunc;
    scopes: string[];
  }): Promise<StreamResponse> {
    return this.session.stream({ ...req, signal: this.signalFor() });
  }

  /** A GET of a JSON document of `repo` (a manifest, a referrers list), capped in size. */
  private pull(
    repo: string,
    path: string,
    accept: string,
    signal?: AbortSignal,
  ): Promise<HttpResponse> {
    return this.request({
      method: 'GET',
      path,
      headers: { accept },
      scopes: [pullScope(repo)],
      maxBytes: DEFAULT_MAX_BODY,
      signal,
    });
  }

  /**
   * Opens connections ahead of a fan-out of `count` requests (plain-HTTP registries; an HTTPS
   * registry multiplexes over one HTTP/2 connection). Never fails.
   */
  async prewarm(count: number): Promise<void> {
    try {
      this.session.transport.prewarm(await this.baseUrl(), count);
    } catch {
      // The requests that follow report what is wrong with the registry.
    }
  }

  /** GETs a manifest by tag or digest; checks its digest against the header and the reference. */
  async getManifest(
    repo: string,
    reference: string,
    signal?: AbortSignal,
  ): Promise<FetchedManifest> {
    const res = await this.pull(
      repo,
      `/v2/${repo}/manifests/${reference}`,
      MANIFEST_ACCEPT,
      signal,
    );
    if (res.status !== 200)
      throw await this.session.fail('GET', res, `${this.host}/${repo}:${reference}`);
    const subject = `${this.host}/${repo}${reference.includes(':') ? '@' : ':'}${reference}`;
    const check = checkDigest({
      op: 'GET',
      reference,
      header: res.headers['docker-content-digest'],
      computed: sha256Digest(res.body),
    });
    if (check.outcome !== 'ok')
      throw new RegistryError(
        'DIGEST_MISMATCH',
        `${subject}: ${check.outcome === 'mismatch' ? check.message : 'no digest'}`,
      );
    return {
      bytes: res.body,
      digest: check.digest,
      size: res.body.length,
      mediaType: mediaTypeOf(res, subject),
    };
  }

  /** HEADs a manifest; undefined when it does not exist. Falls back to GET when the digest header is missing. */
  async headManifest(
    repo: string,
    reference: string,
    scopes = [pullScope(repo)],
    signal?: AbortSignal,
  ): Promise<ManifestHead | undefined> {
    const res = await this.request({
      method: 'HEAD',
      path: `/v2/${repo}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      scopes,
      signal,
    });
    // Artifactory answers 403 where others answer 404: treated as "not there", a PUT follows.
    if (res.status === 404 || res.status === 403) return undefined;
    // Registries that do not support HEAD on manifests (405) are asked with GET.
    if (res.status === 405) return this.getManifestOrUndefined(repo, reference);
    if (res.status !== 200)
      throw await this.session.fail('HEAD', res, `${this.host}/${repo}:${reference}`);
    const check = checkDigest({
      op: 'HEAD',
      reference,
      header: res.headers['docker-content-digest'],
    });
    if (check.outcome === 'fetch') return headOf(await this.getManifest(repo, reference));
    if (check.outcome === 'mismatch')
      throw new RegistryError(
        'DIGEST_MISMATCH',
        `${this.host}/${repo}@${reference}: ${check.message}`,
      );
    return {
      digest: check.digest,
      size: Number(res.headers['content-length'] ?? 0),
      mediaType: String(res.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim(),
    };
  }

  /**
   * What a tag points at now, for reading back a write: HEAD, and where the HEAD cannot say for
   * sure (403, 405, no digest header), a GET. Undefined when the tag does not exist.
   */
  async readTag(repo: string, tag: string, signal?: AbortSignal): Promise<string | undefined> {
    const res = await this.request({
      method: 'HEAD',
      path: `/v2/${repo}/manifests/${tag}`,
      headers: { accept: MANIFEST_ACCEPT },
      scopes: [pullScope(repo)],
      signal,
    });
    const digest = res.headers['docker-content-digest'];
    if (res.status === 404) return undefined;
    if (res.status === 200 && typeof digest === 'string' && isSha256Digest(digest)) return digest;
    if (res.status !== 200 && res.status !== 403 && res.status !== 405)
      throw await this.session.fail('HEAD', res, `${this.host}/${repo}:${tag}`);
    return (await this.getManifestOrUndefined(repo, tag, signal))?.digest;
  }

  private async getManifestOrUndefined(
    repo: string,
    reference: string,
    signal?: AbortSignal,
  ): Promise<ManifestHead | undefined> {
    try {
      return headOf(await this.getManifest(repo, reference, signal));
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    }
  }

  /**
   * Lists a repository's tags, following `Link` pages (at most `maxPages`). Returns [] when the
   * repository has no tags or does not exist (404), and undefined when the registry will not
   * list (the caller then asks tag by tag).
   */
  async listTags(repo: string, maxPages = 5): Promise<string[] | undefined> {
    const tags: string[] = [];
    let path: string | undefined = `/v2/${repo}/tags/list`;
    for (let page = 0; path; page++) {
      if (page >= maxPages) return undefined;
      const res = await this.request({ method: 'GET', path, scopes: [pullScope(repo)] });
      if (res.status === 404) return tags;
      if (res.status !== 200) return undefined;
      try {
        const body = JSON.parse(res.body.toString('utf8')) as { tags?: unknown };
        if (Array.isArray(body.tags))
          tags.push(...body.tags.filter((t): t is string => typeof t === 'string'));
      } catch {
        return undefined;
      }
      const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(String(res.headers['link'] ?? ''))?.[1];
      path = next && next.startsWith('/v2/') ? next : undefined;
    }
    return tags;
  }

  /** GETs a blob by digest (at most `maxBytes`) and checks its digest. */
  async getBlob(repo: string, digest: string, maxBytes = DEFAULT_MAX_BODY): Promise<Buffer> {
    assertDigest(digest);
    const res = await this.request({
      method: 'GET',
      path: `/v2/${repo}/blobs/${digest}`,
      scopes: [pullScope(repo)],
      maxBytes,
    });
    if (res.status !== 200)
      throw await this.session.fail('GET', res, `blob ${digest} in ${this.host}/${repo}`);
    const actual = sha256Digest(res.body);
    if (actual !== digest)
      throw new RegistryError(
        'DIGEST_MISMATCH',
        `blob ${digest} in ${this.host}/${repo}: the bytes hash to ${actual}`,
      );
    return res.body;
  }

  /**
   * Mounts a blob from another repository of this registry. When the registry starts an upload
   * instead (202: it will not mount), returns that session for the caller to stream the blob into.
   */
  async mountBlob(
    repo: string,
    digest: string,
    from: string,
  ): Promise<{ mounted: true } | { mounted: false; session: URL }> {
    assertDigest(digest);
    const res = await this.request({
      method: 'POST',
      path: `/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
      scopes: [pushScope(repo), pullScope(from)],
    });
    if (res.status === 201) return { mounted: true };
    if (res.status !== 202)
      throw await this.session.fail(
        'POST',
        res,
        `mount of ${digest} from ${from} into ${this.host}/${repo}`,
      );
    return { mounted: false, session: await this.session.uploadLocation(res) };
  }

  private async finishUpload(
    repo: string,
    location: URL,
    digest: string,
    bytes: Buffer,
  ): Promise<void> {
    location.searchParams.set('digest', digest);
    const res = await this.request({
      method: 'PUT',
      path: `${location.pathname}${location.search}`,
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
      scopes: [pushScope(repo)],
    });
    if (res.status === 201) return;
    // A retried PUT whose first answer was lost finds its upload session gone (404
    // BLOB_UPLOAD_UNKNOWN): the first one may have been stored. The blob itself settles it.
    if (res.status === 404 && (await this.blobExists(repo, digest))) {
      this.session.logger.debug(
        { repo, digest },
        'upload session gone, blob present: the lost PUT was stored',
      );
      return;
    }
    throw await this.session.fail('PUT', res, `upload of ${digest} to ${this.host}/${repo}`);
  }

  /**
   * Opens a blob for reading as a stream (from `offset` with a Range request), following the
   * redirects registries use for blob storage (credentials stay with the registry's origin).
   */
  async streamBlob(repo: string, digest: string, offset = 0): Promise<StreamResponse> {
    assertDigest(digest);
    const range: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    const res = await this.stream({
      method: 'GET',
      path: `/v2/${repo}/blobs/${digest}`,
      headers: range,
      scopes: [pullScope(repo)],
    });
    if (res.status === 200 || (offset > 0 && res.status === 206)) return res;
    throw await this.session.fail(
      'GET',
      await drain(res),
      `blob ${digest} in ${this.host}/${repo}`,
    );
  }

  /** Starts a blob upload session; returns its location (on this registry's origin only). */
  async startUpload(repo: string): Promise<URL> {
    const res = await this.request({
      method: 'POST',
      path: `/v2/${repo}/blobs/uploads/`,
      scopes: [pushScope(repo)],
    });
    if (res.status !== 202)
      throw await this.session.fail('POST', res, `upload to ${this.host}/${repo}`);
    return this.session.uploadLocation(res);
  }

  /**
   * Streams a body into an upload session (one PATCH) through the session's request path (auth
   * loop included: `body` is opened again when the PATCH must be resent); returns the session's
   * next location.
   */
  async patchUpload(
    repo: string,
    location: URL,
    body: BodyFunc,
    o: { size: number; offset?: number },
  ): Promise<URL> {
    const headers: Record<string, string> = {
      'content-type': 'application/octet-stream',
      'content-length': String(o.size - (o.offset ?? 0)),
    };
    if (o.offset) headers['content-range'] = `${o.offset}-${o.size - 1}`;
    const res = await this.stream({
      method: 'PATCH',
      path: `${location.pathname}${location.search}`,
      headers,
      body,
      scopes: [pushScope(repo)],
    });
    const drained = await drain(res);
    if (res.status !== 202 && res.status !== 204)
      throw await this.session.fail('PATCH', drained, `upload to ${this.host}/${repo}`);
    return res.headers['location'] ? this.session.uploadLocation(drained) : location;
  }

  /**
   * How many bytes an upload session holds (for resuming); undefined when the registry cannot
   * say for sure. `Range: 0-0` is not trusted: Distribution answers it for an empty session as
   * well as for one byte held, so the blob starts over.
   */
  async uploadOffset(repo: string, location: URL): Promise<number | undefined> {
    const res = await this.request({
      method: 'GET',
      path: `${location.pathname}${location.search}`,
      scopes: [pushScope(repo)],
    });
    const m = /^(?:bytes=)?0-(\d+)$/.exec(String(res.headers['range'] ?? '').trim());
    const last = m ? Number(m[1]) : 0;
    return res.status === 204 && last > 0 ? last + 1 : undefined;
  }

  /** Commits an upload session as `digest` (the bytes were sent by PATCH). */
  async commitUpload(repo: string, location: URL, digest: string): Promise<void> {
    await this.finishUpload(repo, location, digest, Buffer.alloc(0));
  }

  /**
   * Uploads a blob held in memory (one POST, one PUT with the bytes), unless the repository
   * has it already. Returns whether it was uploaded.
   */
  async uploadBlob(repo: string, digest: string, bytes: Buffer): Promise<boolean> {
    assertDigest(digest);
    if (sha256Digest(bytes) !== digest)
      throw new AppError('DIGEST_MISMATCH', `blob ${digest}: the bytes to upload hash otherwise`);
    if (await this.blobExists(repo, digest)) return false;
    await this.finishUpload(repo, await this.startUpload(repo), digest, bytes);
    return true;
  }

  /** Cancels an upload session (best effort: a session left behind expires on the registry). */
  async cancelUpload(repo: string, location: URL): Promise<void> {
    await this.request({
      method: 'DELETE',
      path: `${location.pathname}${location.search}`,
      scopes: [pushScope(repo)],
    }).catch(() => undefined);
  }

  /** Whether `repo` holds the blob (HEAD by digest). */
  async blobExists(repo: string, digest: string): Promise<boolean> {
    assertDigest(digest);
    const res = await this.request({
      method: 'HEAD',
      path: `/v2/${repo}/blobs/${digest}`,
      scopes: [pullScope(repo)],
    });
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw await this.session.fail('HEAD', res, `blob ${digest} in ${this.host}/${repo}`);
  }

  /** PUTs a manifest under a tag or digest; returns its digest after checking the registry agrees. */
  async putManifest(
    repo: string,
    reference: string,
    bytes: Buffer,
    mediaType: string,
  ): Promise<string> {
    const digest = sha256Digest(bytes);
    const res = await this.request({
      method: 'PUT',
      path: `/v2/${repo}/manifests/${reference}`,
      headers: { 'content-type': mediaType },
      body: bytes,
      scopes: [pushScope(repo)],
    });
    if (res.status !== 201 && res.status !== 200)
      throw await this.session.fail('PUT', res, `${this.host}/${repo}:${reference}`);
    const check = checkDigest({
      op: 'PUT',
      reference,
      header: res.headers['docker-content-digest'],
      computed: digest,
    });
    if (check.outcome === 'mismatch')
      throw new RegistryError(
        'DIGEST_MISMATCH',
        `${this.host}/${repo}:${reference}: ${check.message}`,
      );
    return digest;
  }

  /**
   * The referrers of `digest` in `repo`: from the referrers API where the registry has it, else
   * from the referrers tag (`sha256-<hex>`) that clients maintain in its place.
   * Reference: OCI distribution-spec v1.1 §Listing Referrers, §Referrers Tag Schema.
   */
  async listReferrers(
    repo: string,
    digest: string,
  ): Promise<{ source: 'api' | 'tag'; manifests: Descriptor[]; tagIndex?: FetchedManifest }> {
    assertDigest(digest);
    const res = await this.pull(repo, `/v2/${repo}/referrers/${digest}`, MEDIA_TYPE_OCI_INDEX);
    if (
      res.status === 200 &&
      String(res.headers['content-type'] ?? '').startsWith(MEDIA_TYPE_OCI_INDEX)
    ) {
      return {
        source: 'api',
        manifests: parseImageIndex(res.body, `referrers of ${digest}`).manifests,
      };
    }
    if (res.status !== 404 && res.status !== 400 && res.status !== 405 && res.status !== 200)
      throw await this.session.fail('GET', res, `referrers of ${digest} in ${this.host}/${repo}`);
    const tagIndex = await this.getManifest(repo, referrersTag(digest)).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    });
    return {
      source: 'tag',
      manifests: tagIndex ? parseImageIndex(tagIndex.bytes, referrersTag(digest)).manifests : [],
      ...(tagIndex ? { tagIndex } : {}),
    };
  }

  /** Whether the current credentials may read `repo` (a HEAD of `reference`: 200 or 404 mean yes). */
  async canPull(repo: string, reference: string): Promise<boolean> {
    const res = await this.request({
      method: 'HEAD',
      path: `/v2/${repo}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      scopes: [pullScope(repo)],
    });
    if (res.status === 200 || res.status === 404) return true;
    if (res.status === 401 || res.status === 403) return false;
    throw await this.session.fail('HEAD', res, `${this.host}/${repo}`);
  }

  /** Whether the current credentials may push to `repo`: opens an upload session and cancels it. */
  async canPush(repo: string): Promise<boolean> {
    const res = await this.request({
      method: 'POST',
      path: `/v2/${repo}/blobs/uploads/`,
      scopes: [pushScope(repo)],
    });
    if (res.status === 401 || res.status === 403) return false;
    if (res.status !== 202) throw await this.session.fail('POST', res, `${this.host}/${repo}`);
    const location = await this.session.uploadLocation(res);
    await this.request({
      method: 'DELETE',
      path: `${location.pathname}${location.search}`,
      scopes: [pushScope(repo)],
    }).catch(() => undefined);
    return true;
  }
}

function headOf(m: FetchedManifest): ManifestHead {
  return { digest: m.digest, size: m.size, mediaType: m.mediaType };
}

function assertDigest(digest: string): void {
  if (!isSha256Digest(digest))
    throw new AppError(
      'CONTENT_INVALID',
      `refusing to use "${digest.slice(0, 80)}" as a digest: expected sha256:<64 lowercase hex>`,
    );
}

function mediaTypeOf(res: HttpResponse, subject: string): string {
  const header = String(res.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim();
  let body: string | undefined;
  try {
    const parsed = JSON.parse(res.body.toString('utf8')) as {
      mediaType?: unknown;
      manifests?: unknown;
      config?: unknown;
    };
    body = typeof parsed.mediaType === 'string' ? parsed.mediaType : undefined;
    if (!body && Array.isArray(parsed.manifests))
      body = header.includes('docker') ? header : MEDIA_TYPE_OCI_INDEX;
    if (!body && parsed.config) body = header.includes('docker') ? header : MEDIA_TYPE_OCI_MANIFEST;
  } catch {
    throw new RegistryError('CONTENT_INVALID', `${subject}: the manifest is not JSON`);
  }
  if (
    body &&
    header &&
    header !== body &&
    header !== 'application/json' &&
    header !== 'application/octet-stream'
  ) {
    throw new RegistryError(
      'UNSUPPORTED_MEDIA_TYPE',
      `${subject}: Content-Type ${header} does not match the manifest's mediaType ${body}`,
    );
  }
  return body ?? header;
}
