/** The one place an index's status is decided from its tags (src/publish/types.ts). */
import { expect, test } from '@jest/globals';
import { indexStatus, type TagStatus } from '../../src/publish/types.js';

test.each<[TagStatus[], boolean, string]>([
  [['created', 'updated', 'unchanged'], false, 'published'],
  [['unchanged'], false, 'published'],
  [['created', 'failed'], false, 'partial'],
  [['created', 'unknown'], false, 'partial'],
  [['created', 'created'], true, 'partial'],
  [['failed', 'unknown'], false, 'failed'],
  [['failed'], true, 'failed'],
  [['not-attempted', 'failed'], false, 'failed'],
  [[], false, 'failed'],
])('%j, post-push step failed: %s → %s', (tags, postPushFailed, expected) => {
  expect(
    indexStatus(
      tags.map((status) => ({ status })),
      postPushFailed,
    ),
  ).toBe(expected);
});
