/**
 * Peers measured in the same run as manifold, with the same registry, proxy and children:
 * manifest-tool (a binary named by MANIFEST_TOOL, given the same spec file), the docker CLI's
 * `docker manifest`, and the `manifest` commands of podman and buildah, when they are installed
 * and work here. Each runs as its
 * users run it; the latency proxy counts its requests and connections.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** What one peer publish needs: the spec file, and the same job spelled out for list-building tools. */
export interface PeerJob {
  specFile: string;
  /** Child references, `host/repository:tag`. */
  children: string[];
  /** Target references, one per tag, `host/repository:tag`. */
  targets: string[];
  username: string;
  password: string;
  /** For a TLS registry: the CA to trust (plain HTTP otherwise). */
  caFile?: string;
}

export interface PeerRun {
  code: number;
  wallMs: number;
  /** The failing step's output, when `code` is not 0. */
  error?: string;
}

export interface Peer {
  name: string;
  /** How the peer is driven, for the results file. */
  how: string;
  publish(job: PeerJob): Promise<PeerRun>;
  close(): void;
}

function run(
  cmd: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(env ? { env: { ...process.env, ...env } } : {}),
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.on('error', (err) => resolve({ code: 127, output: String(err) }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const SECRET_FLAGS = new Set(['--creds', '--password']);

/** The arguments with the value of every credential flag replaced, for error text. */
export function redact(args: string[]): string[] {
  return args.map((a, i) => (i > 0 && SECRET_FLAGS.has(args[i - 1]!) ? '[redacted]' : a));
}

/** Runs steps one after another, timing the whole; stops at the first failure. */
async function timed(steps: [string, string[]][], env?: NodeJS.ProcessEnv): Promise<PeerRun> {
  const started = process.hrtime.bigint();
  for (const [cmd, args] of steps) {
    const r = await run(cmd, args, env);
    if (r.code !== 0)
      return {
        code: r.code,
        wallMs: Number(process.hrtime.bigint() - started) / 1e6,
        error: `${cmd} ${redact(args).join(' ')}: ${r.output.slice(-1000)}`,
      };
  }
  return { code: 0, wallMs: Number(process.hrtime.bigint() - started) / 1e6 };
}

function manifestTool(bin: string): Peer {
  return {
    name: 'manifest-tool',
    how: `${bin} --username … --password … [--plain-http] push from-spec SPEC (over TLS: SSL_CERT_FILE names the CA)`,
    // Over TLS, Go reads the CA to trust from SSL_CERT_FILE (manifest-tool has no CA flag).
    publish: (job) =>
      timed(
        [
          [
            bin,
            [
              '--username',
              job.username,
              '--password',
              job.password,
              ...(job.caFile ? [] : ['--plain-http']),
              'push',
              'from-spec',
              job.specFile,
            ],
          ],
        ],
        job.caFile ? { SSL_CERT_FILE: job.caFile } : undefined,
      ),
    close: () => undefined,
  };
}

/**
 * podman or buildah: `manifest create`, one `manifest add` per child, then `manifest push --all`
 * per tag, as their users script it. Storage is a throwaway directory (vfs driver), so nothing
 * on the machine is touched.
 */
function listBuilder(tool: 'podman' | 'buildah'): Peer | string {
  const version = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0)
    return `${tool}: not installed (apt-get install ${tool} to include it)`;
  const root = mkdtempSync(join(tmpdir(), `manifold-bench-${tool}-`));
  const global = [
    '--root',
    join(root, 'root'),
    '--runroot',
    join(root, 'run'),
    '--storage-driver',
    'vfs',
  ];
  const trial = spawnSync(
    tool,
    [...global, 'manifest', 'create', 'localhost/manifold-bench-trial'],
    { encoding: 'utf8' },
  );
  if (trial.status !== 0) {
    rmSync(root, { recursive: true, force: true });
    return `${tool}: installed, but its manifest commands do not run here: ${(trial.stderr || trial.stdout).trim().split('\n').pop()}`;
  }
  let lists = 0;
  return {
    name: `${tool} manifest`,
    how: `${version.stdout.trim()}: manifest create, manifest add per child, manifest push --all per tag (--tls-verify=false, --creds)`,
    publish: (job) => {
      const list = `localhost/manifold-bench-${++lists}`;
      const creds = ['--tls-verify=false', '--creds', `${job.username}:${job.password}`];
      return timed([
        [tool, [...global, 'manifest', 'create', list]],
        ...job.children.map((c): [string, string[]] => [
          tool,
          [...global, 'manifest', 'add', ...creds, list, `docker://${c}`],
        ]),
        ...job.targets.map((t): [string, string[]] => [
          tool,
          [...global, 'manifest', 'push', '--all', ...creds, list, `docker://${t}`],
        ]),
      ]);
    },
    close: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * The docker CLI's `docker manifest create` (children fetched) and `docker manifest push` per tag,
 * as its users script it; the client needs no engine. Credentials: a throwaway DOCKER_CONFIG
 * with an `auths` entry. Plain HTTP only (`--insecure`): over TLS docker reads the CA from
 * /etc/docker/certs.d, which the bench does not touch.
 */
function dockerManifest(): Peer | string {
  const version = spawnSync('docker', ['version', '--format', '{{.Client.Version}}'], {
    encoding: 'utf8',
  });
  const v = version.stdout?.trim();
  if (version.error || !v) return 'docker manifest: the docker CLI is not installed';
  const root = mkdtempSync(join(tmpdir(), 'manifold-bench-docker-'));
  return {
    name: 'docker manifest',
    how: `docker ${v} (client only): manifest create --insecure TARGET CHILD… then manifest push --insecure TARGET, per tag; credentials in a throwaway DOCKER_CONFIG`,
    publish: async (job) => {
      if (job.caFile)
        return {
          code: 2,
          wallMs: 0,
          error: 'not measured over TLS (docker reads the CA from /etc/docker/certs.d)',
        };
      const config = mkdtempSync(join(root, 'cfg-'));
      const host = job.children[0]!.split('/')[0]!;
      const auth = Buffer.from(`${job.username}:${job.password}`).toString('base64');
      writeFileSync(join(config, 'config.json'), JSON.stringify({ auths: { [host]: { auth } } }));
      return timed(
        job.targets.flatMap((t): [string, string[]][] => [
          ['docker', ['manifest', 'create', '--insecure', t, ...job.children]],
          ['docker', ['manifest', 'push', '--insecure', t]],
        ]),
        { DOCKER_CONFIG: config },
      );
    },
    close: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** The peers that run here, and a line for each one that does not. */
export function findPeers(env: NodeJS.ProcessEnv): { peers: Peer[]; absent: string[] } {
  const peers: Peer[] = [];
  const absent: string[] = [];
  // The peer tools folder beside the checkout holds a manifest-tool binary: used when present.
  const mt =
    env['MANIFEST_TOOL'] ??
    [resolve('../shared/tools/manifest-tool'), '/work/shared/tools/manifest-tool'].find((p) =>
      existsSync(p),
    );
  if (mt && existsSync(mt)) peers.push(manifestTool(mt));
  else
    absent.push(
      mt
        ? `manifest-tool: MANIFEST_TOOL=${mt} does not exist`
        : 'manifest-tool: not measured (no binary in ../shared/tools; set MANIFEST_TOOL to a manifest-tool v2 binary to include it)',
    );
  const docker = dockerManifest();
  if (typeof docker === 'string') absent.push(docker);
  else peers.push(docker);
  // podman and buildah drive the same library (containers/image): the first one that runs is enough.
  let builder: Peer | undefined;
  for (const tool of ['podman', 'buildah'] as const) {
    if (builder) {
      absent.push(
        `${tool}: not run (it shares containers/image with the ${builder.name} measured above)`,
      );
      continue;
    }
    const p = listBuilder(tool);
    if (typeof p === 'string') absent.push(p);
    else peers.push((builder = p));
  }
  return { peers, absent };
}
