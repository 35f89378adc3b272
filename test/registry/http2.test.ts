/**
 * HTTP/2 where registries speak it: over TLS, every request to a registry host shares one
 * multiplexed connection (counted at a TCP proxy in front of the real registry); plain-HTTP
 * registries keep HTTP/1.1 keep-alive pools (every other registry test runs on them).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startLatencyProxy, type LatencyProxy } from '../../bench/latency-proxy.js';
import { runCli } from '../helpers/cli.js';
import { HarnessClient } from '../helpers/harness-client.js';
import { startRegistry, type RegistryHandle } from '../helpers/registry.js';
import { seedImage } from '../helpers/seed.js';

const N = 32;
let reg: RegistryHandle;
let proxy: LatencyProxy;

beforeAll(async () => {
  reg = await startRegistry({ variant: 'tls' });
  const h = new HarnessClient(reg);
  for (let i = 0; i < N; i += 8) {
    await Promise.all(
      Array.from({ length: 8 }, (_, j) =>
        seedImage(h, {
          repository: 'h2/src',
          tag: `c${i + j}`,
          platform: { os: 'linux', architecture: `h${i + j}` },
          format: 'oci',
        }),
      ),
    );
  }
  proxy = await startLatencyProxy(reg.host);
});
afterAll(async () => {
  await proxy?.close();
  await reg?.stop();
});

describe('HTTP/2 over TLS', () => {
  test(`a ${N}-child cross-repository publish uses one TCP connection to the registry`, async () => {
    const spec = `image: ${proxy.host}/h2/dst:1\ntags: [a, b]\nmanifests:\n${Array.from({ length: N }, (_, i) => `  - image: ${proxy.host}/h2/src:c${i}\n`).join('')}`;
    proxy.reset();
    const res = await runCli(
      [
        'publish',
        '--from-spec',
        '-',
        '--ca-file',
        reg.caFile!,
        '--log-level',
        'debug',
        '--log-format',
        'json',
      ],
      { input: spec },
    );
    expect(res.code).toBe(0);
    const http = res.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string })
      .filter((l) => l.msg === 'http');
    expect(http.length).toBeGreaterThan(3 * N);
    expect(proxy.connections).toBe(1);
  });

  test('with --concurrency 2 (streams in flight), still one connection', async () => {
    const spec = `image: ${proxy.host}/h2/dst2:1\nmanifests:\n${Array.from({ length: 8 }, (_, i) => `  - image: ${proxy.host}/h2/src:c${i}\n`).join('')}`;
    proxy.reset();
    const res = await runCli(
      ['publish', '--from-spec', '-', '--ca-file', reg.caFile!, '--concurrency', '2'],
      { input: spec },
    );
    expect(res.code).toBe(0);
    expect(proxy.connections).toBe(1);
  });
});
