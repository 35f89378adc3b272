/**
 * Faults a real registry cannot be made to produce, injected by a proxy in front of the real
 * registry. Each test names the case of the registry-protocol test plan (§F) it covers.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { runInProcess as runCli } from '../helpers/cli.js';
import { startFaultProxy, startRecorder, type FaultProxy } from '../helpers/fault-proxy.js';
import { HarnessClient } from '../helpers/harness-client.js';
import { startRegistry, type RegistryHandle } from '../helpers/registry.js';
import { seedImage, STANDARD_PLATFORMS, type SeededImage } from '../helpers/seed.js';

let reg: RegistryHandle;
let proxy: FaultProxy;
let amd: SeededImage;
let arm: SeededImage;
let n = 0;

beforeAll(async () => {
  reg = await startRegistry({ variant: 'plain' });
  const h = new HarnessClient(reg);
  amd = await seedImage(h, {
    repository: 'f/app',
    tag: 'amd64',
    platform: STANDARD_PLATFORMS['amd64']!,
  });
  arm = await seedImage(h, {
    repository: 'f/app',
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

const spec = (tag = `t${++n}`): string =>
  `image: ${proxy.host}/f/app:${tag}\nmanifests:\n  - image: ${proxy.host}/f/app:amd64\n  - image: ${proxy.host}/f/app:arm64\n`;
/** Backoff shortened to 20 ms (doubling, with jitter): the schedule is checked, not waited out. */
const FAST = { MANIFOLD_RETRY_BASE_MS: '20' };
const publish = (s: string, args: string[] = []) =>
  runCli(['publish', '--from-spec', '-', ...args], { input: s, env: FAST });
const isGet = (tag: string) => (r: { method: string; url: string }) =>
  r.method === 'GET' && r.url === `/v2/f/app/manifests/${tag}`;

