/** The job's scopes per registry, given to each client before its first request. */
import { describe, expect, test } from '@jest/globals';
import { jobScopes } from '../../src/publish/index.js';
import { loadSpecText } from '../../src/spec/index.js';

const specs = loadSpecText(
  's.yml',
  'image: a.example.com/rel/app:1\ntargets: [b.example.com/rel/app]\nmanifests:\n  - image: a.example.com/rel/app:amd64\n  - image: a.example.com/stage/app:arm64\n  - image: c.example.com/build/app:s390x\n',
  { env: {} },
).specs;

describe('jobScopes', () => {
  test('push on every target, pull on every source on its own registry, nothing twice', async () => {
    const { expandTargets } = await import('../../src/publish/index.js');
    const scopes = jobScopes(expandTargets(specs), false);
    expect(Object.fromEntries(scopes)).toEqual({
      // The target here, and the sources here (rel/app is also a source for the other target).
      'a.example.com': [
        'repository:rel/app:pull,push',
        'repository:stage/app:pull',
        'repository:rel/app:pull',
      ],
      'c.example.com': ['repository:build/app:pull'],
      'b.example.com': ['repository:rel/app:pull,push'],
    });
  });

  test('a dry run asks for pull only', () => {
    expect(jobScopes(specs, true).get('a.example.com')).toEqual([
      'repository:rel/app:pull',
      'repository:stage/app:pull',
    ]);
  });
});
