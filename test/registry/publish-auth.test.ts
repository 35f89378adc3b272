/**
 * Publishing to the basic-auth, verified-token and TLS registries; secrets never reach any output.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { runInProcess as runCli, type CliResult } from '../helpers/cli.js';
import { HarnessClient } from '../helpers/harness-client.js';
import { startRegistry, type RegistryHandle } from '../helpers/registry.js';
import { seedImage, STANDARD_PLATFORMS } from '../helpers/seed.js';

const started: RegistryHandle[] = [];
afterAll(async () => Promise.all(started.map((r) => r.stop())));

async function seeded(
  variant: 'basic' | 'token' | 'tls',
): Promise<{ reg: RegistryHandle; spec: string }> {
  const reg = await startRegistry({ variant });
  started.push(reg);
  const h = new HarnessClient(reg);
  await seedImage(h, {
    repository: 'src/app',
    tag: 'amd64',
    platform: STANDARD_PLATFORMS['amd64']!,
  });
  await seedImage(h, {
    repository: 'src/app',
    tag: 'arm64',
    platform: STANDARD_PLATFORMS['arm64']!,
  });
  const spec = `image: ${reg.host}/dst/app:1\nmanifests:\n  - image: ${reg.host}/src/app:amd64\n  - image: ${reg.host}/src/app:arm64\n`;
  return { reg, spec };
}

function expectNoSecret(res: CliResult, secrets: string[]): void {
  for (const s of secrets) {
    expect(res.stdout).not.toContain(s);
    expect(res.stderr).not.toContain(s);
  }
}

describe('publishing with credentials', () => {
  test('basic auth: --username with --password-stdin works; without credentials: exit 3 AUTH, nothing pushed', async () => {
    const { reg, spec } = await seeded('basic');
    const dir = mkdtempSync(join(tmpdir(), 'manifold-spec-'));
    try {
      writeFileSync(join(dir, 'spec.yml'), spec);
      const anon = await runCli(['publish', '--from-spec', join(dir, 'spec.yml')], {
        env: { HOME: dir },
      });
      expect(anon.code).toBe(3);
      expect(anon.stderr).toMatch(/HTTP 401/);
      const res = await runCli(
        [
          'publish',
          '--from-spec',
          join(dir, 'spec.yml'),
          '--username',
          reg.username!,
          '--password-stdin',
          '--log-level',
          'trace',
          '--log-format',
          'json',
        ],
        { input: `${reg.password}\n`, env: { HOME: dir } },
      );
      expect(res.code).toBe(0);
      expect(res.stdout).toContain(`Tag: ${reg.host}/dst/app:1 created`);
      expectNoSecret(res, [
        reg.password!,
        Buffer.from(`${reg.username}:${reg.password}`).toString('base64'),
      ]);
      expect(res.stderr).toContain('[redacted]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('verified token auth: credentials from docker config.json; one token with push on the target and pull on the source', async () => {
    const { reg, spec } = await seeded('token');
    const dir = mkdtempSync(join(tmpdir(), 'manifold-cfg-'));
    try {
      const auth = Buffer.from(`${reg.username}:${reg.password}`).toString('base64');
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [reg.host]: { auth } } }));
      const before = reg.tokenServer!.requests.length;
      const res = await runCli(['publish', '--from-spec', '-', '--log-level', 'trace'], {
        input: spec,
        env: { DOCKER_CONFIG: dir },
      });
      expect(res.code).toBe(0);
      const asked = reg.tokenServer!.requests.slice(before);
      expect(asked).toHaveLength(1);
      expect(asked[0]!.account).toBe(reg.username);
      expect(asked[0]!.scopes.sort()).toEqual([
        'repository:dst/app:pull,push',
        'repository:src/app:pull',
      ]);
      expectNoSecret(res, [reg.password!, auth, asked[0]!.token!]);
      expect(res.stderr).not.toMatch(/Bearer [A-Za-z0-9_-]{20,}/);
      expect(res.stderr).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('verified token auth: a user granted pull only is refused by the registry, exit 4, no tag', async () => {
    const { reg, spec } = await seeded('token');
    reg.tokenServer!.setPolicy((_account, _repo, requested) =>
      requested.filter((a) => a === 'pull'),
    );
    const res = await runCli(['publish', '--from-spec', '-'], {
      input: spec,
      env: { MANIFOLD_USERNAME: reg.username!, MANIFOLD_PASSWORD: reg.password! },
    });
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/401|UNAUTHORIZED|DENIED/);
    expect(await new HarnessClient(reg).listTags('dst/app')).toEqual([]);
    expectNoSecret(res, [reg.password!]);
  });

  test('TLS with a private CA: refused without --ca-file, accepted with it', async () => {
    const { reg, spec } = await seeded('tls');
    const without = await runCli(['publish', '--from-spec', '-'], { input: spec });
    expect(without.code).toBe(3);
    expect(without.stderr).toMatch(/certificate/i);
    const withCa = await runCli(['publish', '--from-spec', '-', '--ca-file', reg.caFile!], {
      input: spec,
    });
    expect(withCa.code).toBe(0);
    expect(withCa.stdout).toContain('created');
    // §F17: --insecure-registry relaxes the named host only.
    const other = await runCli(
      ['publish', '--from-spec', '-', '--insecure-registry', 'registry.example.com'],
      { input: spec },
    );
    expect(other.code).toBe(3);
    const named = await runCli(['publish', '--from-spec', '-', '--insecure-registry', reg.host], {
      input: spec,
    });
    expect(named.code).toBe(0);
    expect(named.stdout).toContain('unchanged');
  });
});

describe('error text', () => {
  test('a refusal points to `manifold auth check`', async () => {
    const reg = await startRegistry({ variant: 'basic' });
    started.push(reg);
    const spec = `image: ${reg.host}/a/b:1\nmanifests:\n  - image: ${reg.host}/a/b:c\n  - image: ${reg.host}/a/b:d\n  - image: ${reg.host}/a/b:e\n`;
    const res = await runCli(['publish', '--from-spec', '-'], {
      input: spec,
      env: { HOME: '/nonexistent' },
    });
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('HTTP 401');
    expect(res.stderr).toContain('manifold auth check');
    // No credentials at all: said once for the registry, naming where manifold looked.
    expect(
      res.stderr.match(
        /asks for credentials \(HTTP 401\) and none were found \(sources tried: \/nonexistent\/\.docker\/config\.json/g,
      ),
    ).toHaveLength(1);
    // Credentials found and refused: a different message, naming their source.
    const refused = await runCli(['publish', '--from-spec', '-'], {
      input: spec,
      env: {
        HOME: '/nonexistent',
        MANIFOLD_USERNAME: 'alice',
        MANIFOLD_PASSWORD: 'wrong-password',
      },
    });
    expect(refused.code).toBe(3);
    expect(
      refused.stderr.match(
        /refused the credentials from MANIFOLD_USERNAME\/MANIFOLD_PASSWORD \(HTTP 401\)/g,
      ),
    ).toHaveLength(1);
    expect(refused.stderr).not.toContain('wrong-password');
  });
});
