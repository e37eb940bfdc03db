/**
 * Lists a payload store's contents in ref order, for finding files no run references and names
 * that do not belong (docs/format.md §1.6): the store holds only `<hh>/<ref>` files, `hh` the
 * first two characters of the ref. ELSPETH's interrupted writes leave `<hh>/tmp….tmp` files,
 * which are counted, not reported. Nothing is read but folder listings; a symlink is resolved
 * and, when it leads outside the store, reported and never followed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LandscapeError } from '../errors.js';
import { REF_PATTERN, type PayloadStore } from './store.js';

const HH = /^[0-9a-f]{2}$/;

export type InvalidReason = 'unexpected_name' | 'wrong_folder' | 'not_a_file' | 'not_a_folder' | 'symlink_outside';

/** An entry of the store that is not a payload. */
export interface InvalidEntry {
  /** Path relative to the store's root, `/` separators. */
  path: string;
  reason: InvalidReason;
}

export interface WalkSink {
  invalid(entry: InvalidEntry): void;
  /** A temporary file of an interrupted ELSPETH write. */
  temporary(relPath: string): void;
}

function list(dir: string, shown: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    throw new LandscapeError('STORE_UNREADABLE', `cannot list ${shown} in the payload store (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { dir }, { cause: e });
  }
}

/** What a symlink resolves to: 'outside' the store, 'dangling', or the kind of the target. */
function resolveLink(store: PayloadStore, p: string): 'outside' | 'dangling' | 'file' | 'folder' | 'other' {
  let real: string;
  try {
    real = fs.realpathSync(p);
  } catch {
    return 'dangling';
  }
  if (!store.contains(real)) return 'outside';
  const st = fs.statSync(real, { throwIfNoEntry: false });
  return st?.isFile() ? 'file' : st?.isDirectory() ? 'folder' : 'other';
}

/**
 * The refs of every payload file in the store, in ascending order (each `hh` folder in order,
 * each folder's names in order, which is ref order because every name starts with its folder's).
 * Everything else goes to `sink`.
 */
export function* storeRefs(store: PayloadStore, sink: WalkSink): Generator<string> {
  for (const top of list(store.root, 'the store')) {
    const topPath = path.join(store.root, top.name);
    if (!HH.test(top.name)) {
      sink.invalid({ path: top.name, reason: 'unexpected_name' });
      continue;
    }
    if (top.isSymbolicLink()) {
      const kind = resolveLink(store, topPath);
      if (kind === 'outside') {
        sink.invalid({ path: top.name, reason: 'symlink_outside' });
        continue;
      }
      if (kind !== 'folder') {
        sink.invalid({ path: top.name, reason: 'not_a_folder' });
        continue;
      }
    } else if (!top.isDirectory()) {
      sink.invalid({ path: top.name, reason: 'not_a_folder' });
      continue;
    }
    for (const entry of list(topPath, top.name)) {
      const rel = `${top.name}/${entry.name}`;
      if (!REF_PATTERN.test(entry.name)) {
        if (entry.name.endsWith('.tmp') && entry.isFile()) sink.temporary(rel);
        else sink.invalid({ path: rel, reason: 'unexpected_name' });
        continue;
      }
      if (!entry.name.startsWith(top.name)) {
        sink.invalid({ path: rel, reason: 'wrong_folder' });
        continue;
      }
      if (entry.isSymbolicLink()) {
        const kind = resolveLink(store, path.join(topPath, entry.name));
        if (kind === 'outside') {
          sink.invalid({ path: rel, reason: 'symlink_outside' });
          continue;
        }
        if (kind !== 'file') {
          sink.invalid({ path: rel, reason: 'not_a_file' });
          continue;
        }
      } else if (!entry.isFile()) {
        sink.invalid({ path: rel, reason: 'not_a_file' });
        continue;
      }
      yield entry.name;
    }
  }
}