describe('retries', () => {
  test('§F21: a 503 once is retried and the publish succeeds', async () => {
    proxy.setFault((r, count) =>
      isGet('amd64')(r) && count === 1 ? { kind: 'answer', status: 503 } : undefined,
    );
    const res = await publish(spec());
    expect(res.code).toBe(0);
    expect(proxy.requests.filter(isGet('amd64')).length).toBeGreaterThanOrEqual(2);
  });

  test('§F21: a persistent 503 fails after 1 + 3 attempts with exit 3 and nothing pushed', async () => {
    proxy.setFault((r) => (isGet('arm64')(r) ? { kind: 'answer', status: 503 } : undefined));
    const before = proxy.requests.length;
    const tag = `t${++n}`;
    const res = await publish(spec(tag));
    expect(res.code).toBe(3);
    const attempts = proxy.requests.slice(before).filter(isGet('arm64'));
    expect(attempts).toHaveLength(4);
    expect(proxy.requests.slice(before).filter((r) => r.method === 'PUT')).toHaveLength(0);
    // Exponential backoff from the 20 ms base: about 20, 40, 80 ms between attempts (±20 % jitter).
    const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
    // (Lower bounds only: a busy machine can stretch a gap, never shorten it.)
    gaps.forEach((g, i) => expect(g).toBeGreaterThanOrEqual(Math.floor(0.8 * 20 * 2 ** i)));
  });

  test('§F20: 429 with Retry-After in seconds is honoured', async () => {
    proxy.setFault((r, count) =>
      isGet('amd64')(r) && count === 1
        ? { kind: 'answer', status: 429, headers: { 'retry-after': '1' } }
        : undefined,
    );
    const before = proxy.requests.length;
    expect((await publish(spec())).code).toBe(0);
    const gets = proxy.requests.slice(before).filter(isGet('amd64'));
    expect(gets[1]!.at - gets[0]!.at).toBeGreaterThanOrEqual(950);
  });

  test('§F20: 429 with Retry-After as an HTTP-date is honoured', async () => {
    proxy.setFault((r, count) =>
      isGet('amd64')(r) && count === 1
        ? {
            kind: 'answer',
            status: 429,
            headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() },
          }
        : undefined,
    );
    const before = proxy.requests.length;
    expect((await publish(spec())).code).toBe(0);
    const gets = proxy.requests.slice(before).filter(isGet('amd64'));
    expect(gets[1]!.at - gets[0]!.at).toBeGreaterThanOrEqual(900);
  });

  test('§F20: a Retry-After longer than the cap fails at once instead of hanging', async () => {
    proxy.setFault((r) =>
      isGet('amd64')(r)
        ? {
            kind: 'answer',
            status: 429,
            headers: { 'retry-after': '99999' },
            body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}',
          }
        : undefined,
    );
    const before = proxy.requests.length;
    const res = await publish(spec());
    expect(res.code).toBe(3);
    // Not waited for, not retried: one attempt.
    expect(proxy.requests.slice(before).filter(isGet('amd64'))).toHaveLength(1);
    expect(res.stderr).toContain('TOOMANYREQUESTS');
  });

  test('§F22: 413 on the index PUT is not retried; exit 4 names the tag', async () => {
    const tag = `t${++n}`;
    proxy.setFault((r) =>
      r.method === 'PUT' && r.url === `/v2/f/app/manifests/${tag}`
        ? {
            kind: 'answer',
            status: 413,
            body: '{"errors":[{"code":"SIZE_INVALID","message":"manifest too big"}]}',
          }
        : undefined,
    );
    const before = proxy.requests.length;
    const res = await publish(spec(tag));
    expect(res.code).toBe(4);
    expect(proxy.requests.slice(before).filter((r) => r.method === 'PUT')).toHaveLength(1);
    expect(res.stdout).toContain(`Tag: ${proxy.host}/f/app:${tag} failed`);
    expect(res.stderr).toContain('SIZE_INVALID');
  });

  test('§F13/§F14: a connection reset, then a truncated body, on the manifest GET are retried; the digest still matches', async () => {
    proxy.setFault((r, count) =>
      isGet('amd64')(r)
        ? count === 1
          ? { kind: 'reset' }
          : count === 2
            ? { kind: 'truncate' }
            : undefined
        : undefined,
    );
    const res = await publish(spec(), ['--output', 'json']);
    expect(res.code).toBe(0);
    expect(
      (JSON.parse(res.stdout) as { indexes: { children: { digest: string }[] }[] }).indexes[0]!
        .children[0]!.digest,
    ).toBe(amd.digest);
  });

  test('§F16: a slow registry is cut off by the overall --timeout deadline', async () => {
    proxy.setFault((r) => (isGet('amd64')(r) ? { kind: 'delay', ms: 8000 } : undefined));
    const before = proxy.requests.length;
    const res = await publish(spec(), ['--timeout', '2']);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('deadline');
    // The slow request was cut by the client, not answered after its 8 s.
    const slow = proxy.requests.slice(before).filter(isGet('amd64'));
    for (let i = 0; i < 200 && !slow.every((r) => r.cut); i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(slow.every((r) => r.cut)).toBe(true);
  });
});

// The registry ping (GET /v2/) goes out through a light node:http probe while got loads; the
// probe never reports a failure itself: anything but a final answer is sent again through got.
describe('fail fast', () => {
  test('a missing child beside a slow one: the slow request is aborted at once, not waited out', async () => {
    // The slow child's GET would take a minute: the run must not wait for it.
    proxy.setFault((r) => (isGet('amd64')(r) ? { kind: 'delay', ms: 60_000 } : undefined));
    const before = proxy.requests.length;
    const s = `image: ${proxy.host}/f/app:ff\nmanifests:\n  - image: ${proxy.host}/f/app:amd64\n  - image: ${proxy.host}/f/app:missing\n`;
    const res = await publish(s, ['--log-format', 'json', '--log-level', 'debug']);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('f/app:missing');
    // The slow child's resolution was cut off by the failure (not left to run out).
    const stopped = res.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; entry?: string; by?: string })
      .filter((l) => l.msg === 'child stopped: another child failed');
    expect(stopped).toEqual([
      expect.objectContaining({
        entry: 'manifests[0]',
        by: expect.stringContaining('manifests[1]'),
      }),
    ]);
    expect(res.stderr).toMatch(/1 not checked/);
    const slow = proxy.requests.slice(before).filter(isGet('amd64'));
    // One attempt, cut by the client (no retry of an abort), and already closed when the run ended.
    expect(slow).toHaveLength(1);
    // The proxy sees the client close it (an event; the minute-long answer is never sent).
    for (let i = 0; i < 200 && !slow[0]!.cut; i++) await new Promise((r) => setTimeout(r, 25));
    expect(slow[0]!.cut).toBe(true);
    expect(proxy.requests.slice(before).filter((r) => r.method === 'PUT')).toHaveLength(0);
  });
});

