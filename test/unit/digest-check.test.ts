/** Walks the digest-check truth table written beside checkDigest (src/registry/digest-check.ts), row by row. */
import { describe, expect, test } from '@jest/globals';
import {
  checkDigest,
  type DigestCheck,
  type DigestFacts,
} from '../../src/registry/digest-check.js';

const H = `sha256:${'a'.repeat(64)}`;
const D = `sha256:${'b'.repeat(64)}`;
const R = `sha256:${'c'.repeat(64)}`;

const ROWS: [string, DigestFacts, DigestCheck['outcome'], string | undefined][] = [
  ['GET, no header, by tag', { op: 'GET', reference: 'v1', computed: H }, 'ok', H],
  [
    'GET, header not sha256, by tag',
    { op: 'GET', reference: 'v1', header: 'md5:xyz', computed: H },
    'ok',
    H,
  ],
  ['GET, header = bytes, by tag', { op: 'GET', reference: 'v1', header: H, computed: H }, 'ok', H],
  [
    'GET, header ≠ bytes',
    { op: 'GET', reference: 'v1', header: D, computed: H },
    'mismatch',
    `the registry says ${D}`,
  ],
  [
    'GET, by digest ≠ bytes',
    { op: 'GET', reference: R, computed: H },
    'mismatch',
    `asked for ${R}`,
  ],
  ['GET, by digest = bytes', { op: 'GET', reference: H, header: H, computed: H }, 'ok', H],
  ['HEAD, no header', { op: 'HEAD', reference: 'v1' }, 'fetch', undefined],
  [
    'HEAD, header not sha256',
    { op: 'HEAD', reference: 'v1', header: 'nonsense' },
    'fetch',
    undefined,
  ],
  ['HEAD, header, by tag', { op: 'HEAD', reference: 'v1', header: D }, 'ok', D],
  [
    'HEAD, by digest ≠ header',
    { op: 'HEAD', reference: R, header: D },
    'mismatch',
    `asked for ${R}`,
  ],
  ['HEAD, by digest = header', { op: 'HEAD', reference: D, header: D }, 'ok', D],
  ['PUT, no header', { op: 'PUT', reference: 'v1', computed: H }, 'ok', H],
  ['PUT, header = ours', { op: 'PUT', reference: 'v1', header: H, computed: H }, 'ok', H],
  [
    'PUT, header ≠ ours',
    { op: 'PUT', reference: 'v1', header: D, computed: H },
    'mismatch',
    `registry stored ${D}`,
  ],
];

describe('checkDigest truth table', () => {
  test.each(ROWS)('%s', (_name, facts, outcome, detail) => {
    const r = checkDigest(facts);
    expect(r.outcome).toBe(outcome);
    if (r.outcome === 'ok') expect(r.digest).toBe(detail);
    if (r.outcome === 'mismatch') expect(r.message).toContain(detail);
  });
});
