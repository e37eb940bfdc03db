/**
 * The export journal (issue 5): every export this app made, newest first, sortable, with
 * "Verify again" for successful ones and "Export as CSV" (destination always via the save dialog).
 */
import { createColumnHelper, flexRender, getCoreRowModel, getSortedRowModel, useReactTable, type SortingState } from '@tanstack/react-table';
import { useEffect, useMemo, useState } from 'react';
import type { JournalEntry } from '../../../app/contract/operations.js';
import { bridge, call, failureOf } from '../bridge.js';
import { timestamp } from '../format.js';
import ErrorPanel from './ErrorPanel.js';
import SortableHead from './SortableHead.js';

const col = createColumnHelper<JournalEntry>();
const OUTCOME_CLASS: Record<JournalEntry['outcome'], string> = { success: 'sev-ok', failed: 'sev-bad', cancelled: 'sev-none' };

export default function HistoryView(props: { onVerify: (path: string) => void; onBack: () => void }) {
  const [entries, setEntries] = useState<JournalEntry[] | null>(null);
  const [error, setError] = useState<ReturnType<typeof failureOf> | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [sorting, setSorting] = useState<SortingState>([]);

  useEffect(() => {
    call(bridge().journalList({})).then((r) => setEntries(r.entries), (e: unknown) => setError(failureOf(e)));
  }, []);

  const columns = useMemo(
    () => [
      col.accessor('at', { header: 'When', cell: (c) => <span className="mono">{timestamp(c.getValue())}</span> }),
      col.accessor('outcome', {
        header: 'Outcome',
        cell: (c) => (
          <span className={`badge ${OUTCOME_CLASS[c.getValue()]}`} title={c.row.original.errorMessage ?? ''}>
            {c.getValue()}
            {c.row.original.errorCode ? ` · ${c.row.original.errorCode}` : ''}
          </span>
        ),
      }),
      col.display({
        id: 'verify',
        header: '',
        cell: (c) =>
          c.row.original.outcome === 'success' ? (
            <button type="button" className="link" onClick={() => props.onVerify(c.row.original.destination)} data-testid="verify-again">
              Verify again
            </button>
          ) : null,
      }),
      col.accessor('runId', { header: 'Run', cell: (c) => <span className="mono">{c.getValue()}</span> }),
      col.accessor((e) => `${e.format} · ${e.profile}${e.signed ? ' · signed' : ''}`, { id: 'format', header: 'Format' }),
      col.accessor('dbPath', { header: 'Database', cell: (c) => <span className="mono wrap" title={`SHA-256 ${c.row.original.dbSha256}`}>{c.getValue()}</span> }),
      col.accessor('destination', { header: 'Destination', cell: (c) => <span className="mono wrap">{c.getValue()}</span> }),
      col.accessor('receiptSha256', { header: 'Receipt SHA-256', cell: (c) => <span className="mono" title={c.getValue() ?? ''}>{c.getValue() ? `${c.getValue()!.slice(0, 12)}…` : '—'}</span> }),
    ],
    [props],
  );

  const table = useReactTable({ data: entries ?? [], columns, state: { sorting }, onSortingChange: setSorting, getCoreRowModel: getCoreRowModel(), getSortedRowModel: getSortedRowModel() });

  async function exportCsv() {
    setError(null);
    setSaved(null);
    try {
      const chosen = await call(bridge().dialogChooseJournalCsv({}));
      if (!chosen.path) return;
      const r = await call(bridge().journalExportCsv({ destination: chosen.path }));
      setSaved(`Saved ${r.rows} entr${r.rows === 1 ? 'y' : 'ies'} to ${r.path}`);
    } catch (e) {
      setError(failureOf(e));
    }
  }

  return (
    <section className="history" aria-labelledby="history-title">
      <div className="section-head">
        <button type="button" className="btn" onClick={props.onBack}>
          ← Back
        </button>
        <h1 id="history-title">Export history</h1>
        <span className="muted">{entries ? `${entries.length} export${entries.length === 1 ? '' : 's'}` : 'Loading…'}</span>
        <span className="spacer" />
        <button type="button" className="btn" onClick={() => void exportCsv()} disabled={!entries || entries.length === 0} data-testid="journal-export-csv">
          Export as CSV…
        </button>
      </div>
      {saved && <p className="muted" role="status" data-testid="journal-saved">{saved}</p>}
      {error && <ErrorPanel failure={error} onDismiss={() => setError(null)} />}
      <div className="table-wrap">
        <table className="grid" data-testid="history-table" aria-busy={entries === null || undefined}>
          <SortableHead table={table} />
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr key={row.id} data-outcome={row.original.outcome}>
                {row.getVisibleCells().map((c) => (
                  <td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {entries && entries.length === 0 && <p className="empty muted">No exports yet. Exports you make appear here.</p>}
      </div>
    </section>
  );
}
