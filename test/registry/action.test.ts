/**
 * The GitHub Action (action.yml), run the way the runner runs a JavaScript action: `node` on its
 * `main` file (the committed bundle), every declared input as `INPUT_<NAME>` (upper-cased, spaces
 * as `_`, its default when the workflow gives none), GITHUB_ACTIONS=true, a GITHUB_OUTPUT file
 * whose `name=value` and `name<<DELIM` entries become the step's outputs, the workspace as the
 * working directory — against the real registry, read back with skopeo.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { HarnessClient } from '../helpers/harness-client.js';
import { startRegistry, type RegistryHandle } from '../helpers/registry.js';
import { seedImage, type SeededImage } from '../helpers/seed.js';
import { skopeo } from '../helpers/skopeo.js';

interface Action {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

const action = parse(readFileSync('action.yml', 'utf8')) as Action;
let reg: RegistryHandle;
let images: SeededImage[];

beforeAll(async () => {
  reg = await startRegistry({ variant: 'basic' });
  const h = new HarnessClient(reg);
  images = [
    await seedImage(h, {
      repository: 'act/app',
      tag: 'amd64',
      platform: { os: 'linux', architecture: 'amd64' },
    }),
    await seedImage(h, {
      repository: 'act/app',
      tag: 'arm64',
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    }),
  ];
});
afterAll(async () => reg?.stop());

/** GITHUB_OUTPUT's file commands: `name=value` and `name<<DELIM` … `DELIM`. */
function fileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(l);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      out[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (l.includes('=')) out[l.slice(0, l.indexOf('='))] = l.slice(l.indexOf('=') + 1);
  }
  return out;
}

/** Runs the action as the runner would; returns its outputs, its log and its exit code. */
function runAction(
  inputs: Record<string, string>,
  workspace: string,
): { outputs: Record<string, string>; log: string; code: number } {
  for (const k of Object.keys(inputs))
    if (!(k in action.inputs)) throw new Error(`input ${k} is not declared in action.yml`);
  const dir = mkdtempSync(join(tmpdir(), 'manifold-gh-'));
  const out = join(dir, 'output');
  writeFileSync(out, '');
  const env: Record<string, string> = {
    PATH: process.env['PATH']!,
    HOME: workspace,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: out,
    GITHUB_WORKSPACE: workspace,
    GITHUB_ACTION_PATH: resolve('.'),
  };
  for (const [k, v] of Object.entries(action.inputs))
    env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = inputs[k] ?? v.default ?? '';
  const r = spawnSync('node', [resolve(action.runs.main)], {
    cwd: workspace,
    env,
    encoding: 'utf8',
  });
  return {
    outputs: fileCommands(readFileSync(out, 'utf8')),
    log: `${r.stdout}${r.stderr}`,
    code: r.status ?? 1,
  };
}

const creds = (): Record<string, string> => ({
  username: reg.username!,
  password: reg.password!,
});

async function rawIndex(ref: string): Promise<{
  mediaType: string;
  manifests: { digest: string }[];
  annotations?: Record<string, string>;
} | null> {
  const r = await skopeo([
    'inspect',
    '--raw',
    '--tls-verify=false',
    '--creds',
    `${reg.username}:${reg.password}`,
    `docker://${ref}`,
  ]);
  if (r.code === 0) return JSON.parse(r.stdout.toString('utf8'));
  // Absent, and only that: any other failure (auth, network) fails the test.
  if (/manifest unknown/i.test(r.stderr)) return null;
  throw new Error(`skopeo inspect ${ref}: ${r.stderr}`);
}

const workspace = (): string => mkdtempSync(join(tmpdir(), 'manifold-ws-'));

