/** What a host pulls from an index: exact first, then the closest lower variant it runs. */
import { expect, test } from '@jest/globals';
import { hostRank, parsePlatform, selectForHost, type Platform } from '../../src/oci/index.js';

const p = (t: string): Platform => parsePlatform(t)!;

test.each<[string, string, number | undefined]>([
  ['linux/amd64/v2', 'linux/amd64/v2', 0],
  ['linux/amd64/v2', 'linux/amd64', 1],
  ['linux/amd64/v3', 'linux/amd64/v1', 2],
  ['linux/amd64/v2', 'linux/amd64/v3', undefined],
  ['linux/amd64', 'linux/amd64/v3', 0], // no variant wanted: any amd64 (as platformMatches)
  ['linux/arm/v7', 'linux/arm/v6', 1],
  ['linux/arm/v7', 'linux/arm', 0], // arm without a variant is v7
  ['linux/arm/v6', 'linux/arm', undefined],
  ['linux/arm64/v8', 'linux/arm64', 0],
  ['linux/arm64/v9', 'linux/arm64/v8', 10],
  ['linux/amd64/v2', 'windows/amd64', undefined],
  ['linux/amd64/v2', 'linux/arm64', undefined],
  ['linux/ppc64le/power9', 'linux/ppc64le', undefined],
])('host %s, image %s → %s', (host, image, rank) => {
  expect(hostRank(p(host), p(image))).toBe(rank);
});

test('the best entry wins, the first among equals; none when the host runs none', () => {
  const entries = [
    'linux/arm64',
    'linux/amd64',
    'linux/amd64/v3',
    'linux/amd64/v2',
    'linux/amd64',
  ].map((t, i) => ({ i, platform: p(t) }));
  expect(selectForHost(p('linux/amd64/v2'), entries)).toEqual({ entry: entries[3], exact: true });
  expect(selectForHost(p('linux/amd64/v4'), entries)).toEqual({ entry: entries[2], exact: false });
  expect(selectForHost(p('linux/amd64/v1'), entries)).toEqual({ entry: entries[1], exact: true });
  expect(selectForHost(p('linux/arm/v7'), entries)).toBeUndefined();
});
