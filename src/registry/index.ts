export {
  RegistryClient,
  pullScope,
  pushScope,
  referrersTag,
  type FetchedManifest,
  type ManifestHead,
  type ClientOptions,
} from './client.js';
export { HttpTransport, type TransportOptions } from './http.js';
export {
  StaticCredentials,
  DockerConfigStore,
  CredentialChain,
  containersAuthFiles,
  type Credential,
  type CredentialStore,
} from './auth/credentials.js';
export { runCredentialHelper } from './auth/helper.js';
export { parseChallenges, pickChallenge } from './auth/challenge.js';
export { TokenCache } from './auth/token-cache.js';
export { validateRealm } from './auth/realm.js';
export { copyBlob, ByteLimiter, type BlobPlace, type BlobCopyOptions } from './blob-copy.js';
