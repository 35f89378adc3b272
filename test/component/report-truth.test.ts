/**
 * The report is true in every outcome: exit code, stdout (text and JSON, checked against the
 * shipped output schema), digest file and GITHUB_OUTPUT, on success, partial and failure paths.
 * The real registry, behind the fault proxy for what it cannot do by itself (a second writer
 * racing our tag PUT, a registry that answers 201 and keeps the old manifest, an interrupt).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { Ajv } from 'ajv';
import { CLI, runInProcess as runCli } from '../helpers/cli.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { HarnessClient } from '../helpers/harness-client.js';
import { startRegistry, type RegistryHandle } from '../helpers/registry.js';
import { seedImage, STANDARD_PLATFORMS, type SeededImage } from '../helpers/seed.js';

const schema = JSON.parse(readFileSync('schemas/publish-output.schema.json', 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

let reg: RegistryHandle;
let proxy: FaultProxy;
let harness: HarnessClient;
let amd: SeededImage;
let arm: SeededImage;
let n = 0;
const dir = mkdtempSync(join(tmpdir(), 'manifold-report-'));

beforeAll(async () => {
  reg = await startRegistry({ variant: 'plain' });
  harness = new HarnessClient(reg);
  amd = await seedImage(harness, {
    repository: 'r/app',
    tag: 'amd64',
    platform: STANDARD_PLATFORMS['amd64']!,
  });
  arm = await seedImage(harness, {
    repository: 'r/app',
    tag: 'arm64',
    platform: STANDARD_PLATFORMS['arm64']!,
  });
  proxy = await startFaultProxy(reg.url);
});
afterAll(async () => {
  await proxy?.close();
  await reg?.stop();
});
beforeEach(() => proxy.setFault(undefined));

const spec = (tag: string, extra = ''): string =>
  `image: ${proxy.host}/r/app:${tag}\n${extra}manifests:\n  - image: ${proxy.host}/r/app:amd64\n  - image: ${proxy.host}/r/app:arm64\n`;
const publish = (s: string, args: string[] = [], env: Record<string, string> = {}) =>
  runCli(['publish', '--from-spec', '-', ...args], { input: s, env });
const isPut = (tag: string) => (r: { method: string; url: string }) =>
  r.method === 'PUT' && r.url === `/v2/r/app/manifests/${tag}`;

interface Report {
  ok: boolean;
  exitCode: number;
  error?: { code: string; message: string };
  indexes: {
    status: string;
    digest: string;
    tags: { tag: string; status: string; error?: string; note?: string }[];
  }[];
}
function report(stdout: string): Report {
  const doc = JSON.parse(stdout) as Report;
  expect({ valid: validate(doc), errors: validate.errors ?? null }).toEqual({
    valid: true,
    errors: null,
  });
  return doc;
}

describe('all or nothing across documents', () => {
  test('a missing child in the second document: the first is not pushed, exit 3, and stdout says nothing moved', async () => {
    const a = `a${++n}`;
    const text = `${spec(a)}---\nimage: ${proxy.host}/r/app:b${n}\nmanifests:\n  - image: ${proxy.host}/r/app:no-such-tag\n`;
    const res = await publish(text);
    expect(res.code).toBe(3);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('nothing was pushed');
    expect(proxy.requests.filter((r) => r.method === 'PUT' || r.method === 'POST')).toEqual([]);
    const json = await publish(text, ['--output', 'json']);
    expect(json.code).toBe(3);
    const doc = report(json.stdout);
    // Every index the run would have written is named, with its tags, none attempted.
    expect(doc).toMatchObject({
      ok: false,
      exitCode: 3,
      error: { code: 'NOT_FOUND' },
      indexes: [
        {
          target: `${proxy.host}/r/app:${a}`,
          status: 'not-attempted',
          digest: expect.stringMatching(/^sha256:/),
          // The line that says why names the index that failed.
          tags: [
            {
              tag: a,
              status: 'not-attempted',
              error: `another index of this run could not be prepared: ${proxy.host}/r/app:b${n}`,
            },
          ],
        },
        {
          target: `${proxy.host}/r/app:b${n}`,
          status: 'failed',
          error: { code: 'NOT_FOUND' },
          tags: [{ tag: `b${n}`, status: 'not-attempted' }],
        },
      ],
    });
    expect(doc.indexes[1]).not.toHaveProperty('digest');
  });
});

describe('release day: one conductor across documents', () => {
  test('every copy of every document lands before any tag moves; a refused tag in one document does not hold the others back', async () => {
    const t = `rd${++n}`;
    const copyRepo = `r/copy${n}`;
    // Document 1 (same repository), document 2 (copies its child into another repository),
    // document 3 (same repository). Document 1's tag is refused.
    const text = `${spec(t)}---\nimage: ${proxy.host}/${copyRepo}:${t}\nmanifests:\n  - image: ${proxy.host}/r/app:amd64\n---\n${spec(`${t}-c`)}`;
    proxy.setFault((r) =>
      isPut(t)(r)
        ? {
            kind: 'answer',
            status: 403,
            headers: { 'content-type': 'application/json' },
            body: '{"errors":[{"code":"DENIED","message":"tag is protected"}]}',
          }
        : undefined,
    );
    const before = proxy.requests.length;
    const res = await publish(text, ['--output', 'json']);
    expect(res.code).toBe(4);
    const doc = report(res.stdout);
    expect(doc.indexes.map((i) => [i.status, i.tags.map((x) => x.status)])).toEqual([
      ['failed', ['failed']],
      ['published', ['created']],
      ['published', ['created']],
    ]);
    const seen = proxy.requests.slice(before);
    const at = (pred: (r: { method: string; url: string }) => boolean): number[] =>
      seen.flatMap((r, i) => (pred(r) ? [i] : []));
    const copies = at(
      (r) =>
        r.url.startsWith(`/v2/${copyRepo}/`) &&
        (r.method === 'POST' || (r.method === 'PUT' && /\/manifests\/sha256:/.test(r.url))),
    );
    const tags = at((r) => r.method === 'PUT' && /\/manifests\/(?!sha256:)/.test(r.url));
    expect(copies.length).toBeGreaterThan(0);
    expect(tags).toHaveLength(3);
    expect(Math.max(...copies)).toBeLessThan(Math.min(...tags));
  });
});

describe('every tag read back', () => {
  test('a second writer moves the tag between our PUT and its answer: failed, exit 4', async () => {
    const tag = `m${++n}`;
    proxy.setFault((r) =>
      isPut(tag)(r)
        ? {
            kind: 'after',
            then: async () =>
              void (await harness.pushManifest('r/app', tag, arm.mediaType, arm.bytes)),
          }
        : undefined,
    );
    const res = await publish(spec(tag, 'tags: [also]\n'), ['--output', 'json']);
    expect(res.code).toBe(4);
    const doc = report(res.stdout);
    expect(doc.indexes[0]!.status).toBe('partial');
    expect(doc.indexes[0]!.tags).toEqual([
      expect.objectContaining({
        tag,
        status: 'failed',
        error: `moved by another writer (it points at ${arm.digest})`,
      }),
      { tag: 'also', status: 'created' },
    ]);
    expect(res.stderr).toContain('moved: also');
  });

  test('a registry that answers 201 and keeps the old manifest: failed "not applied", exit 4, text and JSON agree', async () => {
    const tag = `k${++n}`;
    await harness.pushManifest('r/app', tag, amd.mediaType, amd.bytes);
    proxy.setFault((r) => (isPut(tag)(r) ? { kind: 'answer', status: 201 } : undefined));
    const res = await publish(spec(tag));
    expect(res.code).toBe(4);
    expect(res.stdout).toMatch(
      new RegExp(
        `^Digest: sha256:[a-f0-9]{64} \\d+\nTag: ${proxy.host}/r/app:${tag} failed \\(not applied by the registry: it answered the PUT with success, yet it points at ${amd.digest}\\)\n$`,
      ),
    );
    const again = await publish(spec(tag), ['--output', 'json']);
    expect(report(again.stdout).indexes[0]!.tags[0]).toMatchObject({
      status: 'failed',
      previous: amd.digest,
    });
  });

  test('SIGTERM while a tag PUT is in flight: the tag is read back and reported as it is; the exit says interrupted (143)', async () => {
    const tag = `s${++n}`;
    let arrived!: () => void;
    const putArrived = new Promise<void>((r) => (arrived = r));
    // The registry stores the PUT at once; its answer is held back, and the CLI is interrupted meanwhile.
    proxy.setFault((r) =>
      isPut(tag)(r)
        ? {
            kind: 'after',
            then: () => (arrived(), new Promise((res) => setTimeout(res, 3000).unref())),
          }
        : undefined,
    );
    const child = spawn(
      process.execPath,
      [CLI, 'publish', '--from-spec', '-', '--output', 'json'],
      { env: { PATH: process.env['PATH'], HOME: dir } },
    );
    child.stdin.end(spec(tag));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number>((r) => child.on('close', (code) => r(code ?? -1)));
    await putArrived;
    child.kill('SIGTERM');
    const code = await exited;
    expect(stderr).toContain('interrupted');
    const doc = report(stdout);
    expect(doc.indexes[0]!.tags[0]).toEqual({
      tag,
      status: 'created',
      note: 'settled after the interrupt',
    });
    // Every tag landed, and still the run was cancelled: a wrapper must be able to tell.
    expect(doc).toMatchObject({ ok: false, exitCode: 143, interrupted: 'SIGTERM' });
    expect(code).toBe(143);
    expect((await harness.getManifest('r/app', tag)).headers['docker-content-digest']).toBe(
      doc.indexes[0]!.digest,
    );
  });
});

describe('outputs a pipeline can parse', () => {
  test('--output json in every outcome matches the shipped schema: success, dry run, usage error, spec error', async () => {
    const ok = await publish(spec(`j${++n}`), ['--output', 'json']);
    expect(report(ok.stdout)).toMatchObject({
      ok: true,
      exitCode: 0,
      indexes: [{ status: 'published' }],
    });
    const dry = await publish(spec(`j${++n}`), ['--output', 'json', '--dry-run']);
    expect(report(dry.stdout)).toMatchObject({
      ok: true,
      dryRun: true,
      indexes: [{ status: 'planned', tags: [{ status: 'created' }] }],
    });
    const usage = await runCli([
      'publish',
      '--output',
      'json',
      '--from-spec',
      'x.yml',
      '--platforms',
      'linux/amd64',
    ]);
    expect(usage.code).toBe(2);
    expect(report(usage.stdout)).toMatchObject({
      ok: false,
      exitCode: 2,
      error: { code: 'USAGE' },
    });
    const unknownFlag = await runCli(['publish', '--output', 'json', '--no-such-flag']);
    expect(report(unknownFlag.stdout)).toMatchObject({ ok: false, exitCode: 2 });
    const badSpec = await publish('image: x\n', ['--output', 'json']);
    expect(report(badSpec.stdout)).toMatchObject({
      ok: false,
      exitCode: 2,
      error: { code: 'SPEC_INVALID' },
    });
  });

  test('--digest-file and GITHUB_OUTPUT that cannot be written stop the run before any write (exit 2)', async () => {
    const sub = join(dir, `d${++n}`);
    mkdirSync(sub);
    for (const [args, env] of [
      [['--digest-file', join(dir, 'missing-dir', 'digest')], {}],
      [['--digest-file', sub], {}],
      [[], { GITHUB_OUTPUT: join(dir, 'nope', 'gh') }],
    ] as [string[], Record<string, string>][]) {
      const before = proxy.requests.length;
      const res = await publish(spec(`o${n}`), args, env);
      expect(res.code).toBe(2);
      expect(res.stderr).not.toMatch(/at .*\.js:\d+/);
      expect(proxy.requests.slice(before)).toEqual([]);
    }
  });

  test('a failed run leaves an earlier digest file whole; a partial one writes what landed', async () => {
    const file = join(dir, `digest-${++n}`);
    writeFileSync(file, 'sha256:earlier\n');
    const failed = await publish(
      `image: ${proxy.host}/r/app:f${n}\nmanifests:\n  - image: ${proxy.host}/r/app:missing\n`,
      ['--digest-file', file],
    );
    expect(failed.code).toBe(3);
    expect(readFileSync(file, 'utf8')).toBe('sha256:earlier\n');
    const tag = `p${n}`;
    proxy.setFault((r) =>
      isPut('broken')(r)
        ? {
            kind: 'answer',
            status: 400,
            body: '{"errors":[{"code":"TAG_INVALID","message":"immutable"}]}',
          }
        : undefined,
    );
    const gh = join(dir, `gh-${n}`);
    const partial = await publish(spec(tag, 'tags: [broken]\n'), ['--digest-file', file], {
      GITHUB_OUTPUT: gh,
    });
    expect(partial.code).toBe(4);
    const digest = /^Digest: (\S+)/.exec(partial.stdout)![1]!;
    expect(readFileSync(file, 'utf8')).toBe(`${digest}\n`);
    const lines = readFileSync(gh, 'utf8').split('\n');
    expect(lines.slice(0, 3).join('\n')).toBe(
      `digest=${digest}\ndigests=${digest}\ntags=${proxy.host}/r/app:${tag}`,
    );
    // What landed alone: the metadata names the one tag that moved.
    expect(JSON.parse(lines[3]!.replace(/^metadata=/, ''))['image.name']).toBe(
      `${proxy.host}/r/app:${tag}`,
    );
  });

  test('--metadata-file has buildx imagetools keys; --digest-file-format dotenv writes DIGEST= for GitLab', async () => {
    const tag = `md${++n}`;
    const meta = join(dir, `meta-${n}.json`);
    const env = join(dir, `digest-${n}.env`);
    const res = await publish(spec(tag, 'tags: [extra]\n'), [
      '--metadata-file',
      meta,
      '--digest-file',
      env,
      '--digest-file-format',
      'dotenv',
      '--output',
      'json',
    ]);
    expect(res.code).toBe(0);
    const doc = report(res.stdout);
    const index = doc.indexes[0]! as { digest: string; size?: number; mediaType?: string };
    expect(JSON.parse(readFileSync(meta, 'utf8'))).toEqual({
      'containerimage.digest': index.digest,
      'containerimage.descriptor': {
        mediaType: index.mediaType,
        digest: index.digest,
        size: index.size,
      },
      'image.name': `${proxy.host}/r/app:${tag},${proxy.host}/r/app:extra`,
    });
    expect(readFileSync(env, 'utf8')).toBe(`DIGEST=${index.digest}\n`);
    // Checked before anything is contacted, like the digest file.
    const before = proxy.requests.length;
    const bad = await publish(spec(`md${++n}`), ['--metadata-file', join(dir, 'no-dir', 'm.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--metadata-file');
    expect(proxy.requests.slice(before)).toEqual([]);
  });

  test('GitHub Actions step summary: digest, a table of tags with their status, platforms; on failure too', async () => {
    const tag = `ss${++n}`;
    const summary = join(dir, `summary-${n}.md`);
    writeFileSync(summary, '# earlier step\n');
    const env = { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary };
    const ok = await publish(spec(tag, `tags: [x${n}]\n`), [], env);
    expect(ok.code).toBe(0);
    const digest = /^Digest: (\S+)/.exec(ok.stdout)![1]!;
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('# earlier step\n')).toBe(true);
    expect(text).toContain(`**${proxy.host}/r/app:${tag}** — published \`${digest}\``);
    expect(text).toContain(`| ${tag} | created |`);
    expect(text).toContain(`| x${n} | created |`);
    expect(text).toContain('Platforms: linux/amd64, linux/arm64/v8');
    const failed = await publish(
      `image: ${proxy.host}/r/app:sf${n}\nmanifests:\n  - image: ${proxy.host}/r/app:missing\n`,
      [],
      env,
    );
    expect(failed.code).toBe(3);
    const after = readFileSync(summary, 'utf8').slice(text.length);
    expect(after).toContain('exit 3');
    expect(after).toContain(`| sf${n} | not-attempted (this index could not be prepared) |`);
  });

  test('output files that are not plain files: a symlink stays a link, /dev/stdout and a FIFO are written through', async () => {
    const { execFileSync } = await import('node:child_process');
    const { lstatSync, readlinkSync, symlinkSync, statSync } = await import('node:fs');
    // A symlink to a regular file: the target is replaced whole, the link stays.
    const real = join(dir, `real-${++n}`);
    writeFileSync(real, 'sha256:earlier\n');
    const link = join(dir, `link-${n}`);
    symlinkSync(real, link);
    const viaLink = await publish(spec(`l${n}`), ['--digest-file', link]);
    expect(viaLink.code).toBe(0);
    const digest = /^Digest: (\S+)/.exec(viaLink.stdout)![1]!;
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(readFileSync(real, 'utf8')).toBe(`${digest}\n`);
    // /dev/stdout (a pipe here): the digest arrives on stdout after the report.
    const child = spawn(
      process.execPath,
      [CLI, 'publish', '--from-spec', '-', '--quiet', '--digest-file', '/dev/stdout'],
      { env: { PATH: process.env['PATH'], HOME: dir } },
    );
    child.stdin.end(spec(`s${n}`));
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    expect(await new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)))).toBe(0);
    const d2 = /^Digest: (\S+)/.exec(out)![1]!;
    expect(out.trimEnd().split('\n').at(-1)).toBe(d2);
    // A FIFO with a reader: the reader gets the digest, the FIFO stays a FIFO.
    const fifo = join(dir, `fifo-${n}`);
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    let read = '';
    reader.stdout.on('data', (c: Buffer) => (read += c.toString()));
    const readerDone = new Promise<number>((r) => reader.on('close', (c) => r(c ?? -1)));
    // The reader has the FIFO open once cat runs; the CLI opens it without blocking.
    for (let i = 0; i < 200; i++) {
      const res = await publish(spec(`f${n}`), ['--digest-file', fifo]);
      if (res.code === 2 && res.stderr.includes('no reader')) {
        await new Promise((r) => setTimeout(r, 25));
        continue;
      }
      expect(res.code).toBe(0);
      break;
    }
    expect(await readerDone).toBe(0);
    expect(read).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  test('a FIFO with no reader (digest file or GITHUB_OUTPUT) is refused before any push (exit 2), never hangs', async () => {
    const { execFileSync } = await import('node:child_process');
    for (const which of ['digest', 'gh']) {
      const fifo = join(dir, `lonely-${which}-${++n}`);
      execFileSync('mkfifo', [fifo]);
      const before = proxy.requests.length;
      const res = await publish(
        spec(`n${n}`),
        which === 'digest' ? ['--digest-file', fifo] : [],
        which === 'gh' ? { GITHUB_OUTPUT: fifo } : {},
      );
      expect(res.code).toBe(2);
      expect(res.stderr).toContain('is a FIFO with no reader');
      expect(proxy.requests.slice(before)).toEqual([]);
    }
  });

  test('stdout closed early: quiet exit, no stack trace (three runs)', async () => {
    const tag = `c${++n}`;
    expect((await publish(spec(tag))).code).toBe(0);
    for (let i = 0; i < 3; i++) {
      const child = spawn(process.execPath, [CLI, 'inspect', `${proxy.host}/r/app:${tag}`], {
        env: { PATH: process.env['PATH'], HOME: dir },
      });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    }
  });
});

describe('errors that say what to do', () => {
  test('a registry that is not running: "connection refused — is the registry running"; an unknown CA names the flags that fix it', async () => {
    // Port 1 (tcpmux): privileged and unused, so no registry another test starts can take it
    // (a free ephemeral port could be taken between the check and the request).
    const port = 1;
    const refused = await runCli(['inspect', `127.0.0.1:${port}/a/b:1`]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(
      `cannot connect to 127.0.0.1:${port}: connection refused — is the registry running, is the port right?`,
    );
    const tls = await startRegistry({ variant: 'tls' });
    try {
      const res = await runCli(['inspect', `localhost:${tls.host.split(':')[1]}/a/b:1`]);
      expect(res.code).toBe(3);
      expect(res.stderr).toMatch(
        /certificate from an unknown authority: trust its CA with --ca-file PEM or --cert-dir DIR, or \(for a test registry only\) skip verification with --insecure-registry/,
      );
    } finally {
      await tls.stop();
    }
  });
});

describe('quiet by default, progress where a person watches', () => {
  test('not a terminal: nothing on stderr for a clean publish; --log-level info gives a line per child; -q hides warnings', async () => {
    const quiet = await publish(spec(`q${++n}`));
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    const info = await publish(spec(`q${++n}`), ['--log-level', 'info']);
    expect(info.stderr.match(/child resolved/g)).toHaveLength(2);
    const warned = await publish(spec(`q${++n}`, 'tags:\n'));
    expect(warned.stderr).toContain('warning: tags: empty value');
    const hushed = await publish(spec(`q${++n}`, 'tags:\n'), ['-q']);
    expect(hushed.stderr).toBe('');
  });

  test('on a terminal (a pty from script(1)): a live progress display, erased before the summary', async () => {
    const { execFile } = await import('node:child_process');
    const file = join(dir, `tty-${++n}.yml`);
    writeFileSync(file, spec(`tty${n}`, 'tags: [a, b]\n'));
    const out = await new Promise<string>((resolve) => {
      execFile(
        'script',
        ['-qec', `${process.execPath} ${CLI} publish --from-spec ${file}`, '/dev/null'],
        { env: { PATH: process.env['PATH'], HOME: dir, TERM: 'xterm' } },
        (_err, stdout) => resolve(stdout),
      );
    });
    expect(out).toContain('resolved 2/2');
    expect(out).toContain('tags 3/3');
    // Erased before the summary: the last frame is followed by erase sequences, then the Digest line.
    expect(out).toMatch(/tags 3\/3[^]*\x1b\[2K[^]*Digest: sha256:/);
    expect(out.slice(out.indexOf('Digest:'))).not.toContain('resolved');
  });

  test('TERM=dumb on a terminal: no cursor control at all, the summary as on a pipe', async () => {
    const { execFile } = await import('node:child_process');
    const file = join(dir, `dumb-${++n}.yml`);
    writeFileSync(file, spec(`dumb${n}`));
    const out = await new Promise<string>((resolve) => {
      execFile(
        'script',
        ['-qec', `${process.execPath} ${CLI} publish --from-spec ${file}`, '/dev/null'],
        { env: { PATH: process.env['PATH'], HOME: dir, TERM: 'dumb' } },
        (_err, stdout) => resolve(stdout),
      );
    });
    expect(out).toContain('Digest: sha256:');
    expect(out).not.toContain('\x1b');
  });

  test('the terminal display is its own chunk of the bundle, loaded only for a terminal', () => {
    const chunks = readdirSync('dist/cli').filter((f) => f.endsWith('.js'));
    const display = chunks.filter((f) => f.startsWith('log-update-'));
    expect(display).toHaveLength(1);
    for (const f of chunks) {
      const text = readFileSync(join('dist/cli', f), 'utf8');
      // Never a static import of it (that would load it on every run, in CI too).
      expect(text).not.toMatch(new RegExp(`from\\s*["']\\./${display[0]}["']`));
    }
    const dynamic = chunks.filter((f) =>
      readFileSync(join('dist/cli', f), 'utf8').includes(`import("./${display[0]}")`),
    );
    expect(dynamic.length).toBeGreaterThan(0);
  });
});

describe('guards for releases', () => {
  test('a skipped optional child would drop a platform the tag serves: exit 3 naming it; --allow-fewer-platforms publishes', async () => {
    const tag = `g${++n}`;
    expect((await publish(spec(tag))).code).toBe(0);
    const shrinking = `image: ${proxy.host}/r/app:${tag}\nmanifests:\n  - image: ${proxy.host}/r/app:amd64\n  - image: ${proxy.host}/r/app:arm64-gone\n    optional: true\n`;
    const before = proxy.requests.length;
    const res = await publish(shrinking);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain(`serves linux/arm64/v8 now`);
    expect(res.stderr).toContain('--allow-fewer-platforms');
    expect(
      proxy.requests.slice(before).filter((r) => r.method === 'PUT' || r.method === 'POST'),
    ).toEqual([]);
    expect((await publish(shrinking, ['--allow-fewer-platforms'])).code).toBe(0);
  });

  test('minChildren in the spec and --min-children: fewer images is exit 3, nothing pushed', async () => {
    const tag = `h${++n}`;
    const text = `image: ${proxy.host}/r/app:${tag}\nminChildren: 2\nmanifests:\n  - image: ${proxy.host}/r/app:amd64\n  - image: ${proxy.host}/r/app:gone\n    optional: true\n`;
    const res = await publish(text);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('fewer than the minimum of 2 (minChildren)');
    expect((await publish(text, ['--min-children', '1'])).code).toBe(0);
    const cli = await publish(spec(`h${++n}`), ['--min-children', '3', '--output', 'json']);
    expect(cli.code).toBe(3);
    expect(report(cli.stdout).error).toMatchObject({ code: 'GUARD' });
  });
});
