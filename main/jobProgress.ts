/** Progress figures shared by the export and verification jobs. */

/** Rate (units per second since the start) and estimated time left of running work. */
export function rateAndEta(done: number, total: number, startedAt: number, now: number): { rate: number; etaMs: number | null } {
  const seconds = Math.max(0.001, (now - startedAt) / 1000);
  return {
    rate: Math.round(done / seconds),
    etaMs: done > 0 && total >= done ? Math.round(((total - done) / done) * seconds * 1000) : null,
  };
}
