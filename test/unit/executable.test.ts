/**
 * identifyFile on real executables from Debian's packages (every architecture the check names)
 * and on synthetic headers for what Debian cannot give here (mips, loong64, riscv64, PE arm64,
 * Mach-O, a PT_INTERP past the head).
 */
import { describe, expect, test } from '@jest/globals';
import { describeIdentity, HEAD_BYTES, identifyFile } from '../../src/oci/index.js';
import { testBinary } from '../helpers/images.js';

const head = (name: string): Buffer => testBinary(name).subarray(0, HEAD_BYTES);

describe('identifyFile on real executables (Debian packages)', () => {
  test.each([
    ['busybox-static-amd64', 'amd64', 64, 'little', 'an x86-64 ELF'],
    ['busybox-static-arm64', 'arm64', 64, 'little', 'an aarch64 ELF'],
    ['busybox-static-ppc64el', 'ppc64le', 64, 'little', 'a ppc64le ELF'],
    ['busybox-static-s390x', 's390x', 64, 'big', 'an s390x ELF'],
    ['ld-linux-aarch64.so.1', 'arm64', 64, 'little', 'an aarch64 ELF'],
    ['ld-linux-x86-64.so.2', 'amd64', 64, 'little', 'an x86-64 ELF'],
  ])('%s is %s', (file, architecture, bits, endian, words) => {
    const id = identifyFile(head(file));
    expect(id).toMatchObject({ kind: 'elf', architecture, bits, endian });
    expect(describeIdentity(id)).toBe(words);
    // Statically linked executables and loaders have no program interpreter.
    expect(id.kind === 'elf' && id.interpreter).toBeFalsy();
  });

  test('armhf busybox: 32-bit ARM, EABI5 hard-float, and no variant claimed', () => {
    const id = identifyFile(head('busybox-static-armhf'));
    expect(id).toMatchObject({ kind: 'elf', architecture: 'arm', bits: 32, endian: 'little' });
    expect(describeIdentity(id)).toBe('a 32-bit ARM ELF (EABI5, hard-float)');
  });

  test('a dynamic arm64 busybox names its loader (PT_INTERP)', () => {
    expect(identifyFile(head('busybox-dynamic-arm64'))).toMatchObject({
      kind: 'elf',
      architecture: 'arm64',
      interpreter: '/lib/ld-linux-aarch64.so.1',
    });
  });

  test.each([
    ['zlib1-x86_64.dll', 'amd64', 'a Windows PE executable for x86-64'],
    ['zlib1-i686.dll', '386', 'a Windows PE executable for Intel 386'],
  ])('%s is a PE for %s', (file, architecture, words) => {
    const id = identifyFile(head(file));
    expect(id).toMatchObject({ kind: 'pe', architecture });
    expect(describeIdentity(id)).toBe(words);
  });
});

/** A minimal ELF header: class, data, e_machine, and optionally one PT_INTERP program header. */
function elfHeader(o: {
  bits: 32 | 64;
  le: boolean;
  machine: number;
  interp?: string;
  flags?: number;
}): Buffer {
  const b = Buffer.alloc(512);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = o.bits === 64 ? 2 : 1;
  b[5] = o.le ? 1 : 2;
  b[6] = 1;
  const u16 = (v: number, at: number): number =>
    o.le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at);
  const u32 = (v: number, at: number): number =>
    o.le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at);
  const word = (v: number, at: number): number =>
    o.bits === 64
      ? o.le
        ? b.writeBigUInt64LE(BigInt(v), at)
        : b.writeBigUInt64BE(BigInt(v), at)
      : u32(v, at);
  u16(2, 16);
  u16(o.machine, 18);
  u32(o.flags ?? 0, o.bits === 64 ? 48 : 36);
  const phoff = o.bits === 64 ? 64 : 52;
  const phent = o.bits === 64 ? 56 : 32;
  word(phoff, o.bits === 64 ? 32 : 28);
  u16(phent, o.bits === 64 ? 54 : 42);
  u16(o.interp !== undefined ? 1 : 0, o.bits === 64 ? 56 : 44);
  if (o.interp !== undefined) {
    const at = 300;
    u32(3, phoff);
    word(at, phoff + (o.bits === 64 ? 8 : 4));
    word(o.interp.length + 1, phoff + (o.bits === 64 ? 32 : 16));
    b.write(o.interp, at, 'latin1');
  }
  return b;
}

