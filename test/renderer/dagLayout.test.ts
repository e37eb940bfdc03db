/**
 * The pipeline layout's promise, checked on generated graphs (fast-check) and on the fixture
 * pipeline: no edge passes through a node box other than its own two ends, boxes never overlap,
 * every edge starts on its source's box and ends on its target's, and the same input gives the
 * same drawing. Paths are sampled from their SVG text by an evaluator written here, independent
 * of the layout code.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { LandscapeDb } from '../../app/db/open.js';
import { runDetail } from '../../app/query/runs.js';
import { layoutDag, type Layout, type LayoutSizes } from '../../renderer/src/dagLayout.js';
import { buildLandscape } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';

const SIZES: LayoutSizes = { nodeW: 150, nodeH: 66, gapX: 78, gapY: 22, slotH: 8, pad: 16 };

type Pt = { x: number; y: number };

/** Points along an SVG path made of M, L and C commands (absolute), `perSegment` samples each. */
function samplePath(d: string, perSegment = 40): Pt[] {
  const tokens = d.match(/[MLC]|-?\d+(?:\.\d+)?(?:e-?\d+)?/g) ?? [];
  const pts: Pt[] = [];
  let i = 0;
  let cur: Pt = { x: 0, y: 0 };
  const num = () => Number(tokens[i++]);
  while (i < tokens.length) {
    const cmd = tokens[i++];
    if (cmd === 'M') {
      cur = { x: num(), y: num() };
      pts.push(cur);
    } else if (cmd === 'L') {
      const to = { x: num(), y: num() };
      for (let k = 1; k <= perSegment; k++) pts.push({ x: cur.x + ((to.x - cur.x) * k) / perSegment, y: cur.y + ((to.y - cur.y) * k) / perSegment });
      cur = to;
    } else if (cmd === 'C') {
      const [c1, c2, to] = [{ x: num(), y: num() }, { x: num(), y: num() }, { x: num(), y: num() }];
      for (let k = 1; k <= perSegment; k++) {
        const t = k / perSegment;
        const u = 1 - t;
        pts.push({
          x: u * u * u * cur.x + 3 * u * u * t * c1.x + 3 * u * t * t * c2.x + t * t * t * to.x,
          y: u * u * u * cur.y + 3 * u * u * t * c1.y + 3 * u * t * t * c2.y + t * t * t * to.y,
        });
      }
      cur = to;
    } else throw new Error(`unexpected path command ${cmd}`);
  }
  return pts;
}

/** Every way the layout could break its promise, as messages (empty when it holds). */
function problems(layout: Layout): string[] {
  const out: string[] = [];
  const boxes = [...layout.nodes.values()];
  const inside = (p: Pt, b: (typeof boxes)[number]) => p.x > b.x + 0.5 && p.x < b.x + b.w - 0.5 && p.y > b.y + 0.5 && p.y < b.y + b.h - 0.5;
  for (let a = 0; a < boxes.length; a++) {
    for (let b = a + 1; b < boxes.length; b++) {
      const [p, q] = [boxes[a]!, boxes[b]!];
      if (p.x < q.x + q.w && q.x < p.x + p.w && p.y < q.y + q.h && q.y < p.y + p.h) out.push(`boxes ${p.id} and ${q.id} overlap`);
    }
  }
  for (const e of layout.edges) {
    const pts = samplePath(e.d);
    for (const b of boxes) {
      if (b.id === e.from || b.id === e.to) continue;
      const hit = pts.find((p) => inside(p, b));
      if (hit) out.push(`edge ${e.from}→${e.to} crosses ${b.id} at ${hit.x.toFixed(1)},${hit.y.toFixed(1)}`);
    }
    const onEdgeOf = (p: Pt, id: string) => {
      const b = layout.nodes.get(id)!;
      return Math.abs(p.x - b.x) < 0.01 || Math.abs(p.x - (b.x + b.w)) < 0.01 ? p.y >= b.y && p.y <= b.y + b.h : false;
    };
    if (!onEdgeOf(pts[0]!, e.from)) out.push(`edge ${e.from}→${e.to} does not start on its source`);
    if (!onEdgeOf(pts[pts.length - 1]!, e.to)) out.push(`edge ${e.from}→${e.to} does not end on its target`);
  }
  return out;
}

const graphs = fc
  .record({ n: fc.integer({ min: 1, max: 14 }), raw: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 30 }) })
  .map(({ n, raw }) => ({
    ids: Array.from({ length: n }, (_, i) => `n${i}`),
    // Any pairs: forward, backward (cycles), self-loops and parallel edges all occur.
    edges: raw.map(([a, b], i) => ({ id: `e${i}`, from: `n${a % n}`, to: `n${b % n}` })),
  }));

test('generated graphs: no edge crosses a node box, no boxes overlap, edges end on their nodes', () => {
  fc.assert(
    fc.property(graphs, ({ ids, edges }) => {
      const layout = layoutDag(ids, edges, SIZES);
      assert.deepEqual(problems(layout), []);
      assert.equal(layout.edges.length, edges.length);
      assert.ok(layout.width > 0 && layout.height > 0);
      for (const n of layout.nodes.values()) assert.ok(n.x >= 0 && n.y >= 0 && n.x + n.w <= layout.width && n.y + n.h <= layout.height, `${n.id} inside the drawing`);
    }),
    { numRuns: 300 },
  );
});

test('the same input gives the same drawing', () => {
  fc.assert(fc.property(graphs, ({ ids, edges }) => assert.deepEqual(layoutDag(ids, edges, SIZES), layoutDag(ids, edges, SIZES))), { numRuns: 50 });
});

test('the fixture pipeline (forks, a merge, divert routes spanning columns): nothing crossed, every divert edge drawn', () => {
  const dir = tempDir('ld-dag-');
  const fx = buildLandscape(path.join(dir, 'audit.db'), { runs: 1, rowsPerRun: 4, seed: 3 });
  const db = LandscapeDb.open(fx.path);
  try {
    const d = runDetail(db, fx.runs[0]!.runId);
    const layout = layoutDag(
      d.nodes.map((n) => String(n['node_id'])),
      d.edges.map((e, i) => ({ id: String(i), from: String(e['from_node_id']), to: String(e['to_node_id']) })),
      SIZES,
    );
    assert.equal(layout.nodes.size, d.nodes.length);
    assert.equal(layout.edges.length, d.edges.length);
    assert.deepEqual(problems(layout), []);
    // A long divert edge passes columns through waypoints: its path has straight stretches.
    const divert = d.edges.findIndex((e) => e['label'] === '__error_classify__');
    assert.ok(divert >= 0 && / L/.test(layout.edges.find((e) => e.id === String(divert))!.d));
  } finally {
    db.close();
  }
});
