/**
 * Test and preview harness (plain Node, no Electron): an HTTP server on 127.0.0.1 that serves the
 * built renderer and implements the bridge over the SAME handler functions Electron's IPC uses.
 * A small script it serves defines `window.landscape` with one function per operation calling
 * `POST /rpc/<op>` with a random per-start token. Dialogs are replaced by a queue of paths that
 * tests fill through `POST /test/next-dialog` (the only test seam). `npm run preview` runs it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HANDLED_SIGNALS, signalExitCode } from '../app/cli/signals.js';
import { bridgeFnName, OP_NAMES, type OpName } from '../app/contract/operations.js';
import { sweepSnapshots } from '../app/db/snapshot.js';
import { createHandlers, disposeHandlers, jobControl } from '../main/handlers.js';
import { openJournal } from '../main/journal.js';
import { fileRecentStore } from '../main/recent.js';
import { workerExport } from '../main/workerExport.js';
import { workerVerify } from '../main/workerVerify.js';
import { workerAudit } from '../main/workerAudit.js';
import { workerIndex } from '../main/workerIndex.js';
import { workerRuns } from '../main/workerRuns.js';
import { contentSecurityPolicy } from '../main/security.js';
import { Shutdown, type JobControl } from '../main/shutdown.js';
import { fileLastViewStore } from '../main/windowState.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAX_BODY = 1 << 20;
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png' };

export interface HarnessOptions {
  rendererDir?: string;
  userDataDir?: string;
  env?: NodeJS.ProcessEnv;
  port?: number;
  /** Preview only: what the dialogs answer when the test queue is empty. */
  fallback?: { database: string | null; exportDir: string | null };
}

export interface Harness {
  /** Page URL including the token. */
  url: string;
  origin: string;
  token: string;
  /** Queues a path the next dialog "chooses" (null: the user cancels). */
  queueDialog(p: string | null): void;
  /** URLs the app asked to open externally. */
  opened: string[];
  /** Paths the app asked to show in their folder. */
  shown: string[];
  userDataDir: string;
  /** The session's running jobs (what quitting the app cancels). */
  jobs: JobControl;
  close(): Promise<void>;
}

function bridgeScript(token: string): string {
  const fns = OP_NAMES.map((op) => `  ${bridgeFnName(op)}: (input) => rpc(${JSON.stringify(op)}, input),`).join('\n');
  return `"use strict";
(() => {
  const token = ${JSON.stringify(token)};
  async function rpc(op, input) {
    try {
      const r = await fetch('/rpc/' + encodeURIComponent(op), { method: 'POST', headers: { 'content-type': 'application/json', 'x-landscape-token': token }, body: JSON.stringify(input === undefined ? {} : input) });
      return await r.json();
    } catch (e) {
      return { ok: false, code: 'INTERNAL', message: 'the harness did not answer' };
    }
  }
  Object.defineProperty(window, 'landscape', { value: Object.freeze({
${fns}
  pathForFile: () => null,
  onMenuCommand: () => () => undefined,
}), writable: false, configurable: false });
})();
`;
}

