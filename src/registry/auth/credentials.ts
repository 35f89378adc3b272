/**
 * Where credentials come from. A store answers for one registry host; the chain asks each store
 * in order, as docker does: flags/environment, then docker config.json (credHelpers, credsStore,
 * auths), then the containers auth.json files, then anonymous.
 * Reference: docker/cli configfile; containers-auth.json(5).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../errors.js';
import type { Credential } from './credential.js';
import { runCredentialHelper, type HelperRunner } from './helper.js';

export type { Credential } from './credential.js';

export interface CredentialStore {
  get(host: string): Promise<Credential | undefined>;
  /** Where this store looks, for "no credentials found (sources tried: …)". */
  sources?(): string[];
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

  sources(): string[] {
    return [this.credential.source];
  }
}

const HUB_KEY = 'https://index.docker.io/v1/';
const HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Key used in config.json for a host: Docker Hub has its historical URL key. */
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

interface ConfigFile {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** Decodes an `auths` entry: `auth` is base64 of `user:password`, split on the first colon. */
export function decodeAuthEntry(entry: AuthEntry, source: string): Credential | undefined {
  if (entry.identitytoken)
    return { identityToken: entry.identitytoken, username: entry.username, source };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8').replace(/\0+$/, '');
    const i = decoded.indexOf(':');
    if (i <= 0)
      throw new AppError('AUTH', `${source}: the "auth" value is not base64 of user:password`);
    return { username: decoded.slice(0, i), password: decoded.slice(i + 1), source };
  }
  if (entry.username && entry.password)
    return { username: entry.username, password: entry.password, source };
  return undefined;
}

/** Finds the entry for a host by exact key (a suffix match would hand Hub credentials to evil-docker.io). */
function findKey<T>(map: Record<string, T> | undefined, host: string): string | undefined {
  if (!map) return undefined;
  const wanted = configKeyFor(host);
  if (Object.hasOwn(map, wanted)) return wanted;
  if (HUB_HOSTS.has(host)) return undefined;
  return Object.keys(map).find((k) => hostOfKey(k) === host);
}

function readConfig(file: string, text?: string): ConfigFile | undefined {
  if (text === undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }
  try {
    return JSON.parse(text) as ConfigFile;
  } catch {
    throw new AppError('AUTH', `${file} is not valid JSON`);
  }
}

/**
 * A docker config.json (or containers auth.json: same shape). Lookup precedence as docker's:
 * credHelpers[host], then credsStore, then inline auths.
 */
export class DockerConfigStore implements CredentialStore {
  private cache?: ConfigFile | null;

  /**
   * `file` names the config (a path, or a label such as `DOCKER_AUTH_CONFIG`); `text`, when
   * given, is its content (GitLab passes a whole docker config in a variable).
   */
  constructor(
    private readonly file: string,
    private readonly runHelper: HelperRunner = runCredentialHelper,
    private readonly text?: string,
  ) {}

  sources(): string[] {
    return [this.file];
  }

  /** The config.json path docker would use for this environment. */
  static defaultPath(env: Record<string, string | undefined>): string {
    return join(env['DOCKER_CONFIG'] ?? join(env['HOME'] ?? homedir(), '.docker'), 'config.json');
  }

  private config(): ConfigFile | undefined {
    if (this.cache === undefined) this.cache = readConfig(this.file, this.text) ?? null;
    return this.cache ?? undefined;
  }

  async get(host: string): Promise<Credential | undefined> {
    const cfg = this.config();
    if (!cfg) return undefined;
    const helperKey = findKey(cfg.credHelpers, host);
    const helper = helperKey !== undefined ? cfg.credHelpers![helperKey] : cfg.credsStore;
    if (helper) {
      const fromHelper = await this.runHelper(
        helper,
        configKeyFor(host) === HUB_KEY ? HUB_KEY : host,
      );
      if (fromHelper) return fromHelper;
      if (helperKey !== undefined) return undefined;
    }
    const key = findKey(cfg.auths, host);
    return key === undefined
      ? undefined
      : decodeAuthEntry(cfg.auths![key]!, `${this.file} (auths."${key}")`);
  }
}

/** The containers auth.json files podman, buildah and skopeo use, in their search order. */
export function containersAuthFiles(env: Record<string, string | undefined>): string[] {
  if (env['REGISTRY_AUTH_FILE']) return [env['REGISTRY_AUTH_FILE']];
  const files: string[] = [];
  if (env['XDG_RUNTIME_DIR']) files.push(join(env['XDG_RUNTIME_DIR'], 'containers', 'auth.json'));
  files.push(
    join(
      env['XDG_CONFIG_HOME'] ?? join(env['HOME'] ?? homedir(), '.config'),
      'containers',
      'auth.json',
    ),
  );
  return files;
}

/** Asks each store in turn; the first answer wins. */
export class CredentialChain implements CredentialStore {
  constructor(private readonly stores: CredentialStore[]) {}

  sources(): string[] {
    return this.stores.flatMap((s) => s.sources?.() ?? []);
  }

  async get(host: string): Promise<Credential | undefined> {
    for (const store of this.stores) {
      const found = await store.get(host);
      if (found) return found;
    }
    return undefined;
  }
}
