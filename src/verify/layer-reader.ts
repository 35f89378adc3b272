/**
 * Reads one image layer as it streams: gzip, zstd or plain tar (told by its first bytes, not by
 * a media type a registry may get wrong), decompressed on the fly, and keeps what a path lookup
 * needs — each entry's type, mode and link target, whiteouts, opaque directories — plus, for
 * the files that could be started, what their first bytes identify them as. File contents are
 * never kept beyond HEAD_BYTES of the file being read.
 * Reference: OCI image-spec layer.md (changesets, whiteouts `.wh.`, opaque `.wh..wh..opq`).
 */
import { Transform, Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { extract } from 'tar-stream';
import { HEAD_BYTES, identifyFile, type FileIdentity } from '../oci/index.js';

export interface LayerRecord {
  type: 'file' | 'dir' | 'symlink' | 'link' | 'other';
  mode: number;
  /** A symlink's target as written; a hard link's target path (normalised). */
  linkname?: string;
  /** What the file is, for files `keepHead` asked about. */
  id?: FileIdentity;
}

/** One layer's changeset, keyed by path without a leading slash (`usr/bin/app`). */
export interface LayerIndex {
  entries: Map<string, LayerRecord>;
  /** Paths this layer deletes from the layers below. */
  whiteouts: Set<string>;
  /** Directories whose lower-layer contents this layer hides. */
  opaque: Set<string>;
  /** Every ancestor directory of an entry (a directory that exists in this layer). */
  dirs: Set<string>;
}

export interface ReadLayerOptions {
  /** Whether a file's head should be read and identified (an executable bit, a .exe name). */
  keepHead: (path: string, mode: number) => boolean;
  /** Folds a path before it is a key (Windows layers: case-insensitive). */
  fold?: (path: string) => string;
}

/** Normalises a tar entry name: no leading `./` or `/`, no trailing `/`, no `.` parts. */
export function normalizeTarPath(name: string): string {
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

const GZIP = [0x1f, 0x8b];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];
const starts = (b: Buffer, magic: number[]): boolean => magic.every((m, i) => b[i] === m);

/** A Transform over fzstd's streaming decompressor (Node.js 20's zlib has no zstd). */
function zstdStream(): Transform {
  const d = new Decompress((data) => void t.push(Buffer.from(data)));
  const t: Transform = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      try {
        d.push(chunk);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done: TransformCallback) {
      try {
        d.push(new Uint8Array(0), true);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
  return t;
}

/** Peeks at the first bytes; returns the stream and the decompressor its magic asks for. */
async function decoded(source: Readable): Promise<[Readable] | [Readable, Transform]> {
  const it = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let head = Buffer.alloc(0);
  while (head.length < 4) {
    const r = await it.next();
    if (r.done) break;
    head = Buffer.concat([head, r.value]);
  }
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  const raw = Readable.from(all(), { objectMode: false });
  if (starts(head, GZIP)) return [raw, createGunzip()];
  if (starts(head, ZSTD)) return [raw, zstdStream()];
  return [raw];
}

function add(index: LayerIndex, path: string, record: LayerRecord): void {
  const parts = path.split('/');
  const base = parts[parts.length - 1]!;
  const dir = parts.slice(0, -1).join('/');
  for (let i = 1; i < parts.length; i++) index.dirs.add(parts.slice(0, i).join('/'));
  if (base === '.wh..wh..opq') return void index.opaque.add(dir);
  if (base.startsWith('.wh.'))
    return void index.whiteouts.add(dir ? `${dir}/${base.slice(4)}` : base.slice(4));
  index.entries.set(path, record);
}

/** Reads a whole layer stream into its index. Rejects when the stream fails or is not a tar. */
export async function readLayer(source: Readable, o: ReadLayerOptions): Promise<LayerIndex> {
  const index: LayerIndex = {
    entries: new Map(),
    whiteouts: new Set(),
    opaque: new Set(),
    dirs: new Set(),
  };
  const fold = o.fold ?? ((p: string) => p);
  const x = extract();
  x.on('entry', (header, stream, next) => {
    const path = fold(normalizeTarPath(header.name));
    const mode = header.mode ?? 0;
    const type =
      header.type === 'file' || header.type === 'contiguous-file'
        ? 'file'
        : header.type === 'directory'
          ? 'dir'
          : header.type === 'symlink'
            ? 'symlink'
            : header.type === 'link'
              ? 'link'
              : 'other';
    const record: LayerRecord = { type, mode };
    if (type === 'symlink') record.linkname = header.linkname ?? '';
    if (type === 'link') record.linkname = fold(normalizeTarPath(header.linkname ?? ''));
    const keep = type === 'file' && path !== '' && o.keepHead(path, mode);
    const chunks: Buffer[] = [];
    let held = 0;
    stream.on('data', (c: Buffer) => {
      if (keep && held < HEAD_BYTES) {
        chunks.push(c.subarray(0, HEAD_BYTES - held));
        held += Math.min(c.length, HEAD_BYTES - held);
      }
    });
    stream.on('end', () => {
      if (keep) record.id = identifyFile(Buffer.concat(chunks));
      if (path !== '') add(index, path, record);
      next();
    });
    stream.on('error', next);
  });
  await pipeline([...(await decoded(source)), x]);
  // A hard link is the file it links to (in this layer; a target below is looked up there).
  for (const [path, r] of index.entries) {
    if (r.type !== 'link') continue;
    const target = index.entries.get(r.linkname!);
    if (target && target.type !== 'link') index.entries.set(path, { ...target });
  }
  return index;
}
