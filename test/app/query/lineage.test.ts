/**
 * Row lineage on fixture databases: every token of a row and its descendants, node states in
 * step order, routing decisions, calls and outcomes, cross-checked against direct SQL; lookups by
 * token id; unknown runs, rows and tokens; and an older file without some tables and columns.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3-multiple-ciphers';
import { LandscapeDb } from '../../../app/db/open.js';
import { isLandscapeError } from '../../../app/errors.js';
import { rowLineage, type RowLineage } from '../../../app/query/lineage.js';
import { buildLandscape, type BuildSummary } from '../../fixtures/builder.js';
import { tempDir } from '../../helpers/paths.js';

describe('rowLineage', () => {
  let dir: string;
  let fx: BuildSummary;
  let db: LandscapeDb;
  let raw: Database.Database;
  let runId: string;

  before(() => {
    dir = tempDir('ld-lineage-');
    fx = buildLandscape(path.join(dir, 'audit.db'), { runs: 2, rowsPerRun: 30, seed: 21 });
    db = LandscapeDb.open(fx.path);
    raw = new Database(fx.path, { readonly: true });
    runId = fx.runs[0]!.runId;
  });
  after(() => {
    db.close();
    raw.close();
  });

  const rowIndexes = () => (raw.prepare('SELECT row_index FROM rows WHERE run_id = ? ORDER BY row_index').pluck().all(runId) as number[]);
  const lineageOf = (rowIndex: number): RowLineage => {
    const l = rowLineage(db, runId, { rowIndex });
    assert.ok(l, `row ${rowIndex} has a lineage`);
    return l;
  };

  test('covers every token of the row, with all their node states in step order', () => {
    const indexes = rowIndexes();
    assert.ok(indexes.length > 10);
    for (const i of indexes) {
      const l = lineageOf(i);
      const rowId = raw.prepare('SELECT row_id FROM rows WHERE run_id = ? AND row_index = ?').pluck().get(runId, i) as string;
      assert.equal(l.row.row_id, rowId);
      assert.equal(l.row.row_index, i);
      const own = raw.prepare('SELECT token_id FROM tokens WHERE row_id = ?').pluck().all(rowId) as string[];
      const ids = new Set(l.tokens.map((t) => t.token_id));
      for (const t of own) assert.ok(ids.has(t), `token ${t} of row ${i} is in the lineage`);
      for (const t of l.tokens) {
        const want = raw.prepare('SELECT state_id FROM node_states WHERE token_id = ? ORDER BY step_index, attempt').pluck().all(t.token_id);
        assert.deepEqual(t.states.map((s) => s.state_id), want, `states of ${t.token_id}`);
        const outcomes = raw.prepare('SELECT COUNT(*) FROM token_outcomes WHERE token_id = ?').pluck().get(t.token_id);
        assert.equal(t.outcomes.length, outcomes);
      }
      assert.equal(l.truncated, false);
      assert.doesNotThrow(() => JSON.stringify(l), 'plain JSON (no bigint)');
    }
  });

  test('parents come before children, and fork/join links agree both ways', () => {
    let forks = 0;
    let joins = 0;
    for (const i of rowIndexes()) {
      const l = lineageOf(i);
      const pos = new Map(l.tokens.map((t, k) => [t.token_id, k]));
      for (const t of l.tokens) {
        for (const p of t.parents) {
          const pi = pos.get(p.token_id);
          if (pi === undefined) continue;
          assert.ok(pi < pos.get(t.token_id)!, 'parent first');
          assert.ok(l.tokens[pi]!.children.includes(t.token_id), 'child listed on its parent');
        }
        if (t.children.length > 1 && t.outcomes.some((o) => o.outcome === 'forked')) {
          forks++;
          const kids = t.children.map((c) => l.tokens[pos.get(c)!]!);
          assert.ok(kids.every((k) => k.fork_group_id !== null && k.branch_name !== null), 'fork children carry group and branch');
          assert.equal(new Set(kids.map((k) => k.fork_group_id)).size, 1);
        }
        if (t.parents.length > 1) {
          joins++;
          assert.ok(t.join_group_id !== null, 'a coalesced token has a join group');
        }
      }
    }
    assert.ok(forks > 0 && joins > 0, `fixture has forks (${forks}) and joins (${joins})`);
  });

  test('routing decisions name the edge label and mode; calls carry type, status and latency', () => {
    let routes = 0;
    let calls = 0;
    for (const i of rowIndexes()) {
      for (const t of lineageOf(i).tokens) {
        for (const s of t.states) {
          for (const r of s.routing) {
            routes++;
            assert.equal(typeof r.label, 'string');
            assert.ok(['move', 'copy', 'divert'].includes(r.mode ?? ''), `mode ${r.mode}`);
          }
          for (const c of s.calls) {
            calls++;
            assert.equal(typeof c.call_type, 'string');
            assert.equal(typeof c.status, 'string');
            assert.ok(c.latency_ms === null || typeof c.latency_ms === 'number');
          }
          assert.equal(typeof s.step_index, 'number');
          assert.equal(typeof s.attempt, 'number');
        }
      }
    }
    const rawRoutes = raw.prepare('SELECT COUNT(*) FROM routing_events re JOIN node_states ns ON ns.state_id = re.state_id WHERE ns.run_id = ?').pluck().get(runId) as number;
    assert.ok(routes > 0 && calls > 0);
    assert.ok(routes <= rawRoutes);
  });

  test('a token id finds the same row, with that token in focus', () => {
    const byRow = lineageOf(rowIndexes()[0]!);
    const child = byRow.tokens[byRow.tokens.length - 1]!;
    const byToken = rowLineage(db, runId, { tokenId: child.token_id });
    assert.ok(byToken);
    assert.equal(byToken.focus_token_id, child.token_id);
    assert.equal(byToken.row.row_id, byRow.row.row_id);
    assert.deepEqual(byToken.tokens, byRow.tokens);
  });

  test('unknown rows and tokens give null; tokens of another run are not found; unknown runs throw RUN_NOT_FOUND', () => {
    assert.equal(rowLineage(db, runId, { rowIndex: 1_000_000 }), null);
    assert.equal(rowLineage(db, runId, { tokenId: 'no-such-token' }), null);
    const otherRun = fx.runs.find((r) => r.runId !== runId && (r.counts['tokens'] ?? 0) > 0)!;
    const foreign = raw.prepare('SELECT t.token_id FROM tokens t JOIN rows r ON r.row_id = t.row_id WHERE r.run_id = ? LIMIT 1').pluck().get(otherRun.runId) as string;
    assert.equal(rowLineage(db, runId, { tokenId: foreign }), null);
    assert.throws(() => rowLineage(db, 'nope', { rowIndex: 0 }), (e: unknown) => isLandscapeError(e) && e.code === 'RUN_NOT_FOUND');
  });

  test('an older file without token_outcomes and tokens.expand_group_id still traces', () => {
    const old = path.join(dir, 'old.db');
    fs.copyFileSync(fx.path, old);
    const w = new Database(old);
    w.exec('DROP TABLE token_outcomes; DROP INDEX ix_tokens_expand_group_id; ALTER TABLE tokens DROP COLUMN expand_group_id;');
    w.close();
    const odb = LandscapeDb.open(old);
    try {
      const l = rowLineage(odb, runId, { rowIndex: rowIndexes()[0]! });
      assert.ok(l && l.tokens.length > 0);
      assert.ok(l.tokens.every((t) => t.outcomes.length === 0 && t.expand_group_id === null));
      assert.ok(l.tokens[0]!.states.length > 0);
    } finally {
      odb.close();
    }
  });
});