describe('identifyFile on synthetic ELF headers (e_machine → GOARCH)', () => {
  test.each([
    [{ bits: 64, le: true, machine: 62 }, 'amd64'],
    [{ bits: 32, le: true, machine: 3 }, '386'],
    [{ bits: 64, le: true, machine: 183 }, 'arm64'],
    [{ bits: 32, le: true, machine: 40 }, 'arm'],
    [{ bits: 64, le: true, machine: 21 }, 'ppc64le'],
    [{ bits: 64, le: false, machine: 21 }, 'ppc64'],
    [{ bits: 64, le: false, machine: 22 }, 's390x'],
    [{ bits: 64, le: true, machine: 243 }, 'riscv64'],
    [{ bits: 32, le: false, machine: 8 }, 'mips'],
    [{ bits: 32, le: true, machine: 8 }, 'mipsle'],
    [{ bits: 64, le: false, machine: 8 }, 'mips64'],
    [{ bits: 64, le: true, machine: 8 }, 'mips64le'],
    [{ bits: 64, le: true, machine: 258 }, 'loong64'],
  ] as [{ bits: 32 | 64; le: boolean; machine: number }, string][])(
    '%j → %s',
    (h, architecture) => {
      expect(identifyFile(elfHeader(h))).toMatchObject({ kind: 'elf', architecture });
    },
  );

  test('an unknown e_machine is named, with no architecture', () => {
    const id = identifyFile(elfHeader({ bits: 64, le: true, machine: 9999 }));
    expect(id).toEqual(expect.objectContaining({ kind: 'elf', machine: 'e_machine 9999' }));
    expect(id.kind === 'elf' && id.architecture).toBeUndefined();
  });

  test('PT_INTERP is read in both byte orders and classes', () => {
    for (const [bits, le] of [
      [64, true],
      [64, false],
      [32, true],
      [32, false],
    ] as const)
      expect(
        identifyFile(elfHeader({ bits, le, machine: 62, interp: '/lib/ld.so' })),
      ).toMatchObject({
        interpreter: '/lib/ld.so',
      });
  });

  test('a PT_INTERP past the head is flagged as not read (empty), never guessed', () => {
    const b = elfHeader({ bits: 64, le: true, machine: 183, interp: '/x' });
    b.writeBigUInt64LE(BigInt(100_000), 64 + 8);
    expect(identifyFile(b)).toMatchObject({ kind: 'elf', interpreter: '' });
  });

  test('ARM float ABI from e_flags: soft-float EABI5', () => {
    const id = identifyFile(elfHeader({ bits: 32, le: true, machine: 40, flags: 0x05000200 }));
    expect(id).toMatchObject({ detail: 'EABI5, soft-float' });
  });

  test('a truncated ELF is not an executable', () => {
    expect(identifyFile(Buffer.from('\x7fELF\x02\x01', 'latin1'))).toMatchObject({ kind: 'other' });
  });
});

describe('identifyFile: PE, scripts and the rest', () => {
  const peHeader = (machine: number): Buffer => {
    const b = Buffer.alloc(256);
    b.write('MZ', 0, 'latin1');
    b.writeUInt32LE(0x80, 0x3c);
    b.write('PE\0\0', 0x80, 'latin1');
    b.writeUInt16LE(machine, 0x84);
    return b;
  };
  test.each([
    [0x8664, 'amd64'],
    [0xaa64, 'arm64'],
    [0x14c, '386'],
  ])('PE Machine 0x%s → %s', (machine, architecture) => {
    expect(identifyFile(peHeader(machine))).toMatchObject({ kind: 'pe', architecture });
  });

  test.each([
    ['#!/bin/sh\necho hi\n', { interpreter: '/bin/sh' }],
    ['#! /usr/bin/env python3\n', { interpreter: '/usr/bin/env', argument: 'python3' }],
    [
      '#!/usr/bin/env -S node --harmony\r\n',
      { interpreter: '/usr/bin/env', argument: '-S node --harmony' },
    ],
  ])('%j is a script', (text, want) => {
    expect(identifyFile(Buffer.from(text))).toEqual({ kind: 'script', ...want });
  });

  test.each([
    [Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]), 'a Mach-O (macOS) executable'],
    [Buffer.from('echo no shebang\n'), 'a text file without a #! line'],
    [Buffer.from([0, 1, 2, 3, 0xff, 0]), 'data, not an executable format'],
    [Buffer.alloc(0), 'an empty file'],
    [Buffer.from('MZ' + '\0'.repeat(100)), 'a DOS executable (no PE header)'],
  ])('%j is named', (bytes, what) => {
    expect(describeIdentity(identifyFile(bytes))).toBe(what);
  });

  test('an interpreter line with control characters is escaped when described', () => {
    const words = describeIdentity(identifyFile(Buffer.from('#!/bin/\x1b[31msh\n')));
    expect(words).not.toContain('\x1b');
    expect(words).toContain('\\x1b');
  });
});
