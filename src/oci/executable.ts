/**
 * What a file is, read from its first bytes and never by running it: an ELF or PE executable
 * with the architecture its header names, a script with its `#!` interpreter, or something
 * else named for what it is. Pure: takes the head of a file (HEAD_BYTES is enough for every
 * format read here) and returns data.
 *
 * References: System V ABI (ELF header, program headers, PT_INTERP); the ARM ELF ABI (e_flags);
 * Microsoft PE/COFF specification (MZ, e_lfanew, Machine); execve(2) for `#!`.
 */

import { escapeForeign } from '../escape.js';

/** How much of a file's beginning identification needs (headers and the interpreter path). */
export const HEAD_BYTES = 4096;

export type FileIdentity =
  | {
      kind: 'elf';
      /** GOARCH name (amd64, arm64 …), or undefined when e_machine is one manifold does not map. */
      architecture?: string;
      /** Human name of the machine: "x86-64", "aarch64", "ARM", "e_machine 9999". */
      machine: string;
      bits: 32 | 64;
      endian: 'little' | 'big';
      /** The program interpreter (PT_INTERP), for a dynamically linked executable. */
      interpreter?: string;
      /** What the header tells beyond the architecture (arm: EABI version, float ABI). */
      detail?: string;
    }
  | { kind: 'pe'; architecture?: string; machine: string }
  | { kind: 'script'; interpreter: string; argument?: string }
  | { kind: 'other'; what: string };

const ELF_MACHINES: Record<number, { name: string; arch: (bits: number, le: boolean) => string }> =
  {
    3: { name: 'Intel 80386', arch: () => '386' },
    8: {
      name: 'MIPS',
      arch: (bits, le) => (bits === 64 ? (le ? 'mips64le' : 'mips64') : le ? 'mipsle' : 'mips'),
    },
    20: { name: 'PowerPC', arch: () => 'ppc' },
    21: { name: 'PowerPC64', arch: (_b, le) => (le ? 'ppc64le' : 'ppc64') },
    22: { name: 'IBM S/390', arch: (bits) => (bits === 64 ? 's390x' : 's390') },
    40: { name: 'ARM', arch: () => 'arm' },
    43: { name: 'SPARC V9', arch: () => 'sparc64' },
    62: { name: 'x86-64', arch: (bits) => (bits === 64 ? 'amd64' : 'amd64p32') },
    183: { name: 'aarch64', arch: (bits) => (bits === 64 ? 'arm64' : 'arm64be32') },
    243: { name: 'RISC-V', arch: (bits) => (bits === 64 ? 'riscv64' : 'riscv32') },
    258: { name: 'LoongArch', arch: (bits) => (bits === 64 ? 'loong64' : 'loong32') },
  };

const PE_MACHINES: Record<number, { name: string; arch: string }> = {
  0x8664: { name: 'x86-64', arch: 'amd64' },
  0xaa64: { name: 'ARM64', arch: 'arm64' },
  0x14c: { name: 'Intel 386', arch: '386' },
  0x1c4: { name: 'ARM Thumb-2', arch: 'arm' },
};

/** Human names of GOARCH values, as `file(1)` and users say them. */
export const ARCH_NAMES: Record<string, string> = {
  amd64: 'x86-64',
  '386': 'i386',
  arm64: 'aarch64',
  arm: '32-bit ARM',
  ppc64le: 'ppc64le',
  ppc64: 'ppc64 (big-endian)',
  s390x: 's390x',
  riscv64: 'riscv64',
  mips64le: 'mips64le',
  mips64: 'mips64',
  mipsle: 'mipsle',
  mips: 'mips',
  loong64: 'loong64',
};

/** Identifies a file from its first bytes (give at least HEAD_BYTES, or the whole file). */
export function identifyFile(head: Uint8Array): FileIdentity {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length >= 4 && b[0] === 0x7f && b.toString('latin1', 1, 4) === 'ELF') return elf(b);
  if (b.length >= 2 && b[0] === 0x23 && b[1] === 0x21) return script(b);
  if (b.length >= 2 && b.toString('latin1', 0, 2) === 'MZ') return pe(b);
  return { kind: 'other', what: other(b) };
}

