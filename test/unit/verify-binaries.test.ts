/**
 * The binaries check over layers held in memory (real Debian executables inside real tar
 * layers, gzip and plain): the merged-filesystem table of rootfs.ts and the chain table of
 * chain.ts, walked row by row, plus what is read and when it stops.
 */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from '@jest/globals';
import { sha256Digest, type Descriptor, type Platform } from '../../src/oci/index.js';
import { verifyBinaries, type BinaryCheck } from '../../src/verify/index.js';
import { tarLayer, testBinary, type TarEntry } from '../helpers/images.js';

const ARM64: Platform = { os: 'linux', architecture: 'arm64' };
const AMD64: Platform = { os: 'linux', architecture: 'amd64' };

interface Built {
  layers: Descriptor[];
  blobs: Map<string, Buffer>;
  opened: string[];
}

/** Layers (base first) as descriptors, with an opener that records what was read. */
async function build(layers: TarEntry[][], gzip = true): Promise<Built> {
  const blobs = new Map<string, Buffer>();
  const descriptors: Descriptor[] = [];
  for (const entries of layers) {
    const tar = await tarLayer(entries);
    const blob = gzip ? gzipSync(tar) : tar;
    const digest = sha256Digest(blob);
    blobs.set(digest, blob);
    descriptors.push({
      mediaType: `application/vnd.oci.image.layer.v1.tar${gzip ? '+gzip' : ''}`,
      digest,
      size: blob.length,
    });
  }
  return { layers: descriptors, blobs, opened: [] };
}

async function check(
  b: Built,
  config: Record<string, unknown>,
  platform: Platform = ARM64,
  budget = 1 << 30,
): Promise<BinaryCheck> {
  return verifyBinaries({
    platform,
    config: { config },
    layers: b.layers,
    budget,
    open: async (d) => {
      b.opened.push(d.digest);
      return Readable.from([b.blobs.get(d.digest)!]);
    },
  });
}

const arm = (): Buffer => testBinary('busybox-static-arm64');
const amd = (): Buffer => testBinary('busybox-static-amd64');

