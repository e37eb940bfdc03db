/** Schema changes (A → B) with severities; sortable, breaking changes first by default. */
import { createColumnHelper, flexRender, getCoreRowModel, getSortedRowModel, useReactTable, type SortingState } from '@tanstack/react-table';
import { useState } from 'react';
import type { SchemaChangeView } from '../../../app/contract/operations.js';
import SeverityBadge from './SeverityBadge.js';
import SortableHead from './SortableHead.js';

const RANK: Record<string, number> = { breaks: 0, changes: 1, compatible: 2 };
const col = createColumnHelper<SchemaChangeView>();
const columns = [
  col.accessor('severity', { header: 'Severity', cell: (c) => <SeverityBadge value={c.getValue()} />, sortingFn: (a, b) => (RANK[a.original.severity] ?? 9) - (RANK[b.original.severity] ?? 9) }),
  col.accessor('path', { header: 'Path', cell: (c) => <span className="mono">{c.getValue() || '(schema)'}</span> }),
  col.accessor('kind', { header: 'Change', cell: (c) => c.getValue().replace(/_/g, ' ') }),
  col.accessor((r) => `${r.from ?? ''}→${r.to ?? ''}`, {
    id: 'fromTo',
    header: 'From → to',
    cell: (c) => (
      <span className="mono from-to">
        <span className="from">{c.row.original.from ?? '—'}</span> → <span className="to">{c.row.original.to ?? '—'}</span>
      </span>
    ),
  }),
  col.accessor('scope', { header: 'In', cell: (c) => (c.getValue() === 'source' ? 'source schema' : 'contract') }),
  col.accessor('reason', { header: 'Reason', enableSorting: false, cell: (c) => <span className="wrap">{c.getValue()}</span> }),
];

export default function ChangeTable(props: { changes: SchemaChangeView[] }) {
  const [sorting, setSorting] = useState<SortingState>([{ id: 'severity', desc: false }]);
  const table = useReactTable({
    data: props.changes,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });
  return (
    <div className="table-wrap">
      <table className="grid compact changes" data-testid="change-table">
        <SortableHead table={table} />
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} data-severity={row.original.severity}>
              {row.getVisibleCells().map((c) => (
                <td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
