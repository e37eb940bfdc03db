/**
 * Layered layout of a pipeline graph, left to right, with edges that never cross a node box.
 *
 * Nodes go into columns by their longest distance from a source (edges closing a cycle are
 * turned round for the layout and drawn with the arrow at their start). An edge spanning several
 * columns gets a waypoint in each column it passes: a slot of its own in that column's stack, so
 * the edge crosses the column through a gap no node occupies. Between columns, edges are curves
 * whose control points stay between the columns, where there are no nodes. So by construction no
 * edge enters a box other than its own two ends. Within columns, order is chosen by repeated
 * barycentre sweeps (fewest crossings kept), and vertical positions by isotonic regression
 * towards the neighbours' centres (straight edges where the order allows).
 */

export interface LayoutSizes {
  nodeW: number;
  nodeH: number;
  /** Horizontal gap between columns (edges and their labels live here). */
  gapX: number;
  /** Vertical gap between stacked items of a column. */
  gapY: number;
  /** Height of an edge's waypoint slot in a column it passes through. */
  slotH: number;
  pad: number;
}

export interface PlacedNode {
  id: string;
  layer: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PlacedEdge {
  id: string;
  from: string;
  to: string;
  /** The SVG path, drawn from `from` to `to`. */
  d: string;
  /** Where a label fits: the middle of the widest straight or gap stretch of the path. */
  label: { x: number; y: number; room: number };
  selfLoop: boolean;
}

export interface Layout {
  nodes: Map<string, PlacedNode>;
  edges: PlacedEdge[];
  width: number;
  height: number;
}

interface Item {
  /** A node id, or `~<edge index>~<layer>` for an edge's waypoint. */
  key: string;
  node: boolean;
  h: number;
  y: number;
}

/** Edges whose target is an ancestor on the DFS path close a cycle: they are laid out reversed. */
function reversedEdges(ids: string[], edges: Array<[string, string]>): Set<number> {
  const out = new Map<string, Array<[string, number]>>(ids.map((id) => [id, []]));
  edges.forEach(([a, b], i) => out.get(a)?.push([b, i]));
  const state = new Map<string, 1 | 2>();
  const reversed = new Set<number>();
  for (const root of ids) {
    if (state.has(root)) continue;
    // Iterative DFS (a hostile file may hold a very long chain).
    const stack: Array<[string, number]> = [[root, 0]];
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const next = out.get(top[0])![top[1]++];
      if (!next) {
        state.set(top[0], 2);
        stack.pop();
        continue;
      }
      const [to, i] = next;
      const s = state.get(to);
      if (s === 1) reversed.add(i);
      else if (s === undefined) {
        state.set(to, 1);
        stack.push([to, 0]);
      }
    }
  }
  return reversed;
}

/** Longest-path layers of an acyclic edge list (Kahn's order). */
function longestPath(ids: string[], edges: Array<[string, string]>): Map<string, number> {
  const indeg = new Map(ids.map((id) => [id, 0]));
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const [a, b] of edges) {
    indeg.set(b, (indeg.get(b) ?? 0) + 1);
    out.get(a)!.push(b);
  }
  const layer = new Map(ids.map((id) => [id, 0]));
  const queue = ids.filter((id) => indeg.get(id) === 0);
  for (let q = 0; q < queue.length; q++) {
    const id = queue[q]!;
    for (const next of out.get(id)!) {
      layer.set(next, Math.max(layer.get(next)!, layer.get(id)! + 1));
      indeg.set(next, indeg.get(next)! - 1);
      if (indeg.get(next) === 0) queue.push(next);
    }
  }
  return layer;
}

/** Positions minimising squared distance to `want` while keeping order and spacing (pool adjacent violators). */
function isotonic(want: number[], offsets: number[]): number[] {
  const blocks: Array<{ sum: number; n: number; start: number }> = [];
  want.forEach((w, i) => {
    blocks.push({ sum: w - offsets[i]!, n: 1, start: i });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1]!;
      const a = blocks[blocks.length - 2]!;
      if (a.sum / a.n <= b.sum / b.n) break;
      blocks.pop();
      a.sum += b.sum;
      a.n += b.n;
    }
  });
  const out: number[] = [];
  for (const b of blocks) for (let k = 0; k < b.n; k++) out.push(b.sum / b.n + offsets[b.start + k]!);
  return out;
}