describe('chain outcomes', () => {
  test('an arm64 entrypoint on linux/arm64 is verified', async () => {
    const b = await build([[{ name: 'bin/app', content: arm() }]]);
    const r = await check(b, { Entrypoint: ['/bin/app'] });
    expect(r).toMatchObject({ outcome: 'verified', layersRead: 1, layers: 1 });
    expect(r.message).toMatch(/entrypoint \/bin\/app is an aarch64 ELF/);
    expect(r.bytesRead).toBe(b.layers[0]!.size);
  });

  test('the calico case: an x86-64 binary in a linux/arm64 child is a mismatch, named', async () => {
    const b = await build([[{ name: 'usr/bin/ztunnel', content: amd() }]]);
    const r = await check(b, { Entrypoint: ['/usr/bin/ztunnel'] });
    expect(r.outcome).toBe('mismatch');
    expect(r.message).toBe(
      'entrypoint /usr/bin/ztunnel is an x86-64 ELF; the entry is linux/arm64',
    );
  });

  test('a name without a slash is looked up through the config PATH, skipping non-executables', async () => {
    const b = await build([
      [
        { name: 'opt/a/app', content: amd(), mode: 0o644 },
        { name: 'opt/b/app', content: arm() },
      ],
    ]);
    const r = await check(b, { Cmd: ['app', '--serve'], Env: ['PATH=/opt/a:/opt/b'] });
    expect(r).toMatchObject({ outcome: 'verified' });
    expect(r.chain[0]).toMatchObject({ role: 'cmd', name: 'app', path: '/opt/b/app' });
  });

  test('the default PATH applies when the config sets none', async () => {
    const b = await build([[{ name: 'usr/bin/app', content: arm() }]]);
    expect((await check(b, { Entrypoint: ['app'] })).chain[0]).toMatchObject({
      path: '/usr/bin/app',
    });
  });

  test('a relative path is taken from WorkingDir', async () => {
    const b = await build([[{ name: 'srv/app/run', content: amd() }]]);
    const r = await check(b, { Entrypoint: ['./run'], WorkingDir: '/srv/app' }, AMD64);
    expect(r).toMatchObject({ outcome: 'verified' });
  });

  test('a symlinked entrypoint (/usr/local/bin/app -> ../lib/app/app) is followed', async () => {
    const b = await build([
      [
        { name: 'usr/local/lib/app/app', content: amd() },
        { name: 'usr/local/bin/app', type: 'symlink', linkname: '../lib/app/app' },
      ],
    ]);
    const r = await check(b, { Entrypoint: ['/usr/local/bin/app'] });
    expect(r.outcome).toBe('mismatch');
    expect(r.message).toMatch(/\(\/usr\/local\/lib\/app\/app\) is an x86-64 ELF/);
  });

  test('an absolute symlink in a directory component is followed', async () => {
    const b = await build([
      [
        { name: 'real/bin/app', content: arm() },
        { name: 'opt', type: 'symlink', linkname: '/real' },
      ],
    ]);
    expect((await check(b, { Entrypoint: ['/opt/bin/app'] })).chain[0]).toMatchObject({
      path: '/real/bin/app',
    });
  });

  test('a symlink loop is reported, not followed forever', async () => {
    const b = await build([
      [
        { name: 'a', type: 'symlink', linkname: '/b' },
        { name: 'b', type: 'symlink', linkname: '/a' },
      ],
    ]);
    const r = await check(b, { Entrypoint: ['/a'] });
    expect(r.outcome).toBe('mismatch');
    expect(r.message).toMatch(/symlinks in a row \(a loop\)/);
  });

  test('a hard link is the file it links to', async () => {
    const b = await build([
      [
        { name: 'bin/busybox', content: amd() },
        { name: 'bin/sh', type: 'link', linkname: 'bin/busybox' },
      ],
    ]);
    const r = await check(b, { Cmd: ['/bin/sh', '-c', 'true'] });
    expect(r).toMatchObject({ outcome: 'mismatch' });
    expect(r.message).toMatch(/cmd \/bin\/sh is an x86-64 ELF/);
  });

  test('a #!/bin/sh script leads to the shell, which is checked', async () => {
    const b = await build([
      [
        { name: 'bin/sh', content: amd() },
        { name: 'entry.sh', content: '#!/bin/sh\nexec app\n' },
      ],
    ]);
    const r = await check(b, { Entrypoint: ['/entry.sh'] });
    expect(r.outcome).toBe('mismatch');
    expect(r.message).toMatch(/^interpreter \/bin\/sh is an x86-64 ELF/);
    expect(r.chain.map((l) => l.role)).toEqual(['entrypoint', 'interpreter']);
  });

  test('#!/usr/bin/env NAME checks env and NAME through PATH', async () => {
    const b = await build([
      [
        { name: 'usr/bin/env', content: arm() },
        { name: 'usr/bin/node', content: amd() },
        { name: 'app/main.js', content: '#!/usr/bin/env node\n' },
      ],
    ]);
    const r = await check(b, { Entrypoint: ['/app/main.js'] });
    expect(r.outcome).toBe('mismatch');
    expect(r.message).toMatch(/^program node \(\/usr\/bin\/node\) is an x86-64 ELF/);
  });

  test('a script chain deeper than the bound is unverified', async () => {
    const entries: TarEntry[] = Array.from({ length: 12 }, (_, i) => ({
      name: `s${i}`,
      content: `#!/s${i + 1}\n`,
    }));
    const r = await check(await build([entries]), { Entrypoint: ['/s0'] });
    expect(r.outcome).toBe('unverified');
    expect(r.message).toMatch(/more than 8 interpreters/);
  });

  test('a dynamic arm64 binary on an amd64 base is refused through its loader', async () => {
    const b = await build([
      [{ name: 'lib64/ld-linux-x86-64.so.2', content: testBinary('ld-linux-x86-64.so.2') }],
      [{ name: 'usr/bin/app', content: testBinary('busybox-dynamic-arm64') }],
    ]);
    const r = await check(b, { Entrypoint: ['/usr/bin/app'] });
    expect(r.outcome).toBe('mismatch');
    expect(r.message).toMatch(
      /^loader \/lib\/ld-linux-aarch64\.so\.1 is not in the image \(\/lib does not exist\); the entry is linux\/arm64/,
    );
    expect(r.layersRead).toBe(2);
  });

  test('the same dynamic binary with its arm64 loader is verified, loader named', async () => {
    const b = await build([
      [
        {
          name: 'lib/aarch64-linux-gnu/ld-linux-aarch64.so.1',
          content: testBinary('ld-linux-aarch64.so.1'),
        },
        {
          name: 'lib/ld-linux-aarch64.so.1',
          type: 'symlink',
          linkname: 'aarch64-linux-gnu/ld-linux-aarch64.so.1',
        },
      ],
      [{ name: 'usr/bin/app', content: testBinary('busybox-dynamic-arm64') }],
    ]);
    const r = await check(b, { Entrypoint: ['/usr/bin/app'] });
    expect(r.outcome).toBe('verified');
    expect(r.message).toMatch(/with loader \/lib\/aarch64-linux-gnu\/ld-linux-aarch64\.so\.1/);
  });

  test('an entrypoint that is not in the image is a mismatch (nothing would start)', async () => {
    const b = await build([[{ name: 'bin/other', content: arm() }]]);
    const r = await check(b, { Entrypoint: ['ghost'] });
    expect(r.outcome).toBe('mismatch');
    expect(r.message).toMatch(/entrypoint ghost is not in the image: not found in PATH/);
  });

  test('a text file without #! is an exec format error', async () => {
    const b = await build([[{ name: 'run', content: 'echo hi\n' }]]);
    const r = await check(b, { Entrypoint: ['/run'] });
    expect(r.outcome).toBe('mismatch');
    expect(r.message).toMatch(/exec format error/);
  });

  test('an entrypoint without an exec bit is unverified, with its mode', async () => {
    const b = await build([[{ name: 'app', content: arm(), mode: 0o644 }]]);
    const r = await check(b, { Entrypoint: ['/app'] });
    expect(r).toMatchObject({ outcome: 'unverified' });
    expect(r.message).toMatch(/not executable \(mode 644\)/);
  });

  test('no Entrypoint and no Cmd is unverified, and nothing is read', async () => {
    const b = await build([[{ name: 'app', content: arm() }]]);
    const r = await check(b, { Env: ['A=1'] });
    expect(r).toMatchObject({ outcome: 'unverified', bytesRead: 0, layersRead: 0 });
    expect(b.opened).toEqual([]);
  });

  test('a Windows PE in a linux child is a mismatch; a PE of the right machine verifies on windows', async () => {
    const dll = testBinary('zlib1-x86_64.dll');
    const b = await build([[{ name: 'app.exe', content: dll }]]);
    expect((await check(b, { Entrypoint: ['/app.exe'] }, AMD64)).message).toMatch(
      /a Windows PE executable for x86-64, not an ELF/,
    );
    const w = await build([[{ name: 'Files/App/Server.EXE', content: dll }]]);
    const win: Platform = { os: 'windows', architecture: 'amd64' };
    expect(await check(w, { Entrypoint: ['C:\\app\\server.exe'] }, win)).toMatchObject({
      outcome: 'verified',
    });
    const i386 = await build([[{ name: 'Files/app.exe', content: testBinary('zlib1-i686.dll') }]]);
    expect((await check(i386, { Entrypoint: ['C:\\app.exe'] }, win)).outcome).toBe('mismatch');
  });

  test('names from the image are escaped in the message', async () => {
    const b = await build([[{ name: 'bin/\x1b[2Japp\nfake', content: amd() }]]);
    const r = await check(b, { Entrypoint: ['/bin/\x1b[2Japp\nfake'] });
    expect(r.outcome).toBe('mismatch');
    expect(r.message).not.toMatch(/[\x1b\n]/);
  });
});