describe('registry ping', () => {
  const isPing = (r: { method: string; url: string }) => r.method === 'GET' && r.url === '/v2/';

  test('a 503 on the ping is retried and the publish succeeds', async () => {
    proxy.setFault((r, count) =>
      isPing(r) && count === 1 ? { kind: 'answer', status: 503 } : undefined,
    );
    const before = proxy.requests.length;
    const res = await publish(spec(), ['--plain-http']);
    expect(res.code).toBe(0);
    expect(proxy.requests.slice(before).filter(isPing)).toHaveLength(2);
  });

  test('a connection reset on the ping is sent again and the publish succeeds', async () => {
    proxy.setFault((r, count) => (isPing(r) && count === 1 ? { kind: 'reset' } : undefined));
    const before = proxy.requests.length;
    const res = await publish(spec(), ['--plain-http']);
    expect(res.code).toBe(0);
    expect(proxy.requests.slice(before).filter(isPing).length).toBeGreaterThanOrEqual(2);
  });

  test('a ping that keeps failing ends in exit 3 with the status named, and nothing pushed', async () => {
    proxy.setFault((r) => (isPing(r) ? { kind: 'answer', status: 503 } : undefined));
    const before = proxy.requests.length;
    const res = await publish(spec(), ['--plain-http']);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('503');
    // The probe, then got's first attempt and its 3 retries.
    expect(proxy.requests.slice(before).filter(isPing)).toHaveLength(5);
    expect(proxy.requests.slice(before).filter((r) => r.method !== 'GET')).toHaveLength(0);
  });

  test("the ping's connection is reused by the requests that follow it", async () => {
    proxy.setFault(undefined);
    const res = await runCli(['inspect', '--plain-http', `${proxy.host}/f/app:amd64`]);
    expect(res.code).toBe(0);
    const seen = proxy.requests
      .slice(-3)
      .map((r) => `${r.method} ${r.url.replace(/sha256:\w+/, 'D')}`);
    expect(seen).toEqual(['GET /v2/', 'GET /v2/f/app/manifests/amd64', 'GET /v2/f/app/blobs/D']);
    expect(proxy.connections).toBe(1);
  });
});

