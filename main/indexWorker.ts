/**
 * Position-index worker (runs in a Node worker thread, started by workerIndex.ts). Reading a big
 * list's row ids in an order no index of the file gives means one sort of the whole list (about a
 * second for 400,000 records), which must not freeze the desktop app's main process. So the lists
 * are read here, on a read-only connection of its own to the session's private snapshot (an
 * encrypted file's key arrives in the handle, in memory): the same snapshot gives the same row ids.
 * Each list's ids go back as a transferred buffer (no copy).
 *
 * The worker keeps its own queue, so it goes from one list to the next without waiting for the
 * main thread (which may be busy counting a run meanwhile): lists asked for by a request first, in
 * the order asked, then lists built ahead, in their order. Between two lists it reads every message
 * that has arrived, so a request's list goes before the lists built ahead after the current one.
 * Messages in: {type:'start', handle}; {type:'build', id, sql, params, ahead}; {type:'promote', id}
 * (a list built ahead is now asked for); {type:'front', ids} (these lists built ahead go first,
 * in this order). Messages out: {type:'built', id, ids} or {type:'error', id, code, message,
 * detail} (id null: the connection could not be opened). The thread is stopped by terminating it.
 */
import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import type { Landscape, ReaderHandle } from '../app/db/landscape.js';
import { openShared } from '../app/db/openTarget.js';
import { LandscapeError } from '../app/errors.js';
import { readRowIds } from '../app/query/positionIndex.js';
import { errorMessage } from './workerJob.js';

interface Job {
  id: number;
  sql: string;
  params: Record<string, unknown>;
}

type Message =
  | { type: 'start'; handle: ReaderHandle }
  | ({ type: 'build'; ahead: boolean } & Job)
  | { type: 'promote'; id: number }
  | { type: 'front'; ids: number[] };

const port = parentPort;
if (port) {
  let db: Landscape | null = null;
  const asked: Job[] = [];
  let ahead: Job[] = [];

  const take = (m: Message): void => {
    if (m.type === 'start') {
      try {
        db = openShared(m.handle);
      } catch (e) {
        port.postMessage({ ...errorMessage(e, 'index build'), id: null });
        port.close();
      } finally {
        m.handle.key?.fill(0);
      }
    } else if (m.type === 'build') {
      (m.ahead ? ahead : asked).push({ id: m.id, sql: m.sql, params: m.params });
    } else if (m.type === 'promote') {
      const i = ahead.findIndex((j) => j.id === m.id);
      if (i >= 0) asked.push(...ahead.splice(i, 1));
    } else {
      const moved = m.ids.flatMap((id) => ahead.filter((j) => j.id === id));
      ahead = [...moved, ...ahead.filter((j) => !m.ids.includes(j.id))];
    }
  };

  const build = (job: Job): void => {
    try {
      const own = db;
      if (!own) throw new LandscapeError('INTERNAL', 'the index worker has no database');
      const ids = own.read(() => readRowIds(own, job.sql, job.params));
      port.postMessage({ type: 'built', id: job.id, ids }, [ids.buffer]);
    } catch (e) {
      port.postMessage({ ...errorMessage(e, 'index build'), id: job.id });
    }
  };

  port.on('message', (first: Message) => {
    take(first);
    for (;;) {
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) take(m.message as Message);
      const job = asked.shift() ?? ahead.shift();
      if (!job) return;
      build(job);
    }
  });
}