describe('the merged filesystem (whiteouts, opaque directories, layer order)', () => {
  test('an upper layer replaces a lower file', async () => {
    const b = await build([[{ name: 'app', content: amd() }], [{ name: 'app', content: arm() }]]);
    const r = await check(b, { Entrypoint: ['/app'] });
    expect(r).toMatchObject({ outcome: 'verified', layersRead: 1 });
  });

  test('a whiteout-deleted file is not used: PATH goes on to the next directory', async () => {
    const b = await build([
      [
        { name: 'usr/local/bin/app', content: amd() },
        { name: 'usr/bin/app', content: arm() },
      ],
      [{ name: 'usr/local/bin/.wh.app', content: '' }],
    ]);
    const r = await check(b, { Entrypoint: ['app'] });
    expect(r).toMatchObject({ outcome: 'verified', layersRead: 2 });
    expect(r.chain[0]).toMatchObject({ path: '/usr/bin/app' });
  });

  test('a whiteout of a directory deletes what is below it', async () => {
    const b = await build([
      [{ name: 'opt/app/run', content: arm() }],
      [{ name: '.wh.opt', content: '' }],
    ]);
    expect((await check(b, { Entrypoint: ['/opt/app/run'] })).outcome).toBe('mismatch');
  });

  test('an opaque directory hides the lower layers below it', async () => {
    const b = await build([
      [{ name: 'app/run', content: arm() }],
      [
        { name: 'app/.wh..wh..opq', content: '' },
        { name: 'app/other', content: arm() },
      ],
    ]);
    const r = await check(b, { Entrypoint: ['/app/run'] });
    expect(r.outcome).toBe('mismatch');
    expect(r.message).toMatch(/is not in the image/);
  });

  test('a file replacing a directory hides what was under it', async () => {
    const b = await build([
      [{ name: 'srv/bin/app', content: arm() }],
      [{ name: 'srv', content: 'x' }],
    ]);
    expect((await check(b, { Entrypoint: ['/srv/bin/app'] })).outcome).toBe('mismatch');
  });

  test('reading stops at the layer that settles the chain: lower layers are not opened', async () => {
    const b = await build([
      [{ name: 'base/big', content: Buffer.alloc(200_000, 7) }],
      [{ name: 'middle', content: 'x' }],
      [{ name: 'bin/app', content: arm() }],
    ]);
    const r = await check(b, { Entrypoint: ['/bin/app'] });
    expect(r).toMatchObject({ outcome: 'verified', layersRead: 1, layers: 3 });
    expect(b.opened).toEqual([b.layers[2]!.digest]);
  });

  test('uncompressed tar layers are read too', async () => {
    const b = await build([[{ name: 'bin/app', content: arm() }]], false);
    expect((await check(b, { Entrypoint: ['/bin/app'] })).outcome).toBe('verified');
  });
});

