/** Terminal output helpers for the CLI: aligned tables and a progress bar. */

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** Aborted when the command must stop (signals.ts); commands pass it to every long operation. */
  signal?: AbortSignal;
  /**
   * The test seam: awaited at named points (`export:write`, `export:chunk`, `export:receipt`,
   * `export:rename`, `verify:records`, `open:snapshot`); set only by the process entry (run.ts) from
   * its test variable.
   */
  pause?: (point: string, signal?: AbortSignal, detail?: string) => Promise<void>;
}

/** Terminal safety: control and bidi-override characters from a database or file, escaped. */
export function terminalSafe(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A table cell as safe text. */
function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  return terminalSafe(typeof v === 'string' ? v : typeof v === 'bigint' ? v.toString() : String(v));
}

/** An aligned plain-text table with a header row. */
export function table(headers: string[], rows: unknown[][]): string {
  const cells = rows.map((r) => r.map(cell));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => [...(r[i] ?? '')].length)));
  const line = (r: string[]) => r.map((c, i) => c + ' '.repeat(Math.max(0, widths[i]! - [...c].length))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

/** Bytes as MiB with one decimal, for progress bars. */
export const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

/** A progress bar redrawn on one stderr line; silent when stderr is not a terminal. */
export class ProgressBar {
  private last = 0;
  private readonly started = Date.now();

  /** `unit` formats the counts (records by default; e.g. MiB for bytes). */
  constructor(private readonly io: Io, private label: string, private readonly unit: (n: number) => string = String) {}

  /** Redraws the bar (at most every 100 ms); `label` replaces the label from now on. */
  update(done: number, total: number, label?: string): void {
    if (label !== undefined) this.label = label;
    if (!this.io.isTTY) return;
    const now = Date.now();
    if (now - this.last < 100 && done < total) return;
    this.last = now;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const width = 30;
    const filled = Math.round(frac * width);
    const secs = (now - this.started) / 1000;
    const rate = secs > 0 ? Math.round(done / secs) : 0;
    this.io.stderr(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${this.unit(done)}/${this.unit(total)} (${this.unit(rate)}/s)\x1b[K`);
  }

  clear(): void {
    if (this.io.isTTY) this.io.stderr('\r\x1b[K');
  }
}
