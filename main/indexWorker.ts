/**
 * Position-index worker (runs in a Node worker thread, started by workerIndex.ts). Reading a big
 * list's row ids in an order no index of the file gives means one sort of the whole list (about a
 * second for 400,000 records), which must not freeze the desktop app's main process. So the lists
 * are read here, on a read-only connection of its own to the session's private snapshot (an
 * encrypted file's key arrives in the handle, in memory): the same snapshot gives the same row ids.
 * Each list's ids go back as a transferred buffer (no copy). Messages in: {type:'start', handle},
 * then {type:'build', id, sql, params} for each list, read in the order they come. Messages out:
 * {type:'built', id, ids} or {type:'error', id, code, message, detail} (id null: the connection
 * could not be opened). The thread is stopped by terminating it.
 */
import { parentPort } from 'node:worker_threads';
import type { Landscape, ReaderHandle } from '../app/db/landscape.js';
import { openShared } from '../app/db/openTarget.js';
import { LandscapeError } from '../app/errors.js';
import { readRowIds } from '../app/query/positionIndex.js';
import { errorMessage } from './workerJob.js';

type Message = { type: 'start'; handle: ReaderHandle } | { type: 'build'; id: number; sql: string; params: Record<string, unknown> };

const port = parentPort;
if (port) {
  let db: Landscape | null = null;
  port.on('message', (m: Message) => {
    if (m.type === 'start') {
      try {
        db = openShared(m.handle);
      } catch (e) {
        port.postMessage({ ...errorMessage(e, 'index build'), id: null });
        port.close();
      } finally {
        m.handle.key?.fill(0);
      }
      return;
    }
    try {
      const own = db;
      if (!own) throw new LandscapeError('INTERNAL', 'the index worker has no database');
      const ids = own.read(() => readRowIds(own, m.sql, m.params));
      port.postMessage({ type: 'built', id: m.id, ids }, [ids.buffer]);
    } catch (e) {
      port.postMessage({ ...errorMessage(e, 'index build'), id: m.id });
    }
  });
}
