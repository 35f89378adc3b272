/**
 * The merged filesystem of an image, as far as its layers have been read (top layer first):
 * a path lookup answers what the runtime's union mount would hold, or that a lower layer not
 * read yet must settle it.
 *
 * | in a layer (top down)                         | lookup of path P                  |
 * |-----------------------------------------------|-----------------------------------|
 * | an entry at P                                 | that entry (a hard link: its file)|
 * | a whiteout of P or of an ancestor of P        | absent                            |
 * | an entry below P                              | a directory                       |
 * | an opaque marker on an ancestor of P          | absent (lower layers hidden)      |
 * | an ancestor of P that is not a directory      | absent                            |
 * | none of these                                 | ask the next layer down           |
 * | no layer left, all read                       | absent                            |
 * | no layer left, more not read yet              | unknown                           |
 *
 * Resolving a path walks it component by component, following symlinks (absolute and
 * relative, at most MAX_SYMLINKS hops, as Linux's ELOOP bound).
 */
import type { LayerIndex, LayerRecord } from './layer-reader.js';

export const MAX_SYMLINKS = 40;

export type Lookup =
  | { kind: 'entry'; record: LayerRecord }
  | { kind: 'dir' }
  | { kind: 'absent' }
  | { kind: 'unknown' };

export type Resolved =
  | { kind: 'file'; path: string; record: LayerRecord; hops: string[] }
  | { kind: 'absent'; path: string; hops: string[] }
  | { kind: 'not-a-file'; path: string; what: string; hops: string[] }
  | { kind: 'loop'; path: string; hops: string[] }
  | { kind: 'unknown'; path: string };

const ancestors = (p: string): string[] => {
  const parts = p.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
};

export class RootFs {
  /**
   * @param layers the layers read so far, top first
   * @param complete whether they are all the image has (a lookup that falls through is absent)
   */
  constructor(
    readonly layers: LayerIndex[],
    readonly complete: boolean,
    private readonly fold: (p: string) => string = (p) => p,
  ) {}

  /** What the merged view holds at `path` (no leading slash, no symlinks among its ancestors). */
  lookup(path: string, from = 0, depth = 0): Lookup {
    if (path === '') return { kind: 'dir' };
    const key = this.fold(path);
    const up = ancestors(key);
    for (let i = from; i < this.layers.length; i++) {
      const layer = this.layers[i]!;
      const own = layer.entries.get(key);
      if (own) {
        if (own.type === 'link' && depth < MAX_SYMLINKS)
          return this.lookup(own.linkname!, i + 1, depth + 1);
        return { kind: 'entry', record: own };
      }
      if (layer.whiteouts.has(key) || up.some((a) => layer.whiteouts.has(a)))
        return { kind: 'absent' };
      if (layer.dirs.has(key)) return { kind: 'dir' };
      if (up.some((a) => layer.opaque.has(a))) return { kind: 'absent' };
      if (up.some((a) => ((t) => t !== undefined && t !== 'dir')(layer.entries.get(a)?.type)))
        return { kind: 'absent' };
    }
    return this.complete ? { kind: 'absent' } : { kind: 'unknown' };
  }

  /** Resolves an absolute path (relative ones against `cwd`) to the file the runtime would open. */
  resolve(path: string, cwd = '/'): Resolved {
    let pending = (path.startsWith('/') ? path : `${cwd}/${path}`).split('/');
    let done: string[] = [];
    const hops: string[] = [];
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === '' || part === '.') continue;
      if (part === '..') {
        done.pop();
        continue;
      }
      const here = [...done, part].join('/');
      const found = this.lookup(here);
      if (found.kind === 'unknown') return { kind: 'unknown', path: `/${here}` };
      if (found.kind === 'absent') return { kind: 'absent', path: `/${here}`, hops };
      if (found.kind === 'dir') {
        done.push(part);
        continue;
      }
      const r = found.record;
      if (r.type === 'symlink') {
        hops.push(`/${here} -> ${r.linkname}`);
        if (hops.length > MAX_SYMLINKS) return { kind: 'loop', path: `/${here}`, hops };
        const target = r.linkname!.split('/');
        if (r.linkname!.startsWith('/')) done = [];
        pending = [...target, ...pending];
        continue;
      }
      if (r.type === 'dir') {
        done.push(part);
        continue;
      }
      if (pending.some((p) => p !== '' && p !== '.'))
        return { kind: 'absent', path: `/${here}`, hops };
      if (r.type !== 'file')
        return { kind: 'not-a-file', path: `/${here}`, what: describeType(r), hops };
      return { kind: 'file', path: `/${here}`, record: r, hops };
    }
    return { kind: 'not-a-file', path: `/${done.join('/')}`, what: 'a directory', hops };
  }
}

function describeType(r: LayerRecord): string {
  return r.type === 'link' ? 'a hard link to a missing file' : 'a device, FIFO or socket';
}