describe('hostile answers', () => {
  test('§F40/§B2: Docker-Content-Digest that does not match the bytes is a digest mismatch, exit 3', async () => {
    proxy.setFault((r) =>
      isGet('amd64')(r)
        ? { kind: 'rewrite', headers: { 'docker-content-digest': arm.digest } }
        : undefined,
    );
    const res = await publish(spec());
    expect(res.code).toBe(3);
    expect(res.stderr).toContain(
      `the registry says ${arm.digest} but the bytes it sent hash to ${amd.digest}`,
    );
  });

  test('§F40: bytes that do not match the digest asked for are refused', async () => {
    proxy.setFault((r) =>
      r.method === 'GET' && r.url === `/v2/f/app/manifests/${amd.digest}`
        ? { kind: 'rewrite', headers: { 'docker-content-digest': '' }, body: arm.bytes }
        : undefined,
    );
    const res = await publish(
      `image: ${proxy.host}/f/app:d${++n}\nmanifests:\n  - image: ${proxy.host}/f/app@${amd.digest}\n`,
    );
    expect(res.code).toBe(3);
    expect(res.stderr).toContain(`asked for ${amd.digest} but the bytes hash to ${arm.digest}`);
  });

  test('§F39/§B3: a 5 MiB manifest body is cut off at the 4 MiB cap', async () => {
    proxy.setFault((r) =>
      isGet('amd64')(r)
        ? {
            kind: 'answer',
            status: 200,
            headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
            body: Buffer.alloc(5 * 1024 * 1024, 32),
          }
        : undefined,
    );
    const res = await publish(spec());
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('larger than 4194304 bytes');
  });

  test('§F38/§B4: a redirect to another origin gets no Authorization header', async () => {
    const basic = await startRegistry({ variant: 'basic' });
    const bproxy = await startFaultProxy(basic.url);
    const img = await seedImage(new HarnessClient(basic), {
      repository: 'r/app',
      tag: 'amd64',
      platform: STANDARD_PLATFORMS['amd64']!,
    });
    const cdn = await startRecorder(() => ({
      status: 200,
      headers: { 'content-type': img.mediaType, 'docker-content-digest': img.digest },
      body: img.bytes,
    }));
    try {
      bproxy.setFault((r) =>
        isGetPath(r, '/v2/r/app/manifests/amd64')
          ? {
              kind: 'answer',
              status: 307,
              headers: { location: `${cdn.url}/cdn/manifest?X-Amz-Signature=s3cr3t-sig` },
            }
          : undefined,
      );
      const clash = await runCli(
        ['publish', '--from-spec', '-', '--username', basic.username!, '--password-stdin'],
        { input: `${basic.password}\n` },
      );
      expect(clash.code).toBe(2);
      expect(clash.stderr).toContain('cannot both read standard input');
      const res2 = await runCli(['publish', '--from-spec', '-', '--log-level', 'trace'], {
        input: `image: ${bproxy.host}/r/app:x\nmanifests:\n  - image: ${bproxy.host}/r/app:amd64\n`,
        env: { MANIFOLD_USERNAME: basic.username!, MANIFOLD_PASSWORD: basic.password! },
      });
      expect(res2.code).toBe(0);
      expect(cdn.requests).toHaveLength(1);
      expect(cdn.requests[0]!.headers.authorization).toBeUndefined();
      expect(
        bproxy.requests.some((r) => String(r.headers.authorization ?? '').startsWith('Basic ')),
      ).toBe(true);
      expect(res2.stderr).not.toContain('s3cr3t-sig');
      expect(res2.stderr).not.toContain(basic.password!);
    } finally {
      await cdn.close();
      await bproxy.close();
      await basic.stop();
    }
  });

  test('§F41/§B5: an upload Location on another origin is refused before any PATCH or PUT', async () => {
    const attacker = await startRecorder();
    try {
      proxy.setFault((r) =>
        r.method === 'POST' && r.url.startsWith('/v2/f/other/blobs/uploads/')
          ? { kind: 'answer', status: 202, headers: { location: `${attacker.url}/steal` } }
          : undefined,
      );
      const res = await publish(
        `image: ${proxy.host}/f/other:1\nmanifests:\n  - image: ${proxy.host}/f/app:amd64\n`,
      );
      expect(res.code).toBe(4);
      expect(res.stderr).toContain('upload location on another origin');
      expect(attacker.requests).toEqual([]);
    } finally {
      await attacker.close();
    }
  });

  test('§F37/§B1: a token realm on another loopback host or a link-local address is refused; nothing is sent there', async () => {
    const attacker = await startRecorder();
    try {
      for (const realm of [
        `http://localhost:${new URL(attacker.url).port}/token`,
        'https://169.254.169.254/latest/meta-data',
      ]) {
        proxy.setFault((r) =>
          r.url === '/v2/'
            ? {
                kind: 'answer',
                status: 401,
                headers: { 'www-authenticate': `Bearer realm="${realm}",service="x"` },
              }
            : undefined,
        );
        const res = await runCli(['publish', '--from-spec', '-'], {
          input: spec(),
          env: { MANIFOLD_USERNAME: 'u', MANIFOLD_PASSWORD: 'p4ssw0rd-x' },
        });
        expect(res.code).toBe(3);
        expect(res.stderr).toContain('refusing token realm');
        expect(res.stderr).not.toContain('p4ssw0rd-x');
      }
      expect(attacker.requests).toEqual([]);
    } finally {
      await attacker.close();
    }
  });

  test('§F43: registry error text with terminal escapes and fake CI commands is printed escaped', async () => {
    proxy.setFault((r) =>
      isGet('amd64')(r)
        ? {
            kind: 'answer',
            status: 400,
            body: JSON.stringify({
              errors: [
                {
                  code: 'BAD',
                  message:
                    'evil \u001b[31mred\n::add-mask::x\n::set-output name=digest::sha256:bad',
                },
              ],
            }),
          }
        : undefined,
    );
    const res = await publish(spec());
    expect(res.code).toBe(3);
    expect(res.stderr).not.toContain('\u001b');
    expect(res.stderr).not.toMatch(/^::/m);
    expect(res.stderr).toContain('\\x1b[31mred');
    expect(res.stdout).toBe('');
  });
});

