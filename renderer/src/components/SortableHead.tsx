import { flexRender, type Table } from '@tanstack/react-table';

/**
 * The header row of a sortable @tanstack table: sortable columns get a button that toggles the
 * order, and `aria-sort` tells assistive technology the current direction.
 */
export default function SortableHead<T>({ table }: { table: Table<T> }) {
  return (
    <thead>
      {table.getHeaderGroups().map((hg) => (
        <tr key={hg.id}>
          {hg.headers.map((h) => {
            const dir = h.column.getIsSorted();
            return (
              <th key={h.id} aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}>
                {h.column.getCanSort() ? (
                  <button type="button" className="th-sort" onClick={h.column.getToggleSortingHandler()}>
                    {flexRender(h.column.columnDef.header, h.getContext())}
                    <span aria-hidden="true" className="sort-mark">{dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : ''}</span>
                  </button>
                ) : (
                  flexRender(h.column.columnDef.header, h.getContext())
                )}
              </th>
            );
          })}
        </tr>
      ))}
    </thead>
  );
}
