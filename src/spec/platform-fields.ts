import type { Platform } from '../oci/index.js';
import type { PlatformHint, RawPlatform } from './types.js';

/** True when the spec's platform names os and architecture (the rules refuse one without the other). */
export function isCompletePlatform(
  p: RawPlatform,
): p is RawPlatform & { os: string; architecture: string } {
  return p.os !== undefined && p.architecture !== undefined;
}

/** The keys other than os and architecture, with manifest-tool's names mapped to OCI's. */
export function toPlatformHint(p: RawPlatform): PlatformHint {
  const {
    os: _os,
    architecture: _arch,
    ...rest
  } = toPlatform({ ...p, os: '', architecture: '' } as RawPlatform & {
    os: string;
    architecture: string;
  });
  return rest;
}

/** Maps a spec platform to an OCI platform: manifest-tool's osversion/osfeatures become os.version/os.features. */
export function toPlatform(p: RawPlatform & { os: string; architecture: string }): Platform {
  const out: Platform = { architecture: p.architecture, os: p.os };
  if (p.variant !== undefined) out.variant = p.variant;
  const osVersion = p['os.version'] ?? p.osversion;
  if (osVersion !== undefined) out['os.version'] = osVersion;
  const osFeatures = p['os.features'] ?? p.osfeatures;
  if (osFeatures !== undefined) out['os.features'] = [...osFeatures];
  if (p.features !== undefined) out.features = [...p.features];
  return out;
}
