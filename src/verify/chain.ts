/**
 * Decides, over the merged filesystem read so far, whether the program an image's runtime would
 * start matches a platform: the first word of Entrypoint (else Cmd) looked up as the runtime
 * does (a name without a slash through the config's PATH), each `#!` interpreter after it
 * (`/usr/bin/env NAME` leads to NAME through PATH), and each ELF's program interpreter (the
 * loader), which must be in the image and match too.
 *
 * | the file                                   | outcome                                    |
 * |--------------------------------------------|--------------------------------------------|
 * | ELF/PE of the platform's architecture      | next link (its loader), else verified      |
 * | ELF/PE of another architecture             | mismatch                                   |
 * | PE on linux, ELF on windows                | mismatch                                   |
 * | script `#!`                                | next link: its interpreter                 |
 * | anything else, on linux                    | mismatch (execve: exec format error)       |
 * | absent (not in the image, not in PATH)     | mismatch (nothing would start)             |
 * | no exec bit                                | unverified (the runtime refuses it)        |
 * | in a layer not read yet                    | need more layers                           |
 * | more than MAX_CHAIN links                  | unverified                                 |
 */
import {
  describeIdentity,
  formatPlatform,
  type FileIdentity,
  type Platform,
} from '../oci/index.js';
import { escapeForeign as esc } from '../escape.js';
import type { RootFs } from './rootfs.js';

/** Most links followed from the entrypoint (interpreters and loaders). */
export const MAX_CHAIN = 8;

/** The PATH a runtime uses when the config sets none (runc, containerd, Docker). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const DEFAULT_WINDOWS_PATH = 'C:\\Windows\\system32;C:\\Windows';

export interface ChainLink {
  role: 'entrypoint' | 'cmd' | 'interpreter' | 'program' | 'loader';
  /** As written (a name, or a path). */
  name: string;
  /** The file in the image, symlinks followed. */
  path?: string;
  /** What the file is, in words. */
  is?: string;
  architecture?: string;
}

export type ChainVerdict =
  | { outcome: 'verified' | 'mismatch' | 'unverified'; message: string; chain: ChainLink[] }
  | { outcome: 'need-more'; path: string };

export interface Program {
  argv: string[];
  role: 'entrypoint' | 'cmd';
  env: string[];
  workingDir: string;
}

/** The program the runtime would start, from a parsed image config; undefined when none. */
export function programOf(config: unknown): Program | undefined {
  const c = (config as { config?: Record<string, unknown> } | undefined)?.config ?? {};
  const list = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  const entrypoint = list(c['Entrypoint']);
  const cmd = list(c['Cmd']);
  const argv = entrypoint.length > 0 ? [...entrypoint, ...cmd] : cmd;
  if (argv.length === 0 || !argv[0]) return undefined;
  return {
    argv,
    role: entrypoint.length > 0 ? 'entrypoint' : 'cmd',
    env: list(c['Env']),
    workingDir: typeof c['WorkingDir'] === 'string' && c['WorkingDir'] ? c['WorkingDir'] : '/',
  };
}

/** `C:\app\app.exe` → `/Files/app/app.exe`, as Windows layers hold it. */
export function windowsPath(p: string): string {
  const rest = p.replace(/^[A-Za-z]:/, '').replace(/\\/g, '/');
  return `/Files/${rest.replace(/^\/+/, '')}`;
}

interface Work {
  role: ChainLink['role'];
  name: string;
  viaPath: boolean;
  depth: number;
  /** The words after the program (for `env NAME`). */
  args: string[];
}

function pathDirs(program: Program, windows: boolean): string[] {
  const entry = [...program.env].reverse().find((e) => /^PATH=/i.test(e));
  const value = entry ? entry.slice(5) : windows ? DEFAULT_WINDOWS_PATH : DEFAULT_PATH;
  return value.split(windows ? ';' : ':').filter(Boolean);
}