function elf(b: Buffer): FileIdentity {
  const bits = b[4] === 2 ? 64 : b[4] === 1 ? 32 : undefined;
  const le = b[5] === 1 ? true : b[5] === 2 ? false : undefined;
  if (bits === undefined || le === undefined || b.length < (bits === 64 ? 64 : 52))
    return { kind: 'other', what: 'a truncated or malformed ELF file' };
  const u16 = (o: number): number => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const word = (o: number): number =>
    bits === 64 ? Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : u32(o);
  const machine = u16(18);
  const known = ELF_MACHINES[machine];
  const out: FileIdentity = {
    kind: 'elf',
    machine: known?.name ?? `e_machine ${machine}`,
    bits,
    endian: le ? 'little' : 'big',
    ...(known ? { architecture: known.arch(bits, le) } : {}),
  };
  const flags = u32(bits === 64 ? 48 : 36);
  if (machine === 40) out.detail = armDetail(flags);
  const phoff = word(bits === 64 ? 32 : 28);
  const phentsize = u16(bits === 64 ? 54 : 42);
  const phnum = u16(bits === 64 ? 56 : 44);
  for (let i = 0; i < Math.min(phnum, 512); i++) {
    const at = phoff + i * phentsize;
    if (phentsize < (bits === 64 ? 56 : 32) || at + phentsize > b.length) break;
    if (u32(at) !== 3) continue; // PT_INTERP
    const offset = word(at + (bits === 64 ? 8 : 4));
    const size = word(at + (bits === 64 ? 32 : 16));
    if (offset + size <= b.length && size > 1) {
      const path = b.toString('latin1', offset, offset + size).replace(/\0.*$/s, '');
      if (path) out.interpreter = path;
    } else out.interpreter = '';
    break;
  }
  return out;
}

/** What an ARM ELF header's e_flags say: the EABI version and float ABI (never the variant). */
function armDetail(flags: number): string {
  const eabi = (flags >>> 24) & 0xff;
  const parts = [eabi ? `EABI${eabi}` : 'old ABI'];
  if (flags & 0x400) parts.push('hard-float');
  else if (flags & 0x200) parts.push('soft-float');
  return parts.join(', ');
}

function script(b: Buffer): FileIdentity {
  const end = b.indexOf(0x0a);
  const line = b
    .toString('latin1', 2, end < 0 ? b.length : end)
    .replace(/\r$/, '')
    .trim();
  // execve(2): the interpreter is the first word, the rest one optional argument.
  const m = /^(\S+)(?:\s+(.*))?$/.exec(line);
  if (!m) return { kind: 'other', what: 'a script whose #! line names no interpreter' };
  return { kind: 'script', interpreter: m[1]!, ...(m[2] ? { argument: m[2].trim() } : {}) };
}

function pe(b: Buffer): FileIdentity {
  if (b.length < 0x40) return { kind: 'other', what: 'a truncated DOS/PE file' };
  const at = b.readUInt32LE(0x3c);
  if (at + 6 > b.length || b.toString('latin1', at, at + 4) !== 'PE\0\0')
    return { kind: 'other', what: 'a DOS executable (no PE header)' };
  const machine = b.readUInt16LE(at + 4);
  const known = PE_MACHINES[machine];
  return {
    kind: 'pe',
    machine: known?.name ?? `Machine 0x${machine.toString(16)}`,
    ...(known ? { architecture: known.arch } : {}),
  };
}

function other(b: Buffer): string {
  if (b.length === 0) return 'an empty file';
  const magic = b.length >= 4 ? b.readUInt32BE(0) : 0;
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe].includes(magic))
    return 'a Mach-O (macOS) executable';
  if (magic === 0xcafebabe) return 'a Mach-O universal binary or a Java class file';
  if (magic === 0x0061736d) return 'a WebAssembly module';
  if (b[0] === 0x1f && b[1] === 0x8b) return 'gzip data';
  const text = b.subarray(0, 512);
  if (text.every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 128))
    return 'a text file without a #! line';
  return 'data, not an executable format';
}

/** "an x86-64 ELF executable", "a PE (Windows) executable for ARM64", "a script for /bin/sh". */
export function describeIdentity(id: FileIdentity): string {
  switch (id.kind) {
    case 'elf': {
      const name = id.architecture ? (ARCH_NAMES[id.architecture] ?? id.machine) : id.machine;
      const detail = id.detail ? ` (${id.detail})` : '';
      return `${/^(?:[aeiouAEIOU]|x86|s390|e_)/.test(name) ? 'an' : 'a'} ${name} ELF${detail}`;
    }
    case 'pe':
      return `a Windows PE executable for ${id.machine}`;
    case 'script':
      return `a script for ${escapeForeign(`${id.interpreter}${id.argument ? ` ${id.argument}` : ''}`)}`;
    case 'other':
      return id.what;
  }
}
