/**
 * The run audit summary on fixture databases, checked against independent readings of the same
 * file (plain better-sqlite3, grouped in JavaScript) and against the exporter's own record counts:
 * the commencement gate that stopped the preflight-failed run, failed loads and writes, nodes with
 * failed states and their error text, outcome counts per outcome and sink that the Records filter
 * reproduces exactly, and older files without the newer tables.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3-multiple-ciphers';
import { LandscapeDb } from '../../../app/db/open.js';
import { isLandscapeError } from '../../../app/errors.js';
import { recordCounts } from '../../../app/export/counts.js';
import { judgePreflight } from '../../../app/query/failure.js';
import { recordPage } from '../../../app/query/records.js';
import type { RecordFilter, RecordSort } from '../../../app/contract/recordQuery.js';
import { runAuditSummary } from '../../../app/query/summary.js';
import { buildLandscape, type BuildSummary } from '../../fixtures/builder.js';
import { tempDir } from '../../helpers/paths.js';

type Raw = Record<string, unknown>;

/** Every record the Records grid lists for `filters` (the overview's links), page by page. */
function pageAll(db: LandscapeDb, runId: string, type: 'token_outcome' | 'node_state' | 'validation_error', filters: RecordFilter[], limit = 37, sort: RecordSort | null = null): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  let after: string | null = null;
  do {
    const page = recordPage(db, runId, type, { limit, after, query: { filters, search: null, sort } });
    out.push(...(page.records as Array<Record<string, unknown>>));
    after = page.nextCursor;
  } while (after !== null);
  return out;
}

