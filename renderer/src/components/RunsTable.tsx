/** All runs of the open database: sortable, searchable by id, filterable by status. */
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnFiltersState,
  type SortingState,
} from '@tanstack/react-table';
import { useEffect, useMemo, useState } from 'react';
import type { DbInfo, RunSummaryView } from '../../../app/contract/operations.js';
import { bridge, call, failureOf } from '../bridge.js';
import { count, duration, timestamp } from '../format.js';
import ErrorPanel from './ErrorPanel.js';
import StatusBadge from './StatusBadge.js';
import SortableHead from './SortableHead.js';

const col = createColumnHelper<RunSummaryView>();

const columns = [
  col.accessor('run_id', { header: 'Run', cell: (c) => <span className="mono">{c.getValue()}</span>, filterFn: 'includesString' }),
  col.accessor('status', { header: 'Status', cell: (c) => <StatusBadge status={c.getValue()} />, filterFn: 'equalsString' }),
  col.accessor('started_at', { header: 'Started', cell: (c) => timestamp(c.getValue()) }),
  col.accessor('completed_at', { header: 'Finished', cell: (c) => timestamp(c.getValue()) }),
  col.accessor('duration_ms', { header: 'Duration', cell: (c) => duration(c.getValue()), sortUndefined: 'last' }),
  col.accessor((r) => r.record_total ?? 0, { id: 'records', header: 'Records (ELSPETH profile)', cell: (c) => <span className="num">{count(c.getValue())}</span> }),
  col.accessor('export_status', { header: 'Export', cell: (c) => <StatusBadge status={c.getValue()} /> }),
];

export default function RunsTable(props: { db: DbInfo; onOpenRun: (runId: string) => void }) {
  const [runs, setRuns] = useState<RunSummaryView[] | null>(null);
  const [error, setError] = useState<ReturnType<typeof failureOf> | null>(null);
  const [sorting, setSorting] = useState<SortingState>([]);
  const [filters, setFilters] = useState<ColumnFiltersState>([]);

  useEffect(() => {
    call(bridge().runsList({ handle: props.db.handle })).then((r) => setRuns(r.runs), (e: unknown) => setError(failureOf(e)));
  }, [props.db.handle]);

  const statuses = useMemo(() => [...new Set((runs ?? []).map((r) => r.status))].sort(), [runs]);
  const table = useReactTable({
    data: runs ?? [],
    columns,
    state: { sorting, columnFilters: filters },
    onSortingChange: setSorting,
    onColumnFiltersChange: setFilters,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
  });

  if (error) return <ErrorPanel failure={error} />;
  const search = (table.getColumn('run_id')?.getFilterValue() as string | undefined) ?? '';
  const status = (table.getColumn('status')?.getFilterValue() as string | undefined) ?? '';

  return (
    <section className="runs" aria-labelledby="runs-title">
      <div className="section-head">
        <h1 id="runs-title">Runs</h1>
        <span className="muted">{runs ? `${table.getFilteredRowModel().rows.length} of ${runs.length}` : 'Loading…'}</span>
        <span className="spacer" />
        <label className="field inline">
          <span>Search</span>
          <input type="search" placeholder="Run id…" value={search} onChange={(e) => table.getColumn('run_id')?.setFilterValue(e.target.value || undefined)} data-testid="run-search" />
        </label>
        <label className="field inline">
          <span>Status</span>
          <select value={status} onChange={(e) => table.getColumn('status')?.setFilterValue(e.target.value || undefined)} data-testid="status-filter">
            <option value="">All</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      {props.db.warnings.map((w) => (
        <p key={w.code} className="warning" role="status">
          {w.message}
        </p>
      ))}
      <div className="table-wrap">
        <table className="grid" data-testid="runs-table">
          <SortableHead table={table} />
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr
                key={row.id}
                className="clickable"
                tabIndex={0}
                data-run-id={row.original.run_id}
                onClick={() => props.onOpenRun(row.original.run_id)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    props.onOpenRun(row.original.run_id);
                  }
                }}
              >
                {row.getVisibleCells().map((c) => (
                  <td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {runs && table.getRowModel().rows.length === 0 && <p className="empty muted">{runs.length === 0 ? 'This database has no runs.' : 'No run matches the filter.'}</p>}
      </div>
    </section>
  );
}
