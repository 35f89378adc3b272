import { formatPlatform, type Platform } from '../oci/index.js';

export type Reconciled =
  { ok: true; platform: Platform; inherited: string[] } | { ok: false; message: string };

/**
 * Decides the platform of an image entry from the spec and the image config.
 *
 * | spec                  | config              | result                                   |
 * |-----------------------|---------------------|------------------------------------------|
 * | omitted               | any                 | config                                   |
 * | os/arch differ        | any                 | mismatch (unless overridePlatform)       |
 * | variant set           | variant differs     | mismatch (unless overridePlatform)       |
 * | variant set           | no variant          | spec's variant                           |
 * | variant/os.version/   | set                 | inherited from config                    |
 * |   os.features omitted |                     |                                          |
 * | os.version differs    | set                 | mismatch (unless overridePlatform)       |
 */
export function reconcilePlatform(
  spec: Platform | undefined,
  config: Platform,
  override: boolean,
): Reconciled {
  if (!spec)
    return {
      ok: true,
      platform: config,
      inherited: [
        'os',
        'architecture',
        ...(config.variant ? ['variant'] : []),
        ...(config['os.version'] ? ['os.version'] : []),
      ],
    };
  const conflicts: string[] = [];
  if (spec.os !== config.os || spec.architecture !== config.architecture)
    conflicts.push('os/architecture');
  if (spec.variant && config.variant && spec.variant !== config.variant) conflicts.push('variant');
  if (spec['os.version'] && config['os.version'] && spec['os.version'] !== config['os.version'])
    conflicts.push('os.version');
  if (conflicts.length > 0 && !override) {
    return {
      ok: false,
      message: `platform mismatch: spec says ${formatPlatform(spec)}, image config says ${formatPlatform(config)}`,
    };
  }
  const platform: Platform = { ...spec };
  const inherited: string[] = [];
  if (conflicts.length === 0) {
    if (!platform.variant && config.variant) {
      platform.variant = config.variant;
      inherited.push('variant');
    }
    if (!platform['os.version'] && config['os.version']) {
      platform['os.version'] = config['os.version'];
      inherited.push('os.version');
    }
    if (!platform['os.features'] && config['os.features']) {
      platform['os.features'] = [...config['os.features']];
      inherited.push('os.features');
    }
  }
  return { ok: true, platform, inherited };
}