describe('concurrency and idempotency', () => {
  test('§F44: 24 children with --concurrency 4 never have more than 4 resolutions in flight', async () => {
    const h = new HarnessClient(reg);
    const archs = Array.from({ length: 24 }, (_, i) => `a${i}`);
    await Promise.all(
      archs.map((a) =>
        seedImage(h, { repository: 'f/many', tag: a, platform: { os: 'linux', architecture: a } }),
      ),
    );
    const resolving = (r: { method: string; url: string }): boolean =>
      r.method === 'GET' &&
      (r.url.startsWith('/v2/f/many/manifests/a') || r.url.startsWith('/v2/f/many/blobs/'));
    proxy.setFault((r) => (resolving(r) ? { kind: 'delay', ms: 30 } : undefined), resolving);
    const res = await publish(
      `image: ${proxy.host}/f/many:all\nmanifests:\n${archs.map((a) => `  - image: ${proxy.host}/f/many:${a}\n`).join('')}`,
      ['--concurrency', '4'],
    );
    expect(res.code).toBe(0);
    expect({ peak: proxy.peakInFlight, inFlight: proxy.peakSnapshot }).toEqual({
      peak: expect.any(Number),
      inFlight: expect.any(Array),
    });
    expect(proxy.peakSnapshot.length <= 4 ? [] : proxy.peakSnapshot).toEqual([]);
    expect(proxy.peakInFlight).toBeGreaterThanOrEqual(2);
  });

  test('§F1: a registry without auth gets no Authorization header and no token request', async () => {
    const before = proxy.requests.length;
    expect((await publish(spec())).code).toBe(0);
    expect(proxy.requests.slice(before).filter((r) => r.headers.authorization)).toEqual([]);
  });
});

function isGetPath(r: { method: string; url: string }, path: string): boolean {
  return r.method === 'GET' && r.url === path;
}

