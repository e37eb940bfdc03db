/**
 * ELSPETH's full topology hash (docs/format.md §9.3, `compute_full_topology_hash`), which checkpoints
 * store as `upstream_topology_hash`, and a structured comparison of two recorded graphs that names
 * the nodes and edges that differ (the hash alone cannot say what changed).
 */
import type { ElspethLine } from '../db/writer.js';
import { stableHash } from '../json/canonical.js';
import type { PyValue } from '../json/value.js';
import { compareCodePoints } from '../json/value.js';

/** A graph vertex as recorded in `nodes` (config_hash = stable_hash of the node config). */
export interface GraphNode {
  node_id: string;
  plugin_name: string | null;
  config_hash: string | null;
  /** Hashed only by the 0.5 line (docs/format.md §9.6). */
  node_type?: string | null;
}

/** A graph edge as recorded in `edges`. */
export interface GraphEdge {
  from_node_id: string;
  to_node_id: string;
  label: string;
  default_mode: string | null;
}

export interface Graph {
  nodes: readonly GraphNode[];
  edges: readonly GraphEdge[];
}

/**
 * The object ELSPETH hashes: nodes `{node_id, plugin_name, config_hash}` sorted by node_id, edges
 * `{from, to, key, label, mode}` (key and label are both the edge label) sorted by (from, to, key),
 * all by code point. The 0.5 line's nodes also carry `node_type` (docs/format.md §9.6).
 */
export function topologyHashInput(g: Graph, line: ElspethLine = '0.4'): { nodes: PyValue[]; edges: PyValue[] } {
  const nodes = [...g.nodes]
    .sort((a, b) => compareCodePoints(a.node_id, b.node_id))
    .map((n): PyValue => {
      const base = { node_id: n.node_id, plugin_name: n.plugin_name, config_hash: n.config_hash };
      return line === '0.5' ? { ...base, node_type: n.node_type ?? null } : base;
    });
  const edges = [...g.edges]
    .sort(
      (a, b) =>
        compareCodePoints(a.from_node_id, b.from_node_id) ||
        compareCodePoints(a.to_node_id, b.to_node_id) ||
        compareCodePoints(a.label, b.label),
    )
    .map((e) => ({ from: e.from_node_id, to: e.to_node_id, key: e.label, label: e.label, mode: e.default_mode }));
  return { nodes, edges };
}

/** The full topology hash: `stable_hash({"nodes": N, "edges": E})`, 64 lowercase hex, as `line` computes it. */
export function topologyHash(g: Graph, line: ElspethLine = '0.4'): string {
  return stableHash(topologyHashInput(g, line) as unknown as PyValue);
}

export interface NodeDifference {
  node_id: string;
  field: 'plugin_name' | 'config_hash';
  a: string | null;
  b: string | null;
}

export interface EdgeDifference {
  from_node_id: string;
  to_node_id: string;
  label: string;
  a: string | null;
  b: string | null;
}

export interface TopologyComparison {
  same: boolean;
  hash_a: string;
  hash_b: string;
  nodes_only_in_a: string[];
  nodes_only_in_b: string[];
  nodes_changed: NodeDifference[];
  edges_only_in_a: GraphEdge[];
  edges_only_in_b: GraphEdge[];
  /** Same (from, to, label), different routing mode. */
  edges_changed: EdgeDifference[];
}

const edgeKey = (e: GraphEdge) => JSON.stringify([e.from_node_id, e.to_node_id, e.label]);

/**
 * Compares two graphs (e.g. two runs of one pipeline) node by node and edge by edge. `same` is
 * exactly "the topology hashes are equal".
 */
export function compareTopology(a: Graph, b: Graph): TopologyComparison {
  const nodesB = new Map(b.nodes.map((n) => [n.node_id, n]));
  const nodesA = new Map(a.nodes.map((n) => [n.node_id, n]));
  const nodesChanged: NodeDifference[] = [];
  for (const na of a.nodes) {
    const nb = nodesB.get(na.node_id);
    if (!nb) continue;
    if (na.plugin_name !== nb.plugin_name) nodesChanged.push({ node_id: na.node_id, field: 'plugin_name', a: na.plugin_name, b: nb.plugin_name });
    if (na.config_hash !== nb.config_hash) nodesChanged.push({ node_id: na.node_id, field: 'config_hash', a: na.config_hash, b: nb.config_hash });
  }
  const edgesB = new Map(b.edges.map((e) => [edgeKey(e), e]));
  const edgesA = new Map(a.edges.map((e) => [edgeKey(e), e]));
  const edgesChanged: EdgeDifference[] = [];
  for (const ea of a.edges) {
    const eb = edgesB.get(edgeKey(ea));
    if (eb && eb.default_mode !== ea.default_mode) {
      edgesChanged.push({ from_node_id: ea.from_node_id, to_node_id: ea.to_node_id, label: ea.label, a: ea.default_mode, b: eb.default_mode });
    }
  }
  const byId = (x: string, y: string) => compareCodePoints(x, y);
  const hashA = topologyHash(a);
  const hashB = topologyHash(b);
  return {
    same: hashA === hashB,
    hash_a: hashA,
    hash_b: hashB,
    nodes_only_in_a: a.nodes.filter((n) => !nodesB.has(n.node_id)).map((n) => n.node_id).sort(byId),
    nodes_only_in_b: b.nodes.filter((n) => !nodesA.has(n.node_id)).map((n) => n.node_id).sort(byId),
    nodes_changed: nodesChanged,
    edges_only_in_a: a.edges.filter((e) => !edgesB.has(edgeKey(e))),
    edges_only_in_b: b.edges.filter((e) => !edgesA.has(edgeKey(e))),
    edges_changed: edgesChanged,
  };
}

/** One line per node and edge, for messages that must show the recorded graph. */
export function describeGraph(g: Graph, line: ElspethLine = '0.4'): string[] {
  const input = topologyHashInput(g, line);
  const lines = (input.nodes as { node_id: string; plugin_name: string | null; config_hash: string | null; node_type?: string | null }[]).map(
    (n) => `node ${n.node_id} (${n.plugin_name ?? 'NULL'}${'node_type' in n ? `, ${n.node_type ?? 'NULL'}` : ''}, config ${(n.config_hash ?? 'NULL').slice(0, 12)})`,
  );
  for (const e of input.edges as { from: string; to: string; label: string; mode: string | null }[]) {
    lines.push(`edge ${e.from} -[${e.label}/${e.mode ?? 'NULL'}]-> ${e.to}`);
  }
  return lines;
}