describe('what cannot be read is unverified, with the reason', () => {
  test('a layer over the byte budget is not opened', async () => {
    const b = await build([[{ name: 'bin/app', content: arm() }]]);
    const r = await check(b, { Entrypoint: ['/bin/app'] }, ARM64, 1000);
    expect(r.outcome).toBe('unverified');
    expect(r.message).toMatch(
      /over the byte budget: finding \/bin needs layer sha256:[0-9a-f]{64} \(\d+ bytes\) after 0 read, and the budget is 1000/,
    );
    expect(b.opened).toEqual([]);
  });

  test('a foreign (non-distributable) layer the chain would need', async () => {
    const b = await build([[{ name: 'x', content: 'x' }], [{ name: 'y', content: 'y' }]]);
    b.layers[0] = {
      ...b.layers[0]!,
      mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
      urls: ['https://example.com/layer'],
    };
    const r = await check(b, { Entrypoint: ['/bin/app'] });
    expect(r.outcome).toBe('unverified');
    expect(r.message).toMatch(/foreign \(non-distributable\) layer/);
  });

  test('an encrypted or unknown layer media type', async () => {
    const b = await build([[{ name: 'bin/app', content: arm() }]]);
    b.layers[0] = {
      ...b.layers[0]!,
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip+encrypted',
    };
    expect((await check(b, { Entrypoint: ['/bin/app'] })).message).toMatch(/encrypted/);
    b.layers[0] = { ...b.layers[0]!, mediaType: 'application/x-something' };
    expect((await check(b, { Entrypoint: ['/bin/app'] })).message).toMatch(/not a tar layer/);
  });

  test('a layer that is not a tar at all', async () => {
    const b = await build([[{ name: 'x', content: 'x' }]]);
    const junk = gzipSync(Buffer.alloc(5000, 0x41));
    b.blobs.set(b.layers[0]!.digest, junk);
    b.layers[0] = { ...b.layers[0]!, size: junk.length };
    const r = await check(b, { Entrypoint: ['/bin/app'] });
    expect(r.outcome).toBe('unverified');
    expect(r.message).toMatch(/could not be read/);
  });
});
