/** Facts about pipeline steps and connections shared by the drawing, its table and the overview. */

type EdgeRow = Record<string, string | null>;

/** Node-state counts of a step: total, completed, failed, and the failure share. */
export function stepStats(counts: Record<string, number> | undefined): { total: number; completed: number; failed: number; other: number; rate: number } {
  const c = counts ?? {};
  const total = Object.values(c).reduce((a, b) => a + b, 0);
  const completed = c['completed'] ?? 0;
  const failed = c['failed'] ?? 0;
  return { total, completed, failed, other: total - completed - failed, rate: total > 0 ? failed / total : 0 };
}

export const percent = (r: number) => `${(r * 100).toFixed(r > 0 && r < 0.1 ? 1 : 0)}%`;

/** How an edge moves tokens (docs/format.md §2.4): normal flow, a copy (fork branch) or a divert (error route). */
export function edgeMode(e: EdgeRow): 'move' | 'copy' | 'divert' {
  const m = e['default_mode'];
  if (m === 'copy' || m === 'divert') return m;
  const label = e['label'];
  return typeof label === 'string' && label.startsWith('__') && label.endsWith('__') ? 'divert' : 'move';
}

/**
 * The sink name in a sink's node id (`sink_<name>_<12 hex>`, docs/format.md §2.3): token outcomes
 * name their sink this way. Null for other ids.
 */
export function sinkNameOf(nodeId: string): string | null {
  const m = /^sink_(.+)_[0-9a-f]{12}$/.exec(nodeId);
  return m ? m[1]! : null;
}
