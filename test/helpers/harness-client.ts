/**
 * The test harness's own registry client (seeding and checking), independent of src/registry.
 * Handles Basic and Bearer challenges in the simplest way that works with the test registries.
 */
import { readFileSync } from 'node:fs';
import { basicAuth, parseChallenge, request, type TestRequest, type TestResponse } from './http.js';
import type { RegistryHandle } from './registry.js';

export interface Credentials {
  username: string;
  password: string;
}

export class HarnessClient {
  private readonly tokens = new Map<string, string>();
  private readonly ca?: string;
  private readonly credentials?: Credentials;

  /** `credentials`: omitted → the registry's test user; `null` → anonymous. */
  constructor(
    readonly registry: RegistryHandle,
    credentials?: Credentials | null,
  ) {
    this.ca = registry.caFile ? readCa(registry.caFile) : undefined;
    if (credentials === null) return;
    this.credentials =
      credentials ??
      (registry.username && registry.password
        ? { username: registry.username, password: registry.password }
        : undefined);
  }

  /** Sends a request to the registry, answering one auth challenge for `scope` if asked. */
  async send(path: string, options: TestRequest & { scope?: string } = {}): Promise<TestResponse> {
    const url = path.startsWith('http') ? path : `${this.registry.url}${path}`;
    const scope = options.scope ?? '';
    const first = await request(url, {
      ...options,
      ca: this.ca,
      headers: { ...options.headers, ...this.authHeader(scope) },
    });
    if (first.status !== 401) return first;
    const challenge = parseChallenge(String(first.headers['www-authenticate'] ?? ''));
    if (challenge.scheme === 'basic') {
      if (!this.credentials) return first;
      this.tokens.set(scope, basicAuth(this.credentials.username, this.credentials.password));
    } else if (challenge.scheme === 'bearer') {
      const realm = new URL(challenge.params['realm'] ?? '');
      realm.searchParams.set('service', challenge.params['service'] ?? '');
      for (const s of scope.split(' ').filter(Boolean)) realm.searchParams.append('scope', s);
      const headers: Record<string, string> = this.credentials
        ? { authorization: basicAuth(this.credentials.username, this.credentials.password) }
        : {};
      const tokenRes = await request(realm.toString(), { headers, ca: this.ca });
      if (tokenRes.status !== 200) return first;
      const body = JSON.parse(tokenRes.body.toString('utf8')) as {
        token?: string;
        access_token?: string;
      };
      this.tokens.set(scope, `Bearer ${body.token ?? body.access_token ?? ''}`);
    } else {
      return first;
    }
    return request(url, {
      ...options,
      ca: this.ca,
      headers: { ...options.headers, ...this.authHeader(scope) },
    });
  }

  private authHeader(scope: string): Record<string, string> {
    const value = this.tokens.get(scope);
    return value ? { authorization: value } : {};
  }

  /** Uploads a blob monolithically (POST then PUT with the digest) unless it already exists. */
  async pushBlob(repository: string, digest: string, bytes: Buffer): Promise<void> {
    const scope = `repository:${repository}:pull,push`;
    const head = await this.send(`/v2/${repository}/blobs/${digest}`, { method: 'HEAD', scope });
    if (head.status === 200) return;
    const start = await this.send(`/v2/${repository}/blobs/uploads/`, { method: 'POST', scope });
    if (start.status !== 202)
      throw new Error(
        `blob upload start for ${repository}: HTTP ${start.status} ${start.body.toString()}`,
      );
    const location = new URL(String(start.headers.location), this.registry.url);
    location.searchParams.set('digest', digest);
    const put = await this.send(location.toString(), {
      method: 'PUT',
      body: bytes,
      headers: { 'content-type': 'application/octet-stream' },
      scope,
    });
    if (put.status !== 201)
      throw new Error(`blob upload for ${repository}: HTTP ${put.status} ${put.body.toString()}`);
  }

  /** PUTs a manifest under a tag or digest and returns the registry's Docker-Content-Digest. */
  async pushManifest(
    repository: string,
    reference: string,
    mediaType: string,
    bytes: Buffer,
  ): Promise<string> {
    const res = await this.send(`/v2/${repository}/manifests/${reference}`, {
      method: 'PUT',
      body: bytes,
      headers: { 'content-type': mediaType },
      scope: `repository:${repository}:pull,push`,
    });
    if (res.status !== 201)
      throw new Error(
        `manifest PUT ${repository}:${reference}: HTTP ${res.status} ${res.body.toString()}`,
      );
    return String(res.headers['docker-content-digest']);
  }

  /** GETs a manifest with every index and manifest media type accepted. */
  async getManifest(repository: string, reference: string): Promise<TestResponse> {
    return this.send(`/v2/${repository}/manifests/${reference}`, {
      scope: `repository:${repository}:pull`,
      headers: {
        accept:
          'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
      },
    });
  }

  /** Lists the tags of a repository (empty when the repository does not exist). */
  async listTags(repository: string): Promise<string[]> {
    const res = await this.send(`/v2/${repository}/tags/list`, {
      scope: `repository:${repository}:pull`,
    });
    if (res.status === 404) return [];
    if (res.status !== 200) throw new Error(`tags/list ${repository}: HTTP ${res.status}`);
    return (JSON.parse(res.body.toString('utf8')) as { tags: string[] | null }).tags ?? [];
  }
}

function readCa(file: string): string {
  return readFileSync(file, 'utf8');
}
