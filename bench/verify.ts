/**
 * The cost of `--verify-binaries`: 8 children with realistic layers (an 8 MiB incompressible
 * base, a 2 MiB middle layer, the program on top), published with and without the check,
 * interleaved run by run; wall time, CPU, peak RSS and the compressed bytes the check read.
 * The program is named without a slash (looked up through PATH), so every layer is read: the
 * check's worst case for these images.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessClient } from '../test/helpers/harness-client.js';
import { pushImage, tarLayer, testBinary } from '../test/helpers/images.js';
import { startRegistry } from '../test/helpers/registry.js';
import { median, runManifold, type CliRun } from './measure.js';

export interface VerifyBench {
  rows: string[];
  verdicts: { ok: boolean; text: string }[];
}

export async function verifyBenchmark(work: string, smoke: boolean): Promise<VerifyBench> {
  const reg = await startRegistry({ variant: 'plain' });
  try {
    const h = new HarnessClient(reg);
    const n = 8; // children
    const base = await tarLayer([{ name: 'usr/share/base.bin', content: randomBytes(8 << 20) }]);
    const middle = await tarLayer([{ name: 'opt/data.bin', content: randomBytes(2 << 20) }]);
    // Eight real platforms, each with a real busybox of its architecture on top.
    const platforms: [string, string | undefined, string][] = [
      ['amd64', undefined, 'amd64'],
      ['amd64', 'v2', 'amd64'],
      ['amd64', 'v3', 'amd64'],
      ['amd64', 'v4', 'amd64'],
      ['arm64', 'v8', 'arm64'],
      ['arm', 'v7', 'armhf'],
      ['ppc64le', undefined, 'ppc64el'],
      ['s390x', undefined, 's390x'],
    ];
    const manifests: string[] = [];
    for (const [i, [architecture, variant, deb]] of platforms.entries()) {
      const app = await tarLayer([
        { name: 'usr/bin/app', content: testBinary(`busybox-static-${deb}`) },
      ]);
      await pushImage(h, {
        repository: 'bench/verify',
        tag: `c${i}`,
        platform: { os: 'linux', architecture, ...(variant ? { variant } : {}) },
        config: { Cmd: ['app'], Env: [`CHILD=${i}`] },
        tars: [base, middle, app],
      });
      manifests.push(`  - image: ${reg.host}/bench/verify:c${i}\n`);
    }
    const spec = (tag: string): string => {
      const file = join(work, `verify-${tag}.yml`);
      writeFileSync(
        file,
        `image: ${reg.host}/bench/verify-out:${tag}\nmanifests:\n${manifests.join('')}`,
      );
      return file;
    };
    const runs = smoke ? 2 : 5;
    const plain: CliRun[] = [];
    const checked: CliRun[] = [];
    for (let i = 0; i < runs; i++) {
      for (const [list, extra] of [
        [plain, []],
        [checked, ['--verify-binaries']],
      ] as const) {
        const r = await runManifold(
          ['publish', '--from-spec', spec(`r${i}-${extra.length}`), '--output', 'json', ...extra],
          {},
          { memory: true, count: false },
        );
        if (r.code !== 0) throw new Error(`verify bench: exit ${r.code}\n${r.stderr.slice(-2000)}`);
        list.push(r);
      }
    }
    const bytesRead = (r: CliRun): number =>
      (
        JSON.parse(r.stdout) as { indexes: { children: { binaries?: { bytesRead: number } }[] }[] }
      ).indexes[0]!.children.reduce((a, c) => a + (c.binaries?.bytesRead ?? 0), 0);
    const row = (label: string, rs: CliRun[]): string => {
      const wall = median(rs.map((r) => r.wallMs));
      const cpu = median(rs.map((r) => r.cpuS ?? 0));
      const rss = median(rs.map((r) => (r.peakRssKb ?? 0) / 1024));
      return `| ${label} | ${wall.toFixed(0)} | ${cpu.toFixed(2)} | ${rss.toFixed(0)} | ${(bytesRead(rs[0]!) / 1e6).toFixed(1)} |`;
    };
    const read = bytesRead(checked[0]!);
    const wallPlain = median(plain.map((r) => r.wallMs));
    const wallChecked = median(checked.map((r) => r.wallMs));
    return {
      rows: [
        row('publish, 8 children', plain),
        row('publish --verify-binaries, 8 children', checked),
      ],
      verdicts: [
        {
          ok: read > n * (10 << 20),
          text: `--verify-binaries read ${(read / 1e6).toFixed(1)} MB for ${n} children of ~10.5 MB each (every layer: PATH lookup)`,
        },
        {
          ok: wallChecked < wallPlain + 5000,
          text: `--verify-binaries adds ${(wallChecked - wallPlain).toFixed(0)} ms to an 8-child publish (< 5000 ms)`,
        },
      ],
    };
  } finally {
    await reg.stop();
  }
}
