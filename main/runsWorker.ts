/**
 * Run list and run detail worker (runs in a Node worker thread, started by workerRuns.ts): counts
 * a run's records on its own read-only connection to the session's private snapshot, so the main
 * process stays free meanwhile. Messages in: {type:'start', handle, query}; out: {type:'done',
 * value} or {type:'error', code, message, detail}. Cancelled by terminating the thread.
 */
import { parentPort } from 'node:worker_threads';
import { serveRunQuery } from './workerRuns.js';

if (parentPort) serveRunQuery(parentPort);
