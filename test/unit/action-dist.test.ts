/**
 * check-dist: the committed action bundle (action/) is what `npm run bundle:action` builds from
 * this checkout's src/. A change to src/ without a rebuild fails here, before a workflow runs a
 * stale action. Needs `npm run build` first (npm test runs it).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';

test('action/ holds the bundle built from src/ (run `npm run bundle:action` and commit it)', () => {
  const out = mkdtempSync(join(tmpdir(), 'manifold-action-'));
  execFileSync('node', ['dist/scripts/bundle-action.js', out], { stdio: 'pipe' });
  for (const f of ['index.js', 'compiled-validator.cjs']) {
    const built = readFileSync(join(out, f), 'utf8');
    const committed = readFileSync(join('action', f), 'utf8');
    // One line of difference is enough to say which file is stale, without dumping 1 MB.
    if (built !== committed) {
      const a = built.split('\n');
      const b = committed.split('\n');
      const at = a.findIndex((l, i) => l !== b[i]);
      expect({ file: `action/${f}`, line: at + 1, committed: b[at], built: a[at] }).toBeNull();
    }
    expect(built).toBe(committed);
  }
}, 60_000);