describe('registry quirks', () => {
  test('§F8: a mount answered 202 (not mounted) falls back to copying the blob across; the child lands', async () => {
    proxy.setFault((r) =>
      r.method === 'POST' && r.url.includes('mount=')
        ? { kind: 'forward-to', url: r.url.replace(/\?.*$/, '') }
        : undefined,
    );
    const before = proxy.requests.length;
    const res = await publish(
      `image: ${proxy.host}/f/mnt${++n}:1\nmanifests:\n  - image: ${proxy.host}/f/app:amd64\n`,
    );
    expect(res.code).toBe(0);
    const seen = proxy.requests.slice(before);
    expect(
      seen.filter(
        (r) =>
          r.method === 'POST' &&
          r.url.includes(`mount=${encodeURIComponent(amd.layerDigests[0]!)}`) &&
          r.url.includes('from=f%2Fapp'),
      ),
    ).toHaveLength(1);
    expect(
      seen.filter((r) => r.method === 'GET' && r.url === `/v2/f/app/blobs/${amd.layerDigests[0]}`),
    ).toHaveLength(1);
    expect(
      seen.filter(
        (r) =>
          r.method === 'PUT' &&
          r.url.includes('/blobs/uploads/') &&
          r.url.includes(`digest=${encodeURIComponent(amd.layerDigests[0]!)}`),
      ),
    ).toHaveLength(1);
  });

  test('an upload whose final PUT was stored but whose answer was lost: the retry finds the session gone, the blob settles it', async () => {
    proxy.setFault((r, count) => {
      if (r.method === 'POST' && r.url.includes('mount='))
        return { kind: 'forward-to', url: r.url.replace(/\?.*$/, '') };
      return r.method === 'PUT' && r.url.includes('/blobs/uploads/') && count === 1
        ? { kind: 'lose-answer' }
        : undefined;
    });
    const before = proxy.requests.length;
    const repo = `f/lost${++n}`;
    const res = await publish(
      `image: ${proxy.host}/${repo}:1\nmanifests:\n  - image: ${proxy.host}/f/app:amd64\n`,
      ['--log-level', 'debug'],
    );
    expect(res.stderr).toContain('upload session gone, blob present');
    expect(res.code).toBe(0);
    expect(
      proxy.requests
        .slice(before)
        .filter((r) => r.method === 'HEAD' && r.url.startsWith(`/v2/${repo}/blobs/`)).length,
    ).toBeGreaterThanOrEqual(1);
  });

  test('a manifest PUT whose answer was lost: read back, not failed', async () => {
    const tag = `lost${++n}`;
    proxy.setFault((r, count) =>
      r.method === 'PUT' && r.url === `/v2/f/app/manifests/${tag}` && count <= 4
        ? { kind: 'lose-answer' }
        : undefined,
    );
    const res = await publish(spec(tag));
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      `Tag: ${proxy.host}/f/app:${tag} created (its PUT got no answer; read back)`,
    );
  });

  test('§F25: HEAD without Docker-Content-Digest falls back to GET and hashing; HEAD 405 too; a re-run stays unchanged', async () => {
    const tag = `q${++n}`;
    expect((await publish(spec(tag))).code).toBe(0);
    for (const fault of [
      { kind: 'rewrite', headers: { 'docker-content-digest': '' } },
      { kind: 'answer', status: 405 },
    ] as const) {
      proxy.setFault((r) =>
        r.method === 'HEAD' && r.url === `/v2/f/app/manifests/${tag}` ? fault : undefined,
      );
      const before = proxy.requests.length;
      const res = await publish(spec(tag));
      expect(res.stdout).toContain(`Tag: ${proxy.host}/f/app:${tag} unchanged`);
      expect(
        proxy.requests
          .slice(before)
          .filter((r) => r.method === 'GET' && r.url === `/v2/f/app/manifests/${tag}`),
      ).toHaveLength(1);
      expect(proxy.requests.slice(before).filter((r) => r.method === 'PUT')).toHaveLength(0);
    }
  });

  test('§F26: HEAD 403 (Artifactory) means "not there": the PUT proceeds', async () => {
    const tag = `a${++n}`;
    expect((await publish(spec(tag))).code).toBe(0);
    proxy.setFault((r) =>
      r.method === 'HEAD' && r.url === `/v2/f/app/manifests/${tag}`
        ? { kind: 'answer', status: 403 }
        : undefined,
    );
    const before = proxy.requests.length;
    const res = await publish(spec(tag));
    expect(res.code).toBe(0);
    const after = proxy.requests.slice(before);
    const put = after.findIndex(
      (r) => r.method === 'PUT' && r.url === `/v2/f/app/manifests/${tag}`,
    );
    expect(put).toBeGreaterThan(0);
    expect(
      after
        .slice(0, put)
        .filter((r) => r.method === 'HEAD' && r.url === `/v2/f/app/manifests/${tag}`),
    ).toHaveLength(1);
    // The read-back cannot trust a 403 either: it reads the tag with a GET.
    expect(
      after.slice(put).filter((r) => r.method === 'GET' && r.url === `/v2/f/app/manifests/${tag}`),
    ).toHaveLength(1);
    expect(res.stdout).toContain(`${tag} created`);
  });

  test('§F27: one tag lands and another fails: exit 4, and the output says which moved', async () => {
    const tag = `p${++n}`;
    proxy.setFault((r) =>
      r.method === 'PUT' && r.url === '/v2/f/app/manifests/broken'
        ? {
            kind: 'answer',
            status: 400,
            body: '{"errors":[{"code":"TAG_INVALID","message":"immutable"}]}',
          }
        : undefined,
    );
    const res = await publish(
      `image: ${proxy.host}/f/app:${tag}\ntags: [broken]\nmanifests:\n  - image: ${proxy.host}/f/app:amd64\n`,
    );
    expect(res.code).toBe(4);
    expect(res.stdout).toMatch(
      new RegExp(
        `^Digest: sha256:[a-f0-9]{64} \\d+\nTag: ${proxy.host}/f/app:${tag} created\nTag: ${proxy.host}/f/app:broken failed \\(.*TAG_INVALID immutable\\)\n$`,
      ),
    );
    expect(res.stderr).toContain(`moved: ${tag}`);
    expect(res.stderr).toContain('TAG_INVALID immutable');
  });

  test('§F28: a PUT answered with another Docker-Content-Digest is a hard failure', async () => {
    const tag = `w${++n}`;
    proxy.setFault((r) =>
      r.method === 'PUT' && r.url === `/v2/f/app/manifests/${tag}`
        ? { kind: 'rewrite', headers: { 'docker-content-digest': arm.digest } }
        : undefined,
    );
    const res = await publish(spec(tag));
    expect(res.code).toBe(4);
    expect(res.stderr).toContain(`but the registry stored ${arm.digest}`);
  });

  test('§F13: a registry that refuses connections fails with exit 3 after the retries', async () => {
    const closed = await startRecorder();
    const port = new URL(closed.url).port;
    await closed.close();
    const res = await publish(
      `image: 127.0.0.1:${port}/x/y:1\nmanifests:\n  - image: 127.0.0.1:${port}/x/y:a\n`,
    );
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('ECONNREFUSED');
  });

  test('§F38/§F39: a token endpoint that redirects, or answers 10 MiB, gets nothing further', async () => {
    const internal = await startRecorder();
    const redirecting = await startRecorder(() => ({
      status: 302,
      headers: { location: `${internal.url}/steal` },
    }));
    const huge = await startRecorder(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(10 * 1024 * 1024, 32),
    }));
    try {
      for (const realm of [`${redirecting.url}/token`, `${huge.url}/token`]) {
        proxy.setFault((r) =>
          r.url === '/v2/'
            ? {
                kind: 'answer',
                status: 401,
                headers: { 'www-authenticate': `Bearer realm="${realm}",service="x"` },
              }
            : undefined,
        );
        const res = await publish(spec());
        expect(res.code).toBe(3);
        expect(res.stderr).toMatch(/HTTP 302|larger than 65536 bytes/);
      }
      expect(internal.requests).toEqual([]);
    } finally {
      await Promise.all([internal.close(), redirecting.close(), huge.close()]);
    }
  });
});

