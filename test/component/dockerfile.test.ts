/**
 * There is no Docker engine on the build machines, so the Dockerfile is checked by a linter
 * (dockerfile-utils, the validator behind VS Code's Dockerfile support) and by the rules below.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { validate } from 'dockerfile-utils';

const text = readFileSync('Dockerfile', 'utf8');
const instructions = text
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const stages = instructions.filter((l) => /^FROM\s/i.test(l));
const lastStage = instructions.slice(instructions.lastIndexOf(stages[stages.length - 1]!));

describe('Dockerfile', () => {
  test('has no linter diagnostics', () => {
    const problems = validate(text).map((d) => `${d.range.start.line + 1}: ${d.message}`);
    expect(problems).toEqual([]);
  });

  test('the linter does report a broken Dockerfile (so the test above can fail)', () => {
    expect(validate("FROM node:24-slim\nENTRYPOINT ['manifold']\nCOPY\n").length).toBeGreaterThan(
      0,
    );
  });

  test('is multi-stage: builds with npm ci and tsc, runs on a slim Node LTS with the bundle alone (no node_modules)', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(instructions.some((l) => /npm ci\b/.test(l))).toBe(true);
    expect(instructions.some((l) => /\btsc\b/.test(l))).toBe(true);
    // The bundle needs nothing at run time but Node.js: no node_modules in the runtime stage.
    expect(lastStage.some((l) => /^COPY\s.*node_modules/.test(l))).toBe(false);
    expect(lastStage.some((l) => /\bnpm (ci|install|i)\b/.test(l))).toBe(false);
    expect(lastStage.some((l) => /^COPY --from=build \/src\/dist\/cli /.test(l))).toBe(true);
    // The runtime is one layer of a trimmed base (removed files are gone, not whited out).
    expect(stages[stages.length - 1]).toBe('FROM scratch AS runtime');
    expect(lastStage).toContain('COPY --from=slim / /');
    const slim = instructions.slice(
      instructions.indexOf('FROM ${NODE_IMAGE} AS slim'),
      instructions.indexOf('FROM scratch AS runtime'),
    );
    // Pinned by digest: the same commit builds on the same base.
    expect(text).toMatch(/^ARG NODE_IMAGE=node:(22|24|26)-bookworm-slim@sha256:[a-f0-9]{64}$/m);
    // Nothing but node at run time: the package managers go, with apt's lists and caches.
    const runs = slim.filter((l) => /^RUN\s/.test(l)).join(' ');
    for (const gone of [
      '/usr/local/bin/npm',
      '/usr/local/bin/npx',
      '/usr/local/bin/corepack',
      '/var/lib/apt/lists/*',
    ])
      expect(runs).toContain(gone);
    expect(runs).toMatch(/apt-get clean/);
  });

  test('runs as a non-root user with ENTRYPOINT ["manifold"] and ships the schema', () => {
    const user = lastStage.filter((l) => /^USER\s/i.test(l)).pop();
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER\s+(root|0)(:|$)/i);
    expect(lastStage.filter((l) => /^ENTRYPOINT/i.test(l)).pop()).toBe('ENTRYPOINT ["manifold"]');
    expect(lastStage.some((l) => /^COPY .*schemas/.test(l))).toBe(true);
  });

  test('every path the build stage copies exists, and .dockerignore keeps node_modules and .git out', () => {
    for (const line of instructions.filter((l) => /^COPY\s/.test(l) && !l.includes('--from'))) {
      const parts = line.split(/\s+/).slice(1, -1);
      for (const p of parts) expect(existsSync(p)).toBe(true);
    }
    const ignore = readFileSync('.dockerignore', 'utf8').split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['node_modules', '.git', 'dist']));
  });
});
