/**
 * How far V8 lets a heap's old generation grow between full collections, for the whole process
 * (V8's flags are per process: every worker thread started afterwards gets it too).
 *
 * An export builds records a chunk of source rows at a time, and a chunk's rows and records often
 * outlive two young-generation collections while it is built, so they are promoted and die in the
 * old generation. When collecting is cheap, V8 lets the old generation grow to several times its
 * live size before collecting it again: on the 50,000-row fixture each exporting thread's old
 * generation rose to 40–57 MiB around 8–12 MiB of live data, which was most of what two threads
 * used beyond one. Growing by half the live size instead keeps that garbage small, at no measured
 * CPU cost (docs/performance.md, "Memory and threads").
 */
import * as v8 from 'node:v8';

/** The old generation's growth after a full collection, in percent of what survived it. */
export const HEAP_GROWING_PERCENT = 50;

/** Applies {@link HEAP_GROWING_PERCENT} to this process; entries (CLI, desktop) call it once at start. */
export function boundHeapGrowth(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
