/**
 * One renderer session's state: the databases it has open (keyed by opaque handles it cannot
 * guess or forge into paths) and the export destinations the user granted through a dialog.
 * A destination the renderer names is used only when it is in this session's granted set.
 */
import * as path from 'node:path';
import type { Landscape } from '../app/db/landscape.js';
import { BridgeError } from './results.js';

export interface OpenEntry {
  handle: string;
  db: Landscape;
  /** Job id of the export running on this database, if any (one at a time per database). */
  activeExport: string | null;
}

export class Session {
  private readonly dbs = new Map<string, OpenEntry>();
  private readonly granted = new Set<string>();
  /** Files the user picked in an open dialog (schema files): readable, never writable. */
  private readonly readable = new Set<string>();
  /** Files and folders this session's exports wrote (targets and receipts). */
  private readonly exported = new Set<string>();

  constructor(private readonly newId: () => string) {}

  add(db: Landscape): OpenEntry {
    const entry: OpenEntry = { handle: this.newId(), db, activeExport: null };
    this.dbs.set(entry.handle, entry);
    return entry;
  }

  get(handle: string): OpenEntry {
    const e = this.dbs.get(handle);
    if (!e) throw new BridgeError('UNKNOWN_HANDLE', 'that database is not open (it may have been closed)');
    return e;
  }

  /** Closes and forgets a database; false when the handle was unknown. */
  close(handle: string): boolean {
    const e = this.dbs.get(handle);
    if (!e) return false;
    this.dbs.delete(handle);
    e.db.close();
    return true;
  }

  closeAll(): void {
    for (const h of [...this.dbs.keys()]) this.close(h);
  }

  /** Records a destination the user picked in a save dialog. */
  grant(destination: string): void {
    this.granted.add(path.resolve(destination));
  }

  isGranted(destination: string): boolean {
    return this.granted.has(path.resolve(destination));
  }

  /** Records a file the user picked in an open dialog, which may then be read (not written). */
  grantRead(file: string): void {
    this.readable.add(path.resolve(file));
  }

  isReadGranted(file: string): boolean {
    return this.readable.has(path.resolve(file));
  }

  /** Records what a finished export wrote, so "Show in folder" may reveal exactly these paths. */
  recordExported(...paths: string[]): void {
    for (const p of paths) this.exported.add(path.resolve(p));
  }

  exportedPaths(): ReadonlySet<string> {
    return this.exported;
  }

  /** Paths the user chose and may see in messages: open databases and granted destinations. */
  shownPaths(): string[] {
    const out: string[] = [];
    for (const e of this.dbs.values()) out.push(e.db.path);
    for (const g of this.granted) out.push(g, `${g}.receipt.json`);
    for (const r of this.readable) out.push(r);
    return out;
  }
}