describe('run audit summary', () => {
  let fx: BuildSummary;
  let db: LandscapeDb;
  let raw: Database.Database;

  before(() => {
    const dir = tempDir('ld-summary-');
    fx = buildLandscape(path.join(dir, 'audit.db'), { runs: 3, rowsPerRun: 30, seed: 5 });
    db = LandscapeDb.open(fx.path);
    raw = new Database(fx.path, { readonly: true });
  });

  after(() => {
    db?.close();
    raw?.close();
  });

  const runOf = (status: string, n = 0) => fx.runs.filter((r) => r.status === status)[n]!.runId;

  test('the run stopped by a commencement gate names the gate, its condition and its verdict', () => {
    // The preflight-failed run registered no nodes and has no rows.
    const stopped = fx.runs.find((r) => r.status === 'failed' && (r.counts['nodes'] ?? 0) === 0)!;
    const s = runAuditSummary(db, stopped.runId);
    const gates = raw.prepare("SELECT name, result_json FROM preflight_results WHERE run_id = ? AND result_type = 'commencement_gate'").all(stopped.runId) as Raw[];
    const failing = gates.filter((g) => (JSON.parse(String(g['result_json'])) as { result: unknown }).result === false);
    assert.equal(failing.length, 1);
    const shown = s.failure.preflight.filter((p) => p.result_type === 'commencement_gate' && p.passed === false);
    assert.deepEqual(shown.map((p) => p.name), [failing[0]!['name']]);
    const cond = (JSON.parse(String(failing[0]!['result_json'])) as { condition: string }).condition;
    assert.ok(shown[0]!.summary.includes(cond) && /evaluated false/.test(shown[0]!.summary), shown[0]!.summary);
    assert.deepEqual(s.failure.nodes, []);
    assert.equal(s.outcomes.rows, 0);
    assert.equal(s.failure.status, 'failed');
  });

  test('nodes with failed states: counts, retried attempts and the latest error text match the file', () => {
    for (const runId of [runOf('failed'), runOf('completed'), fx.runs.find((r) => r.status === 'interrupted')!.runId]) {
      const s = runAuditSummary(db, runId);
      const states = raw.prepare('SELECT state_id, token_id, node_id, attempt, status, error_json, completed_at, started_at FROM node_states WHERE run_id = ?').all(runId) as Raw[];
      const failed = states.filter((x) => x['status'] === 'failed');
      const byNode = new Map<string, Raw[]>();
      for (const f of failed) byNode.set(String(f['node_id']), [...(byNode.get(String(f['node_id'])) ?? []), f]);
      assert.deepEqual(s.failure.nodes.map((n) => n.node_id).sort(), [...byNode.keys()].sort(), runId);
      for (const n of s.failure.nodes) {
        const mine = byNode.get(n.node_id)!;
        assert.equal(n.failed, mine.length);
        assert.equal(n.states, states.filter((x) => x['node_id'] === n.node_id).length);
        const retried = mine.filter((f) => states.some((x) => x['token_id'] === f['token_id'] && x['node_id'] === f['node_id'] && Number(x['attempt']) > Number(f['attempt']) && x['status'] === 'completed'));
        assert.equal(n.retried_ok, retried.length);
        const at = (x: Raw) => String(x['completed_at'] ?? x['started_at']);
        const latest = [...mine].sort((a, b) => (at(b) > at(a) ? 1 : at(b) < at(a) ? -1 : String(a['state_id']) < String(b['state_id']) ? -1 : 1))[0]!;
        assert.equal(n.last_state_id, latest['state_id']);
        assert.equal(n.last_error, latest['error_json']);
        assert.ok(n.plugin_name, 'joined to its node');
      }
      // Newest first.
      const times = s.failure.nodes.map((n) => n.last_at ?? '');
      assert.deepEqual(times, [...times].sort().reverse());
    }
  });

  test('loads and writes that failed are listed with their error; the interrupted run shows its interrupt', () => {
    const interrupted = fx.runs.find((r) => r.status === 'interrupted')!.runId;
    const s = runAuditSummary(db, interrupted);
    const ops = raw.prepare("SELECT operation_id, operation_type, error_message FROM operations WHERE run_id = ? AND status IN ('failed', 'open')").all(interrupted) as Raw[];
    assert.ok(ops.length > 0);
    assert.deepEqual(s.failure.operations.map((o) => [o.operation_id, o.error_message]).sort(), ops.map((o) => [o['operation_id'], o['error_message']]).sort());
    assert.ok(s.failure.last !== null);
  });

  test('outcome counts equal a JavaScript grouping of the file, sum to the exported records, and each is reproduced by the Records filter', () => {
    for (const r of fx.runs) {
      const s = runAuditSummary(db, r.runId);
      const rows = raw.prepare('SELECT o.outcome, o.sink_name, o.is_terminal, o.token_id FROM token_outcomes o JOIN tokens t ON t.token_id = o.token_id JOIN rows w ON w.row_id = t.row_id WHERE w.run_id = ?').all(r.runId) as Raw[];
      const groups = new Map<string, number>();
      for (const o of rows) {
        const k = JSON.stringify([o['outcome'], o['sink_name'], Number(o['is_terminal']) === 1]);
        groups.set(k, (groups.get(k) ?? 0) + 1);
      }
      const got = new Map(s.outcomes.outcomes.map((o) => [JSON.stringify([o.outcome, o.sink_name, o.terminal]), o.count]));
      assert.deepEqual([...got].sort(), [...groups].sort(), r.runId);
      assert.equal(s.outcomes.outcomes.reduce((n, o) => n + o.count, 0), recordCounts(db, r.runId)['token_outcome']);
      const tokens = raw.prepare('SELECT t.token_id FROM tokens t JOIN rows w ON w.row_id = t.row_id WHERE w.run_id = ?').all(r.runId) as Raw[];
      const finished = new Set(rows.filter((o) => Number(o['is_terminal']) === 1).map((o) => o['token_id']));
      assert.equal(s.outcomes.tokens, tokens.length);
      assert.equal(s.outcomes.tokens_without_outcome, tokens.filter((t) => !finished.has(t['token_id'])).length);
    }
    // The links of the overview: each count, as a filter, lists exactly that many records.
    const runId = runOf('completed');
    for (const o of runAuditSummary(db, runId).outcomes.outcomes) {
      // As the overview links them: an outcome without a sink is selected by the outcome alone.
      const records = pageAll(db, runId, 'token_outcome', [
        { field: 'outcome', op: 'eq', value: o.outcome },
        ...(o.sink_name !== null ? [{ field: 'sink_name', op: 'eq' as const, value: o.sink_name }] : []),
      ]);
      assert.equal(records.length, o.count, `${o.outcome} → ${o.sink_name}`);
      assert.ok(records.every((x) => x['outcome'] === o.outcome && x['sink_name'] === o.sink_name && x['is_terminal'] === o.terminal));
    }
  });

  test('rejected rows per destination match the error tables, and the filter lists them', () => {
    const runId = runOf('failed');
    const s = runAuditSummary(db, runId);
    for (const [table, list] of [['validation_errors', s.outcomes.validation_errors], ['transform_errors', s.outcomes.transform_errors]] as const) {
      const rows = raw.prepare(`SELECT destination FROM ${table} WHERE run_id = ?`).all(runId) as Raw[];
      const want = new Map<string, number>();
      for (const x of rows) want.set(String(x['destination']), (want.get(String(x['destination'])) ?? 0) + 1);
      assert.deepEqual(new Map(list.map((d) => [d.destination, d.count])), want, table);
    }
    for (const d of s.outcomes.validation_errors) {
      assert.equal(pageAll(db, runId, 'validation_error', [{ field: 'destination', op: 'eq', value: d.destination }], 2).length, d.count);
    }
  });

  test('filters: node and status narrow node states across pages; unknown fields and unfilterable types are BAD_FILTER naming the field', () => {
    const runId = runOf('failed');
    const node = (raw.prepare("SELECT node_id FROM node_states WHERE run_id = ? AND status = 'failed' LIMIT 1").get(runId) as Raw)['node_id'] as string;
    const want = (raw.prepare("SELECT state_id FROM node_states WHERE run_id = ? AND node_id = ? AND status IN ('failed', 'open') ORDER BY state_id").all(runId, node) as Raw[]).map((x) => x['state_id']);
    const got = pageAll(db, runId, 'node_state', [{ field: 'node_id', op: 'eq', value: node }, { field: 'status', op: 'in', values: ['failed', 'open'] }], 3, { field: 'state_id', dir: 'asc' });
    assert.deepEqual(got.map((x) => x['state_id']), want);
    const code = (filters: RecordFilter[], type: 'node_state' | 'run' = 'node_state') => {
      try {
        recordPage(db, runId, type, { query: { filters, search: null, sort: null } });
      } catch (e) {
        return isLandscapeError(e) ? [e.code, (e.details as { field?: string } | undefined)?.field] : ['not coded'];
      }
      return ['no error'];
    };
    assert.deepEqual(code([{ field: 'no_such_field', op: 'eq', value: '1' }]), ['BAD_FILTER', 'no_such_field']);
    assert.deepEqual(code([{ field: 'record_type', op: 'eq', value: 'x' }]), ['BAD_FILTER', 'record_type']);
    // The run record is listed whole.
    assert.deepEqual(code([{ field: 'status', op: 'eq', value: 'failed' }], 'run'), ['BAD_FILTER', 'status']);
    // A hostile value is only ever a bound value.
    assert.deepEqual(recordPage(db, runId, 'node_state', { query: { filters: [{ field: 'node_id', op: 'eq', value: "x' OR 1=1 --" }], search: null, sort: null } }).records, []);
    // Text compares with integer columns as a number (column affinity): attempt = "1" is the retries.
    const retries = Number(raw.prepare('SELECT count(*) FROM node_states WHERE run_id = ? AND attempt = 1').pluck().get(runId));
    assert.ok(retries > 0);
    assert.equal(pageAll(db, runId, 'node_state', [{ field: 'attempt', op: 'eq', value: '1' }]).length, retries);
  });

  test('preflight wording: true, false, missing and unreadable results', () => {
    assert.equal(judgePreflight('commencement_gate', '{"condition":"a","result":true}').passed, true);
    assert.equal(judgePreflight('commencement_gate', '{"condition":"a","result":false}').passed, false);
    assert.equal(judgePreflight('commencement_gate', '{"condition":"a"}').passed, null);
    assert.deepEqual(judgePreflight('commencement_gate', '{not json'), { passed: null, summary: 'the stored result is not valid JSON' });
    assert.equal(judgePreflight('readiness_check', '{"collection":"c","reachable":false,"message":"down"}').summary, 'collection “c” was not reachable: down');
    assert.equal(judgePreflight('dependency_run', '{"run_id":"r1","duration_ms":5}').passed, null);
    assert.equal(judgePreflight('commencement_gate', '[1,2]').passed, null);
  });

  test('an older file without preflight results or token outcomes still answers', () => {
    const dir = tempDir('ld-summary-old-');
    const old = buildLandscape(path.join(dir, 'old.db'), { runs: 1, rowsPerRun: 8, seed: 2, shape: 'epoch0' });
    const odb = LandscapeDb.open(old.path);
    try {
      const s = runAuditSummary(odb, old.runs[0]!.runId);
      assert.deepEqual(s.failure.preflight, []);
      assert.equal(s.outcomes.rows, old.runs[0]!.counts['rows']);
      assert.throws(() => runAuditSummary(odb, 'no-such-run'), (e: unknown) => isLandscapeError(e) && e.code === 'RUN_NOT_FOUND');
    } finally {
      odb.close();
    }
  });
});