describe('interruption', () => {
  test.each<[NodeJS.Signals, number]>([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ])(
    '§F19: %s mid-publish aborts the requests in flight, reports it, and exits %i (interrupted) without pushing',
    async (signal, exitCode) => {
      const { spawn } = await import('node:child_process');
      const { CLI } = await import('../helpers/cli.js');
      proxy.setFault((r) => (isGet('arm64')(r) ? { kind: 'delay', ms: 10_000 } : undefined));
      const before = proxy.requests.length;
      const child = spawn(process.execPath, [CLI, 'publish', '--from-spec', '-'], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      child.stdin.end(spec());
      // Interrupted once the slow request is on its way (an event, not a guess at timing).
      const slow = (): typeof proxy.requests => proxy.requests.slice(before).filter(isGet('arm64'));
      for (let i = 0; i < 800 && slow().length === 0; i++)
        await new Promise((r) => setTimeout(r, 25));
      expect(slow().length).toBeGreaterThan(0);
      child.kill(signal);
      const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      // The request in flight was cut, not waited out (its answer would come after 10 s).
      for (let i = 0; i < 200 && !slow().every((r) => r.cut); i++)
        await new Promise((r) => setTimeout(r, 25));
      expect(slow().every((r) => r.cut)).toBe(true);
      expect(code).toBe(exitCode);
      expect(stderr).toContain(`interrupted by ${signal}`);
      expect(proxy.requests.slice(before).filter((r) => r.method === 'PUT')).toHaveLength(0);
    },
  );
});