/** Starts the harness on 127.0.0.1 (random port unless given). */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const rendererDir = opts.rendererDir ?? path.join(ROOT, 'dist', 'renderer');
  const indexPath = path.join(rendererDir, 'index.html');
  if (!fs.existsSync(indexPath)) throw new Error(`no renderer build at ${rendererDir}; run node scripts/bundle.mjs first`);
  // As the app does at start: private snapshots that crashed or killed runs left behind.
  sweepSnapshots('stale');
  const userDataDir = opts.userDataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ld-harness-'));
  const token = randomBytes(24).toString('hex');
  const tokenBuf = Buffer.from(token);
  const dialogQueue: Array<string | null> = [];
  const opened: string[] = [];
  const shown: string[] = [];
  const journal = openJournal(userDataDir);
  const sample = path.join(ROOT, 'samples', 'sample.db');
  const csp = contentSecurityPolicy("'self'");
  const next = async () => (dialogQueue.length > 0 ? (dialogQueue.shift() ?? null) : null);
  const fb = opts.fallback;
  const log = { error: (m: string, e?: unknown) => console.error(`[harness] ${m}`, e), info: () => undefined };
  const handlers = createHandlers({
    // Exports run in a worker thread, exactly as in the app (here from the TypeScript source).
    core: {
      exportRun: workerExport(path.join(ROOT, 'main', 'exportWorker.ts'), log),
      verify: workerVerify(path.join(ROOT, 'main', 'verifyWorker.ts'), log),
      audit: workerAudit(path.join(ROOT, 'main', 'auditWorker.ts'), log),
      indexThreads: workerIndex(path.join(ROOT, 'main', 'indexWorker.ts'), log),
      runQueries: workerRuns(path.join(ROOT, 'main', 'runsWorker.ts'), log),
    },
    dialogs: {
      openDatabase: async () => (dialogQueue.length > 0 ? next() : (fb?.database ?? null)),
      chooseExportDestination: async (name) => (dialogQueue.length > 0 ? next() : fb?.exportDir ? path.join(fb.exportDir, name) : null),
      openSchemaFile: async () => next(),
      openExport: async () => next(),
      openPublicKey: async () => next(),
      chooseJournalCsv: async () => (dialogQueue.length > 0 ? next() : fb?.exportDir ? path.join(fb.exportDir, 'export-journal.csv') : null),
      choosePayloadStore: async () => next(),
      chooseProblemsCsv: async () => (dialogQueue.length > 0 ? next() : fb?.exportDir ? path.join(fb.exportDir, 'payload-problems.csv') : null),
    },
    openExternal: async (url) => void opened.push(url),
    showInFolder: (p) => void shown.push(p),
    journal,
    samplePath: fs.existsSync(sample) ? sample : null,
    recent: fileRecentStore(userDataDir),
    lastView: fileLastViewStore(userDataDir),
    log,
    env: opts.env ?? process.env,
  });

  const tokenOk = (t: string | null | undefined) => {
    if (typeof t !== 'string') return false;
    const b = Buffer.from(t);
    return b.length === tokenBuf.length && timingSafeEqual(b, tokenBuf);
  };

  let origin = '';
  const server = http.createServer((req, res) => {
    const send = (status: number, body: string | Buffer, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'content-security-policy': csp, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
      res.end(body);
    };
    // Only our own host name: a DNS-rebinding page on another name is refused.
    if (req.headers.host !== new URL(origin).host) return send(421, 'wrong host');
    if (req.headers.origin !== undefined && req.headers.origin !== origin) return send(403, 'wrong origin');
    const url = new URL(req.url ?? '/', origin);
    if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
      if (!tokenOk(url.searchParams.get('t'))) return send(403, 'token required');
      const html = fs
        .readFileSync(indexPath, 'utf8')
        .replace("connect-src 'none'", "connect-src 'self'")
        .replace('<script', `<script src="./bridge.js?t=${token}"></script>\n    <script`);
      return send(200, html, 'text/html; charset=utf-8');
    }
    if (req.method === 'GET' && url.pathname === '/bridge.js') {
      if (!tokenOk(url.searchParams.get('t'))) return send(403, 'token required');
      return send(200, bridgeScript(token), 'text/javascript; charset=utf-8');
    }
    if (req.method === 'GET' && url.pathname.startsWith('/assets/')) {
      const file = path.resolve(rendererDir, `.${decodeURIComponent(url.pathname)}`);
      if (!file.startsWith(path.join(rendererDir, 'assets') + path.sep) || !fs.existsSync(file)) return send(404, 'not found');
      return send(200, fs.readFileSync(file), TYPES[path.extname(file)] ?? 'application/octet-stream');
    }
    if (req.method !== 'POST') return send(404, 'not found');
    if (!tokenOk(req.headers['x-landscape-token'] as string | undefined)) return send(403, 'token required');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        return send(400, JSON.stringify({ ok: false, code: 'BAD_INPUT', message: 'invalid request: body is not JSON' }), 'application/json');
      }
      if (url.pathname === '/test/next-dialog') {
        const p = (body as { path?: unknown }).path;
        if (p !== null && typeof p !== 'string') return send(400, 'path must be a string or null');
        dialogQueue.push(p as string | null);
        return send(200, '{"ok":true}', 'application/json');
      }
      const op = decodeURIComponent(url.pathname.replace(/^\/rpc\//, '')) as OpName;
      if (!url.pathname.startsWith('/rpc/') || !(OP_NAMES as readonly string[]).includes(op)) return send(404, 'no such operation');
      void handlers[op](body).then((r) => send(200, JSON.stringify(r), 'application/json'));
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const addr = server.address() as { port: number };
  origin = `http://127.0.0.1:${addr.port}`;
  return {
    url: `${origin}/?t=${token}`,
    origin,
    token,
    opened,
    shown,
    userDataDir,
    jobs: jobControl(handlers),
    queueDialog: (p) => void dialogQueue.push(p),
    async close() {
      disposeHandlers(handlers);
      journal.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Preview for a person: the open dialog answers with the given database (default: the sample),
  // the save dialog with a file of the suggested name in the given folder (default: a temp folder).
  const database = path.resolve(process.argv[2] ?? path.join(ROOT, 'samples', 'sample.db'));
  const exportDir = path.resolve(process.argv[3] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ld-preview-exports-')));
  const h = await startHarness({ port: Number(process.env['PORT'] ?? 0) || undefined, fallback: { database, exportDir } });
  // Ended by a signal, the preview does what the desktop app does when the OS ends it
  // (main/shutdown.ts): cancel the jobs without asking, wait for them, clean up, exit 128 + n.
  const log = { error: (m: string, e?: unknown) => console.error(`[harness] ${m}`, e), info: (m: string) => console.error(`[harness] ${m}`) };
  const shutdown = new Shutdown({ jobs: () => [h.jobs], ask: async () => true, log });
  for (const sig of HANDLED_SIGNALS) {
    process.on(sig, () => shutdown.force(() => void h.close().finally(() => process.exit(signalExitCode(sig)))));
  }
  process.on('exit', () => shutdown.exitCleanup());
  process.stdout.write(`database: ${database}\nexports: ${exportDir}\n`);
  process.stdout.write(`Landscape Desk preview: ${h.url}\n(dialogs: POST ${h.origin}/test/next-dialog {"path": "/abs/file.db"} with header x-landscape-token: ${h.token})\n`);
}
