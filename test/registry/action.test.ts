/**
 * The GitHub Action (action.yml): its steps run the way the runner runs a composite action —
 * `${{ inputs.* }}` and `${{ github.* }}` expressions replaced, each step's env and
 * working-directory applied, `shell: bash` as `bash --noprofile --norc -eo pipefail`, a fresh
 * GITHUB_OUTPUT file per step whose lines become the step's outputs, then the action's outputs
 * mapped from them — against the real registry. The build step is `npm ci && npm run build`,
 * which `npm test` has already done in this checkout: it is checked, not run again here.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { HarnessClient } from '../helpers/harness-client.js';
import { startRegistry, type RegistryHandle } from '../helpers/registry.js';
import { seedImage, type SeededImage } from '../helpers/seed.js';
import { skopeo } from '../helpers/skopeo.js';

interface Step {
  name?: string;
  id?: string;
  shell?: string;
  run: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}
interface Action {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
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

/** Runs the action's steps as the runner would; returns the action's outputs and each step's log. */
function runAction(
  inputs: Record<string, string>,
  workspace: string,
): { outputs: Record<string, string>; logs: string[]; code: number } {
  const values = Object.fromEntries(
    Object.entries(action.inputs).map(([k, v]) => [k, inputs[k] ?? v.default ?? '']),
  );
  const stepOutputs: Record<string, Record<string, string>> = {};
  const expr = (text: string): string =>
    text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, e: string) => {
      const [kind, ...path] = e.split('.');
      if (kind === 'inputs') return values[path.join('.')] ?? '';
      if (kind === 'github' && path[0] === 'action_path') return resolve('.');
      if (kind === 'steps') return stepOutputs[path[0]!]?.[path[2]!] ?? '';
      throw new Error(`expression not simulated: ${e}`);
    });
  const logs: string[] = [];
  for (const step of action.runs.steps.filter((s) => !/npm ci/.test(s.run))) {
    const out = join(mkdtempSync(join(tmpdir(), 'manifold-gh-')), 'output');
    writeFileSync(out, '');
    const env = {
      PATH: process.env['PATH'],
      HOME: workspace,
      GITHUB_ACTION_PATH: resolve('.'),
      GITHUB_OUTPUT: out,
      GITHUB_WORKSPACE: workspace,
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expr(v)])),
    };
    const r = spawnSync(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', '-c', expr(step.run)],
      { cwd: resolve(workspace, expr(step['working-directory'] ?? '.')), env, encoding: 'utf8' },
    );
    logs.push(`${r.stdout}${r.stderr}`);
    if (step.id)
      stepOutputs[step.id] = Object.fromEntries(
        readFileSync(out, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
    if (r.status !== 0) return { outputs: {}, logs, code: r.status ?? 1 };
  }
  return {
    outputs: Object.fromEntries(Object.entries(action.outputs).map(([k, v]) => [k, expr(v.value)])),
    logs,
    code: 0,
  };
}

describe('the GitHub Action', () => {
  test("is a composite action whose build step is the README's build and whose outputs come from the publish step", () => {
    expect(action.runs.using).toBe('composite');
    expect(action.runs.steps[0]!.run).toContain('npm ci');
    expect(action.runs.steps[0]!.run).toContain('npm run build');
    expect(Object.keys(action.outputs).sort()).toEqual(['digest', 'digests', 'tags']);
    expect(JSON.stringify(action.runs.steps)).not.toMatch(/--password[^-]/);
  });

  test('spec, username and password inputs: publishes, and the outputs carry digest, digests and tags; the password never shows', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'manifold-ws-'));
    writeFileSync(
      join(ws, 'manifest.yml'),
      `image: ${reg.host}/act/app:1.0\ntags: [latest]\nmanifests:\n${images.map((i) => `  - image: ${i.ref}\n`).join('')}`,
    );
    const r = runAction(
      { spec: 'manifest.yml', username: reg.username!, password: reg.password! },
      ws,
    );
    expect({ code: r.code, logs: r.logs }).toMatchObject({ code: 0 });
    expect(r.outputs['digest']).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(r.outputs['digests']).toBe(r.outputs['digest']);
    expect(r.outputs['tags']).toBe(`${reg.host}/act/app:1.0,${reg.host}/act/app:latest`);
    expect(r.logs.join('')).not.toContain(reg.password!);
    const raw = await skopeo([
      'inspect',
      '--raw',
      '--tls-verify=false',
      '--creds',
      `${reg.username}:${reg.password}`,
      `docker://${reg.host}/act/app:latest`,
    ]);
    expect(
      JSON.parse(raw.stdout.toString('utf8')).manifests.map((m: { digest: string }) => m.digest),
    ).toEqual(images.map((i) => i.digest));
  });

  test('args input: manifest-tool style from-args, several flags', () => {
    const ws = mkdtempSync(join(tmpdir(), 'manifold-ws-'));
    const r = runAction(
      {
        args: `--from-args --platforms linux/amd64,linux/arm64/v8 --template ${reg.host}/act/app:ARCH --target ${reg.host}/act/app:2.0 --tags two`,
        username: reg.username!,
        password: reg.password!,
      },
      ws,
    );
    expect({ code: r.code, logs: r.logs }).toMatchObject({ code: 0 });
    expect(r.outputs['tags']).toBe(`${reg.host}/act/app:2.0,${reg.host}/act/app:two`);
  });
});