function crossings(layers: Item[][], adj: Map<string, string[]>): number {
  let total = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    const pos = new Map(layers[l + 1]!.map((it, i) => [it.key, i]));
    const pairs: Array<[number, number]> = [];
    layers[l]!.forEach((it, i) => {
      for (const t of adj.get(it.key) ?? []) if (pos.has(t)) pairs.push([i, pos.get(t)!]);
    });
    for (let a = 0; a < pairs.length; a++) {
      for (let b = a + 1; b < pairs.length; b++) {
        const [p, q] = [pairs[a]!, pairs[b]!];
        if ((p[0] - q[0]) * (p[1] - q[1]) < 0) total++;
      }
    }
  }
  return total;
}

/** Lays out nodes and edges (unknown endpoints are dropped). Deterministic for the same input. */
export function layoutDag(nodeIds: string[], edgeList: Array<{ id: string; from: string; to: string }>, size: LayoutSizes): Layout {
  const ids = [...new Set(nodeIds)];
  const known = new Set(ids);
  const edges = edgeList.filter((e) => known.has(e.from) && known.has(e.to));
  const loops = edges.filter((e) => e.from === e.to);
  const real = edges.filter((e) => e.from !== e.to);
  const rev = reversedEdges(ids, real.map((e) => [e.from, e.to]));
  const dir = real.map((e, i): [string, string] => (rev.has(i) ? [e.to, e.from] : [e.from, e.to]));
  const layerOf = longestPath(ids, dir);
  const nLayers = Math.max(0, ...layerOf.values()) + 1;

  // Columns: nodes, then a waypoint per column an edge passes through. Chains: each edge's keys left to right.
  const layers: Item[][] = Array.from({ length: nLayers }, () => []);
  for (const id of ids) layers[layerOf.get(id)!]!.push({ key: id, node: true, h: size.nodeH, y: 0 });
  const chains: string[][] = dir.map(([a, b], i) => {
    const chain = [a];
    for (let l = layerOf.get(a)! + 1; l < layerOf.get(b)!; l++) {
      const key = `~${i}~${l}`;
      layers[l]!.push({ key, node: false, h: size.slotH, y: 0 });
      chain.push(key);
    }
    chain.push(b);
    return chain;
  });
  const down = new Map<string, string[]>();
  const up = new Map<string, string[]>();
  for (const c of chains) {
    for (let k = 0; k + 1 < c.length; k++) {
      down.set(c[k]!, [...(down.get(c[k]!) ?? []), c[k + 1]!]);
      up.set(c[k + 1]!, [...(up.get(c[k + 1]!) ?? []), c[k]!]);
    }
  }

  // Order within columns: barycentre sweeps, keeping the order with the fewest crossings.
  const order = (l: number, adj: Map<string, string[]>, ref: Item[]) => {
    const pos = new Map(ref.map((it, i) => [it.key, i]));
    const bary = new Map(
      layers[l]!.map((it, i) => {
        const ns = (adj.get(it.key) ?? []).map((k) => pos.get(k)).filter((p): p is number => p !== undefined);
        return [it.key, ns.length ? ns.reduce((a, b) => a + b, 0) / ns.length : i];
      }),
    );
    layers[l]!.sort((a, b) => bary.get(a.key)! - bary.get(b.key)!);
  };
  let best = layers.map((l) => [...l]);
  let bestCross = crossings(layers, down);
  for (let iter = 0; iter < 12 && bestCross > 0; iter++) {
    if (iter % 2 === 0) for (let l = 1; l < nLayers; l++) order(l, up, layers[l - 1]!);
    else for (let l = nLayers - 2; l >= 0; l--) order(l, down, layers[l + 1]!);
    const c = crossings(layers, down);
    if (c < bestCross) {
      bestCross = c;
      best = layers.map((l) => [...l]);
    }
  }
  best.forEach((l, i) => (layers[i] = l));

  // Vertical positions: stacked, then pulled towards the neighbours' centres in alternating sweeps.
  const itemOf = new Map<string, Item>();
  for (const l of layers) {
    let y = 0;
    for (const it of l) {
      it.y = y;
      y += it.h + size.gapY;
      itemOf.set(it.key, it);
    }
  }
  const centre = (k: string) => itemOf.get(k)!.y + itemOf.get(k)!.h / 2;
  for (let iter = 0; iter < 8; iter++) {
    const seq = iter % 2 === 0 ? layers.map((_, i) => i) : layers.map((_, i) => layers.length - 1 - i);
    for (const l of seq) {
      const items = layers[l]!;
      const offsets: number[] = [];
      let acc = 0;
      for (const it of items) {
        offsets.push(acc);
        acc += it.h + size.gapY;
      }
      const want = items.map((it) => {
        const ns = [...(up.get(it.key) ?? []), ...(down.get(it.key) ?? [])];
        return ns.length ? ns.reduce((a, k) => a + centre(k), 0) / ns.length - it.h / 2 : it.y;
      });
      isotonic(want, offsets).forEach((y, i) => (items[i]!.y = y));
    }
  }
  const minY = Math.min(0, ...[...itemOf.values()].map((it) => it.y));
  const maxY = Math.max(0, ...[...itemOf.values()].map((it) => it.y + it.h - minY));
  const colX = (l: number) => size.pad + l * (size.nodeW + size.gapX);
  const nodes = new Map<string, PlacedNode>();
  for (const id of ids) {
    const it = itemOf.get(id)!;
    nodes.set(id, { id, layer: layerOf.get(id)!, x: colX(layerOf.get(id)!), y: size.pad + it.y - minY, w: size.nodeW, h: size.nodeH });
  }
  const yOf = (k: string) => size.pad + itemOf.get(k)!.y - minY;

  // Ports: a node's outgoing (incoming) ends spread down its right (left) side in the order of where they go.
  const outPorts = new Map<string, Array<{ chain: number; towards: number }>>();
  const inPorts = new Map<string, Array<{ chain: number; towards: number }>>();
  chains.forEach((c, i) => {
    const next = c[1]!;
    const prev = c[c.length - 2]!;
    outPorts.set(c[0]!, [...(outPorts.get(c[0]!) ?? []), { chain: i, towards: centre(next) }]);
    inPorts.set(c[c.length - 1]!, [...(inPorts.get(c[c.length - 1]!) ?? []), { chain: i, towards: centre(prev) }]);
  });
  const portY = (ports: Map<string, Array<{ chain: number; towards: number }>>, key: string, chain: number) => {
    const list = [...(ports.get(key) ?? [])].sort((a, b) => a.towards - b.towards || a.chain - b.chain);
    const n = nodes.get(key)!;
    const inset = Math.min(14, n.h / 4);
    const k = list.findIndex((p) => p.chain === chain);
    return list.length === 1 ? n.y + n.h / 2 : n.y + inset + ((n.h - 2 * inset) * k) / (list.length - 1);
  };

  const placed: PlacedEdge[] = [];
  chains.forEach((c, i) => {
    const e = real[i]!;
    const pts: Array<{ x: number; y: number }> = [];
    const first = nodes.get(c[0]!)!;
    pts.push({ x: first.x + first.w, y: portY(outPorts, c[0]!, i) });
    for (const k of c.slice(1, -1)) {
      const l = Number(k.split('~')[2]);
      const y = yOf(k) + size.slotH / 2;
      pts.push({ x: colX(l), y }, { x: colX(l) + size.nodeW, y });
    }
    const last = nodes.get(c[c.length - 1]!)!;
    pts.push({ x: last.x, y: portY(inPorts, c[c.length - 1]!, i) });
    // Drawn in the edge's own direction: a reversed (cycle-closing) edge runs right to left.
    const drawn = rev.has(i) ? [...pts].reverse() : pts;
    let d = `M${drawn[0]!.x},${drawn[0]!.y}`;
    for (let k = 1; k < drawn.length; k++) {
      const a = drawn[k - 1]!;
      const b = drawn[k]!;
      if (a.y === b.y && Math.abs(b.x - a.x) === size.nodeW) d += ` L${b.x},${b.y}`;
      else {
        const mid = (a.x + b.x) / 2;
        d += ` C${mid},${a.y} ${mid},${b.y} ${b.x},${b.y}`;
      }
    }
    // The label goes on the first waypoint's straight stretch when there is one, else mid-gap.
    const label = pts.length > 2 ? { x: (pts[1]!.x + pts[2]!.x) / 2, y: pts[1]!.y, room: size.nodeW - 8 } : { x: (pts[0]!.x + pts[1]!.x) / 2, y: (pts[0]!.y + pts[1]!.y) / 2, room: size.gapX - 8 };
    placed.push({ id: e.id, from: e.from, to: e.to, d, label, selfLoop: false });
  });
  for (const e of loops) {
    const n = nodes.get(e.from)!;
    const x = n.x + n.w;
    const r = Math.min(size.gapX / 2 - 4, 26);
    const y1 = n.y + n.h * 0.3;
    const y2 = n.y + n.h * 0.7;
    placed.push({ id: e.id, from: e.from, to: e.to, d: `M${x},${y1} C${x + r},${y1} ${x + r},${y2} ${x},${y2}`, label: { x: x + r / 2, y: n.y + n.h / 2, room: size.gapX / 2 }, selfLoop: true });
  }
  return {
    nodes,
    edges: placed,
    width: nLayers === 0 ? 2 * size.pad : colX(nLayers - 1) + size.nodeW + size.pad,
    height: maxY + 2 * size.pad,
  };
}
