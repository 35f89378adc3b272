/** `npm run demo` (after the build): the README's first command works end to end. */
import { execFile } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';

describe('demo', () => {
  test('starts a registry, seeds three images, publishes examples/demo.yml and inspects it', async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, ['dist/scripts/demo.js'], { timeout: 60_000 }, (err, out) =>
        resolve({ code: err ? Number(err.code ?? 1) : 0, stdout: out }),
      );
    });
    expect(code).toBe(0);
    expect(stdout.match(/^seeded /gm)).toHaveLength(3);
    const digest = /^Digest: (sha256:[a-f0-9]{64}) \d+$/m.exec(stdout)?.[1];
    expect(digest).toBeDefined();
    expect(stdout).toMatch(/Tag: 127\.0\.0\.1:\d+\/demo\/app:latest created/);
    expect(stdout.split(`Digest: ${digest}`)).toHaveLength(3); // printed by publish and by inspect
    expect(stdout).toMatch(/^linux\/ppc64le\s+sha256:/m);
  });
});
