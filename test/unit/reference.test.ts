import { describe, expect, test } from '@jest/globals';
import { formatReference, parseReference } from '../../src/oci/index.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseReference', () => {
  test.each([
    ['alpine', 'docker.io', 'registry-1.docker.io', 'library/alpine', 'latest', undefined, true],
    [
      'alpine:3.20',
      'docker.io',
      'registry-1.docker.io',
      'library/alpine',
      '3.20',
      undefined,
      false,
    ],
    ['acme/app:1', 'docker.io', 'registry-1.docker.io', 'acme/app', '1', undefined, false],
    [
      'index.docker.io/acme/app',
      'docker.io',
      'registry-1.docker.io',
      'acme/app',
      'latest',
      undefined,
      true,
    ],
    ['localhost/app', 'localhost', 'localhost', 'app', 'latest', undefined, true],
    ['localhost:5000/a/b/c:t', 'localhost:5000', 'localhost:5000', 'a/b/c', 't', undefined, false],
    ['127.0.0.1:5000/app@' + D, '127.0.0.1:5000', '127.0.0.1:5000', 'app', undefined, D, false],
    ['ghcr.io/acme/app:1.2@' + D, 'ghcr.io', 'ghcr.io', 'acme/app', '1.2', D, false],
    ['[::1]:5000/app:x', '[::1]:5000', '[::1]:5000', 'app', 'x', undefined, false],
    [
      'reg.example.com/a__b/c--d/e.f_g:T_1.x-y',
      'reg.example.com',
      'reg.example.com',
      'a__b/c--d/e.f_g',
      'T_1.x-y',
      undefined,
      false,
    ],
  ])('%s', (input, registry, host, repository, tag, digest, defaultedTag) => {
    expect(parseReference(input)).toEqual({
      registry,
      host,
      repository,
      tag,
      digest,
      defaultedTag,
    });
  });

  test.each([
    ['', 'empty'],
    ['acme/App', 'lowercase'],
    ['reg.example.com/App', 'lowercase'],
    ['reg.example.com/app:-bad', 'tag'],
    [`reg.example.com/app:${'t'.repeat(129)}`, 'tag'],
    ['reg.example.com/app@sha256:abc', '64 lowercase hex'],
    [`reg.example.com/app@sha256:${'A'.repeat(64)}`, '64 lowercase hex'],
    ['reg.example.com/app@sha256:../../etc', '64 lowercase hex'],
    ['reg.example.com/a//b', 'not a valid name'],
    ['reg.example.com/-a', 'not a valid name'],
    [`reg.example.com/${'a'.repeat(64).replace(/a/g, 'f')}`, 'hex'],
    [`reg.example.com/${'a'.repeat(250)}`, 'longer than 255'],
  ])('rejects %j (%s)', (input, why) => {
    expect(() => parseReference(input)).toThrow(
      expect.objectContaining({ code: 'REF_INVALID', message: expect.stringContaining(why) }),
    );
  });

  test('formats canonically', () => {
    expect(formatReference(parseReference('alpine'))).toBe('docker.io/library/alpine:latest');
    expect(formatReference(parseReference(`ghcr.io/a/b:1@${D}`))).toBe(`ghcr.io/a/b:1@${D}`);
  });
});
