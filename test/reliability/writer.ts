/**
 * Live ELSPETH-like writer (runs as a forked child process, plain better-sqlite3-multiple-ciphers). It opens the
 * database the way ELSPETH's connect hook does (WAL, foreign keys, busy_timeout 5000) and commits a
 * short transaction every few milliseconds: a new run every RUN_EVERY commits, and in every commit
 * one source row, its token, two node states and (every CHECKPOINT_EVERY commits) a checkpoint.
 *
 * Because every commit adds exactly one row with one token and two states, any snapshot of one
 * moment satisfies invariants that a torn read would break (see liveWriter.ts). The writer measures
 * how long each transaction took, including any wait for a lock, so the test can prove the app
 * never blocked it beyond its busy timeout.
 *
 * Messages: parent sends 'stop'; the child answers with a WriterStats object and exits.
 */
import Database from 'better-sqlite3-multiple-ciphers';

export const BUSY_TIMEOUT_MS = 5000;
export const RUN_EVERY = 25;
export const CHECKPOINT_EVERY = 5;
export const LIVE_RUN_PREFIX = 'f00d';
export const STATES_PER_TOKEN = 2;

export interface WriterStats {
  commits: number;
  runs: number;
  maxCommitMs: number;
  busyErrors: number;
  otherErrors: string[];
  walResets: number;
}

/** Run id of the n-th live run (hex, like ELSPETH's uuid4().hex). */
export function liveRunId(n: number): string {
  return LIVE_RUN_PREFIX + n.toString(16).padStart(28, '0');
}

function stamp(): string {
  const d = new Date();
  const p = (x: number, w = 2) => String(x).padStart(w, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds() * 1000, 6)}`;
}

type Row = Record<string, unknown>;

function inserter(db: Database.Database, table: string, template: Row) {
  const cols = Object.keys(template);
  const st = db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`);
  return (over: Row) => st.run({ ...template, ...over });
}

function main(dbPath: string, intervalMs: number, resetWalEvery: number): void {
  const db = new Database(dbPath, { timeout: BUSY_TIMEOUT_MS });
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);

  // Templates: a completed run of the fixture and its first two nodes, row, token and states.
  const run = db.prepare("SELECT * FROM runs WHERE status = 'completed' ORDER BY started_at LIMIT 1").get() as Row;
  const nodes = db.prepare('SELECT * FROM nodes WHERE run_id = ? ORDER BY registered_at, node_id LIMIT 2').all(run['run_id']) as Row[];
  const row = db.prepare('SELECT * FROM rows WHERE run_id = ? AND source_node_id = ? LIMIT 1').get(run['run_id'], nodes[0]!['node_id']) as Row;
  const token = db.prepare('SELECT * FROM tokens WHERE row_id = ? LIMIT 1').get(row['row_id']) as Row;
  const state = db.prepare("SELECT * FROM node_states WHERE run_id = ? AND status = 'completed' LIMIT 1").get(run['run_id']) as Row;
  const insRun = inserter(db, 'runs', run);
  const insNode = inserter(db, 'nodes', nodes[0]!);
  const insRow = inserter(db, 'rows', row);
  const insToken = inserter(db, 'tokens', token);
  const insState = inserter(db, 'node_states', state);
  const insCheckpoint = db.prepare(
    `INSERT INTO checkpoints (checkpoint_id, run_id, token_id, node_id, sequence_number, created_at, upstream_topology_hash, checkpoint_node_config_hash, format_version)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`,
  );
  const finishRun = db.prepare("UPDATE runs SET status = 'completed', completed_at = ? WHERE run_id = ?");

  const stats: WriterStats = { commits: 0, runs: 0, maxCommitMs: 0, busyErrors: 0, otherErrors: [], walResets: 0 };
  let runId = '';
  const commitOne = db.transaction((n: number) => {
    const ts = stamp();
    if (n % RUN_EVERY === 0) {
      if (runId) finishRun.run(ts, runId);
      runId = liveRunId(stats.runs + 1);
      insRun({ run_id: runId, status: 'running', started_at: ts, completed_at: null, export_status: null, exported_at: null, export_format: null, export_sink: null, export_error: null });
      for (const nd of nodes) insNode({ ...nd, run_id: runId, registered_at: ts });
      stats.runs++;
    }
    const id = `${runId.slice(0, 20)}${n.toString(16).padStart(12, '0')}`;
    insRow({ row_id: `r${id}`, run_id: runId, source_node_id: nodes[0]!['node_id'], row_index: n % RUN_EVERY, created_at: ts });
    insToken({ token_id: `t${id}`, row_id: `r${id}`, run_id: runId, created_at: ts });
    for (let s = 0; s < STATES_PER_TOKEN; s++) {
      insState({ state_id: `s${s}${id}`, token_id: `t${id}`, run_id: runId, node_id: nodes[s % nodes.length]!['node_id'], step_index: s, attempt: 0, started_at: ts, completed_at: ts });
    }
    if (n % CHECKPOINT_EVERY === CHECKPOINT_EVERY - 1) {
      insCheckpoint.run(`c${id}`, runId, `t${id}`, nodes[0]!['node_id'], n, ts, 'topology', 'config');
    }
  });

  let stopping = false;
  let n = 0;
  const tick = () => {
    if (stopping) return;
    const t0 = performance.now();
    try {
      commitOne(n);
      n++;
      stats.commits++;
      if (resetWalEvery > 0 && n % resetWalEvery === 0) {
        // Not what ELSPETH does (it relies on auto-checkpoints), but it makes the WAL restart
        // under the app's snapshot copy, the race snapshot.ts must detect.
        db.pragma('wal_checkpoint(RESTART)');
        stats.walResets++;
      }
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) stats.busyErrors++;
      else if (stats.otherErrors.length < 5) stats.otherErrors.push(`${code} ${(e as Error).message}`);
    }
    stats.maxCommitMs = Math.max(stats.maxCommitMs, performance.now() - t0);
    setTimeout(tick, intervalMs);
  };
  process.on('message', (m) => {
    if (m !== 'stop') return;
    stopping = true;
    db.close();
    process.send?.(stats, () => process.exit(0));
  });
  process.send?.({ ready: true });
  tick();
}

if (process.send) {
  const [dbPath, interval, resetEvery] = process.argv.slice(2);
  main(dbPath!, Number(interval ?? 3), Number(resetEvery ?? 0));
}
