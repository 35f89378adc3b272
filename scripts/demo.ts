/**
 * `npm run demo`: starts a throwaway local registry, seeds three single-platform images, publishes
 * examples/demo.yml with the built CLI, inspects the result, and stops the registry.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { HarnessClient } from '../test/helpers/harness-client.js';
import { startRegistry } from '../test/helpers/registry.js';
import { seedImage, STANDARD_PLATFORMS } from '../test/helpers/seed.js';

const CLI = resolve('dist/cli/bin.js');

function manifold(args: string[], env: Record<string, string>): number {
  process.stdout.write(`\n$ manifold ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [CLI, ...args], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  return r.status ?? 1;
}

async function main(): Promise<number> {
  const reg = await startRegistry({ variant: 'plain' });
  try {
    process.stdout.write(`registry: ${reg.url} (CNCF Distribution, in memory)\n`);
    const client = new HarnessClient(reg);
    for (const [suffix, platform] of [
      ['amd64', STANDARD_PLATFORMS['amd64']!],
      ['arm64', STANDARD_PLATFORMS['arm64']!],
      ['ppc64le', STANDARD_PLATFORMS['ppc64le']!],
    ] as const) {
      const img = await seedImage(client, {
        repository: 'demo/app',
        tag: `1.0-${suffix}`,
        platform,
      });
      process.stdout.write(`seeded ${img.ref} ${img.digest}\n`);
    }
    const env = { MANIFOLD_DEMO_REGISTRY: reg.host };
    const published = manifold(['publish', '--from-spec', 'examples/demo.yml'], env);
    if (published !== 0) return published;
    return manifold(['inspect', `${reg.host}/demo/app:1.0`], env);
  } finally {
    await reg.stop();
  }
}

process.exitCode = await main();
