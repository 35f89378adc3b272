/**
 * Where credentials come from. A store answers for one registry host; the chain asks each store
 * in order, as docker does: flags/environment, then docker config.json, then anonymous.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Credential {
  username?: string;
  password?: string;
  /** An identity (refresh) token, used with the OAuth2 flow. */
  identityToken?: string;
  /** Where it came from, for debug logs and `auth check` (never the secret). */
  source: string;
}

export interface CredentialStore {
  get(host: string): Promise<Credential | undefined>;
}

/** Credentials given on the command line or in the environment, for every host (or one). */
export class StaticCredentials implements CredentialStore {
  constructor(
    private readonly credential: Credential,
    private readonly onlyHost?: string,
  ) {}

  async get(host: string): Promise<Credential | undefined> {
    return !this.onlyHost || this.onlyHost === host ? this.credential : undefined;
  }
}

const HUB_KEY = 'https://index.docker.io/v1/';
const HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Key used in config.json `auths` for a host: Docker Hub has its historical URL key. */
export function configKeyFor(host: string): string {
  return HUB_HOSTS.has(host) ? HUB_KEY : host;
}

function hostOfKey(key: string): string {
  return key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

/** Reads `auths` from a docker config.json (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`). */
export class DockerConfigStore implements CredentialStore {
  private cache?: Record<string, AuthEntry>;

  constructor(private readonly file: string) {}

  /** The config.json path docker would use for this environment. */
  static defaultPath(env: Record<string, string | undefined>): string {
    return join(env['DOCKER_CONFIG'] ?? join(env['HOME'] ?? homedir(), '.docker'), 'config.json');
  }

  private auths(): Record<string, AuthEntry> {
    if (this.cache) return this.cache;
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as { auths?: Record<string, AuthEntry> };
      this.cache = parsed.auths ?? {};
    } catch {
      this.cache = {};
    }
    return this.cache;
  }

  async get(host: string): Promise<Credential | undefined> {
    const auths = this.auths();
    const wanted = configKeyFor(host);
    // Exact keys only: a suffix match would hand Docker Hub credentials to evil-docker.io.
    const key = Object.keys(auths).find((k) => k === wanted) ?? Object.keys(auths).find((k) => hostOfKey(k) === host && !HUB_HOSTS.has(host));
    const entry = key === undefined ? undefined : auths[key];
    if (!entry) return undefined;
    const source = `${this.file} (auths."${key}")`;
    if (entry.identitytoken) return { identityToken: entry.identitytoken, username: entry.username, source };
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8').replace(/\0+$/, '');
      const i = decoded.indexOf(':');
      if (i > 0) return { username: decoded.slice(0, i), password: decoded.slice(i + 1), source };
      return undefined;
    }
    if (entry.username && entry.password) return { username: entry.username, password: entry.password, source };
    return undefined;
  }
}

/** Asks each store in turn; the first answer wins. */
export class CredentialChain implements CredentialStore {
  constructor(private readonly stores: CredentialStore[]) {}

  async get(host: string): Promise<Credential | undefined> {
    for (const store of this.stores) {
      const found = await store.get(host);
      if (found) return found;
    }
    return undefined;
  }
}
