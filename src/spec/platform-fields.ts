import type { Platform } from '../oci/index.js';
import type { RawPlatform } from './types.js';

/** Maps a spec platform to an OCI platform: manifest-tool's osversion/osfeatures become os.version/os.features. */
export function toPlatform(p: RawPlatform): Platform {
  const out: Platform = { architecture: p.architecture, os: p.os };
  if (p.variant !== undefined) out.variant = p.variant;
  const osVersion = p['os.version'] ?? p.osversion;
  if (osVersion !== undefined) out['os.version'] = osVersion;
  const osFeatures = p['os.features'] ?? p.osfeatures;
  if (osFeatures !== undefined) out['os.features'] = [...osFeatures];
  if (p.features !== undefined) out.features = [...p.features];
  return out;
}