describe('the GitHub Action', () => {
  test('is a JavaScript action on node24 whose main file is committed, with the metadata output', () => {
    expect(action.runs.using).toBe('node24');
    expect(existsSync(action.runs.main)).toBe(true);
    expect(Object.keys(action.outputs).sort()).toEqual(['digest', 'digests', 'metadata', 'tags']);
    expect(Object.keys(action.inputs).sort()).toEqual(
      [
        'annotations',
        'args',
        'dry-run',
        'password',
        'spec',
        'tags',
        'targets',
        'type',
        'username',
        'working-directory',
      ].sort(),
    );
  });

  test('spec, tags and credentials: publishes; digest, digests, tags and metadata outputs; the password shows only in the mask command', async () => {
    const ws = workspace();
    writeFileSync(
      join(ws, 'manifest.yml'),
      `image: ${reg.host}/act/app:1.0\nmanifests:\n${images.map((i) => `  - image: ${i.ref}\n`).join('')}`,
    );
    const r = runAction({ spec: 'manifest.yml', tags: 'latest\n', ...creds() }, ws);
    expect({ code: r.code, log: r.log }).toMatchObject({ code: 0 });
    expect(r.outputs['digest']).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(r.outputs['digests']).toBe(r.outputs['digest']);
    expect(r.outputs['tags']).toBe(`${reg.host}/act/app:1.0,${reg.host}/act/app:latest`);
    const meta = JSON.parse(r.outputs['metadata']!) as Record<string, unknown>;
    expect(meta['containerimage.digest']).toBe(r.outputs['digest']);
    expect(meta['image.name']).toBe(r.outputs['tags']);
    expect(r.log).toContain(`::add-mask::${reg.password}`);
    expect(r.log.replace(`::add-mask::${reg.password}`, '')).not.toContain(reg.password!);
    const index = await rawIndex(`${reg.host}/act/app:latest`);
    expect(index?.manifests.map((m) => m.digest)).toEqual(images.map((i) => i.digest));
  });

  test("metadata-action's tags and annotations with multi-line, quoted args (from-args): every line counts", async () => {
    const ws = workspace();
    const r = runAction(
      {
        // docker/metadata-action's outputs: full references, and annotations at every level.
        tags: `${reg.host}/act/app:3.0\n${reg.host}/act/app:3\n`,
        annotations:
          'manifest:org.opencontainers.image.version=3.0\nindex:org.opencontainers.image.version=3.0\nindex:org.opencontainers.image.description=two words\n',
        args: `--from-args\n--platforms linux/amd64,linux/arm64/v8\n--template '${reg.host}/act/app:ARCH'\n--type "oci"\n`,
        ...creds(),
      },
      ws,
    );
    expect({ code: r.code, log: r.log }).toMatchObject({ code: 0 });
    expect(r.log).toMatch(/::warning::annotations: 1 line with manifest: /);
    expect(r.outputs['tags']).toBe(`${reg.host}/act/app:3.0,${reg.host}/act/app:3`);
    const index = await rawIndex(`${reg.host}/act/app:3`);
    expect(index?.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(index?.annotations).toEqual({
      'org.opencontainers.image.version': '3.0',
      'org.opencontainers.image.description': 'two words',
    });
    expect(index?.manifests.map((m) => m.digest)).toEqual(images.map((i) => i.digest));
  });

  test('--dry-run on the second line of args is kept: nothing is pushed, no digest output', async () => {
    const ws = workspace();
    writeFileSync(
      join(ws, 'manifest.yml'),
      `image: ${reg.host}/act/app:dry\nmanifests:\n${images.map((i) => `  - image: ${i.ref}\n`).join('')}`,
    );
    const r = runAction(
      { spec: 'manifest.yml', args: '--tags dry-extra\n--dry-run', ...creds() },
      ws,
    );
    expect({ code: r.code, log: r.log }).toMatchObject({ code: 0 });
    expect(r.outputs).toEqual({});
    expect(await rawIndex(`${reg.host}/act/app:dry`)).toBeNull();
    expect(await rawIndex(`${reg.host}/act/app:dry-extra`)).toBeNull();
  });

  test('the dry-run input, several spec files and a working directory', async () => {
    const ws = workspace();
    const sub = join(ws, 'deploy');
    spawnSync('mkdir', [sub]);
    for (const name of ['a', 'b'])
      writeFileSync(
        join(sub, `${name}.yml`),
        `image: ${reg.host}/act/${name}:1\nmanifests:\n  - image: ${images[0]!.ref}\n`,
      );
    const r = runAction(
      { spec: 'a.yml\nb.yml', 'dry-run': 'true', 'working-directory': 'deploy', ...creds() },
      ws,
    );
    expect({ code: r.code, log: r.log }).toMatchObject({ code: 0 });
    expect(r.log).toContain(`${reg.host}/act/a:1`);
    expect(r.log).toContain(`${reg.host}/act/b:1`);
    expect(await rawIndex(`${reg.host}/act/a:1`)).toBeNull();
  });

  test('inputs that cannot be read are exit 2 with an ::error:: and nothing pushed', async () => {
    const ws = workspace();
    writeFileSync(
      join(ws, 'manifest.yml'),
      `image: ${reg.host}/act/app:bad\nmanifests:\n  - image: ${images[0]!.ref}\n`,
    );
    const quote = runAction({ spec: 'manifest.yml', args: "--tags 'x\n--dry-run", ...creds() }, ws);
    expect(quote.code).toBe(2);
    expect(quote.log).toMatch(/::error::input args: the single quote on line 1 is never closed/);
    const bool = runAction({ spec: 'manifest.yml', 'dry-run': 'yes', ...creds() }, ws);
    expect(bool.code).toBe(2);
    expect(bool.log).toMatch(/::error::input dry-run: "yes" is not true or false/);
    const foreign = runAction(
      { spec: 'manifest.yml', tags: 'other.example.com/else/app:1', ...creds() },
      ws,
    );
    expect(foreign.code).toBe(2);
    expect(foreign.log).toContain('no spec document publishes other.example.com/else/app');
    expect(await rawIndex(`${reg.host}/act/app:bad`)).toBeNull();
  });
});