/** The program `env` runs: its first argument that is not an option or a NAME=VALUE. */
function envProgram(args: string[]): string | undefined {
  const words = args.flatMap((a) => a.split(/\s+/)).filter(Boolean);
  return words.find((w) => !w.startsWith('-') && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
}

function matches(id: FileIdentity, platform: Platform): string | undefined {
  const windows = platform.os === 'windows';
  const entry = `the entry is ${formatPlatform(platform)}`;
  if (id.kind === 'elf' && windows) return `${describeIdentity(id)}, not a Windows PE; ${entry}`;
  if (id.kind === 'pe' && !windows) return `${describeIdentity(id)}, not an ELF; ${entry}`;
  if (id.kind === 'elf' || id.kind === 'pe') {
    if (id.architecture === platform.architecture) return undefined;
    return `${describeIdentity(id)}; ${entry}`;
  }
  return `${describeIdentity(id)}, which the kernel cannot start (exec format error); ${entry}`;
}

/** "entrypoint app (/usr/local/bin/app)": names from the image are escaped (they are foreign text). */
const named = (w: Work, l: ChainLink): string =>
  `${w.role} ${esc(w.name)}${l.path && l.path !== w.name ? ` (${esc(l.path)})` : ''}`;

/** Walks the chain over `fs`; asks for more layers when a lookup needs a layer not read yet. */
export function walkChain(fs: RootFs, program: Program, platform: Platform): ChainVerdict {
  const windows = platform.os === 'windows';
  const chain: ChainLink[] = [];
  const queue: Work[] = [
    {
      role: program.role,
      name: program.argv[0]!,
      viaPath: windows ? !/[\\/]/.test(program.argv[0]!) : !program.argv[0]!.includes('/'),
      depth: 0,
      args: program.argv.slice(1),
    },
  ];
  while (queue.length > 0) {
    const w = queue.shift()!;
    if (w.depth >= MAX_CHAIN)
      return {
        outcome: 'unverified',
        message: `more than ${MAX_CHAIN} interpreters and loaders from the ${program.role}`,
        chain,
      };
    const found = locate(fs, w, program, windows);
    if (found.kind === 'unknown') return { outcome: 'need-more', path: found.path };
    const link: ChainLink = {
      role: w.role,
      name: w.name,
      ...(found.kind === 'file' ? { path: found.path } : {}),
    };
    chain.push(link);
    if (found.kind !== 'file')
      return {
        outcome: 'mismatch',
        message: `${named(w, link)} ${found.why}; the entry is ${formatPlatform(platform)}`,
        chain,
      };
    const id = found.id;
    if (!id)
      return {
        outcome: 'unverified',
        message: `${named(w, link)} is not executable (mode ${found.mode.toString(8)}): the runtime would refuse it`,
        chain,
      };
    link.is = describeIdentity(id);
    if (id.kind === 'elf' || id.kind === 'pe') {
      if (id.architecture) link.architecture = id.architecture;
    }
    if (id.kind === 'script') {
      const args = id.argument ? [id.argument] : [];
      queue.push({
        role: 'interpreter',
        name: id.interpreter,
        viaPath: false,
        depth: w.depth + 1,
        args,
      });
      continue;
    }
    const wrong = matches(id, platform);
    if (wrong) return { outcome: 'mismatch', message: `${named(w, link)} is ${wrong}`, chain };
    if (id.kind === 'elf' && id.interpreter !== undefined) {
      if (id.interpreter === '')
        return {
          outcome: 'unverified',
          message: `${named(w, link)}: its program interpreter lies past the first bytes read`,
          chain,
        };
      queue.push({
        role: 'loader',
        name: id.interpreter,
        viaPath: false,
        depth: w.depth + 1,
        args: [],
      });
    }
    // `env NAME …` starts NAME through PATH: that program is checked too.
    const next = /(^|[\\/])env$/.test(link.path ?? w.name) ? envProgram(w.args) : undefined;
    if (next)
      queue.push({
        role: 'program',
        name: next,
        viaPath: !next.includes('/'),
        depth: w.depth + 1,
        args: [],
      });
  }
  const first = chain[0]!;
  const rest = chain.slice(1).map((l) => `${l.role} ${esc(l.path ?? l.name)}`);
  const summary = `${first.role} ${esc(first.path ?? first.name)} is ${first.is}`;
  return {
    outcome: 'verified',
    message: `${summary}${rest.length ? `, with ${rest.join(', ')}` : ''}, built for ${formatPlatform(platform)}`,
    chain,
  };
}

type Located =
  | { kind: 'file'; path: string; id?: FileIdentity; mode: number }
  | { kind: 'missing'; path?: string; why: string }
  | { kind: 'unknown'; path: string };

function locate(fs: RootFs, w: Work, program: Program, windows: boolean): Located {
  const toPath = (p: string): string => (windows ? windowsPath(p) : p);
  const candidates = w.viaPath
    ? pathDirs(program, windows).map((d) =>
        windows
          ? `${d.replace(/[\\/]+$/, '')}\\${/\.[a-z0-9]+$/i.test(w.name) ? w.name : `${w.name}.exe`}`
          : `${d.replace(/\/+$/, '')}/${w.name}`,
      )
    : [w.name];
  let firstMissing: Located | undefined;
  for (const c of candidates) {
    const r = fs.resolve(toPath(c), windows ? windowsPath(program.workingDir) : program.workingDir);
    if (r.kind === 'unknown') return { kind: 'unknown', path: r.path };
    if (r.kind === 'file') {
      const executable = windows || (r.record.mode & 0o111) !== 0;
      // A PATH lookup skips files without an exec bit, as execvp does.
      if (!executable && w.viaPath) continue;
      return {
        kind: 'file',
        path: r.path,
        mode: r.record.mode,
        ...(r.record.id ? { id: r.record.id } : {}),
      };
    }
    const why =
      r.kind === 'absent'
        ? `is not in the image (${esc(r.path)} does not exist)`
        : r.kind === 'loop'
          ? `has more than ${r.hops.length - 1} symlinks in a row (a loop)`
          : `is ${r.what}, not a file`;
    if (!w.viaPath) return { kind: 'missing', path: r.path, why };
    firstMissing ??= { kind: 'missing', why };
  }
  if (w.viaPath)
    return {
      kind: 'missing',
      why: `is not in the image: not found in PATH (${esc(pathDirs(program, windows).join(windows ? ';' : ':'))})`,
    };
  return firstMissing!;
}
