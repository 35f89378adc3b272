/** The platform decision table written beside reconcilePlatform, enforced row by row. */
import { describe, expect, test } from '@jest/globals';
import type { Platform } from '../../src/oci/index.js';
import { reconcilePlatform } from '../../src/publish/index.js';

const P = (os: string, architecture: string, variant?: string, osVersion?: string): Platform => ({
  os,
  architecture,
  ...(variant ? { variant } : {}),
  ...(osVersion ? { 'os.version': osVersion } : {}),
});

describe('reconcilePlatform', () => {
  test.each([
    [
      'spec omitted → config',
      undefined,
      P('linux', 'arm64', 'v8'),
      false,
      P('linux', 'arm64', 'v8'),
    ],
    ['same → same', P('linux', 'amd64'), P('linux', 'amd64'), false, P('linux', 'amd64')],
    [
      'variant inherited from config',
      P('linux', 'arm'),
      P('linux', 'arm', 'v7'),
      false,
      P('linux', 'arm', 'v7'),
    ],
    [
      'spec variant kept when config has none',
      P('linux', 'arm64', 'v8'),
      P('linux', 'arm64'),
      false,
      P('linux', 'arm64', 'v8'),
    ],
    [
      'os.version inherited',
      P('windows', 'amd64'),
      P('windows', 'amd64', undefined, '10.0.1'),
      false,
      P('windows', 'amd64', undefined, '10.0.1'),
    ],
    [
      'override keeps the spec, inherits nothing',
      P('linux', 'arm64'),
      P('linux', 'amd64', 'v3'),
      true,
      P('linux', 'arm64'),
    ],
  ])('%s', (_name, spec, config, override, expected) => {
    expect(reconcilePlatform(spec, config, override)).toMatchObject({
      ok: true,
      platform: expected,
    });
  });

  test.each([
    [
      'architecture differs',
      P('linux', 'arm64'),
      P('linux', 'amd64'),
      'spec says linux/arm64, image config says linux/amd64',
    ],
    [
      'os differs',
      P('windows', 'amd64'),
      P('linux', 'amd64'),
      'spec says windows/amd64, image config says linux/amd64',
    ],
    [
      'variant differs',
      P('linux', 'arm', 'v6'),
      P('linux', 'arm', 'v7'),
      'spec says linux/arm/v6, image config says linux/arm/v7',
    ],
    [
      'os.version differs',
      P('windows', 'amd64', undefined, '10.0.1'),
      P('windows', 'amd64', undefined, '10.0.2'),
      'spec says windows/amd64@10.0.1, image config says windows/amd64@10.0.2',
    ],
  ])('%s → mismatch', (_name, spec, config, message) => {
    expect(reconcilePlatform(spec, config, false)).toEqual({
      ok: false,
      message: `platform mismatch: ${message}`,
    });
  });
});
