/**
 * The core writes its statements with named parameters (`:run`, `:ids`), as better-sqlite3 binds
 * them. PostgreSQL wants `$1, $2, …`: this rewrites the names outside quoted text and collects the
 * values in order. A list value binds as `text[]` (for `= ANY`), a bigint as `int8` (the server
 * would otherwise infer the column's narrower type for the parameter).
 */
import { LandscapeError } from '../../errors.js';

export interface Bound {
  sql: string;
  values: unknown[];
}

const cache = new Map<string, { sql: string; names: string[] }>();

function rewrite(sql: string): { sql: string; names: string[] } {
  const names: string[] = [];
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop;
      continue;
    }
    if (c === ':' && sql[i + 1] === ':') {
      out += '::';
      i += 2;
      continue;
    }
    const m = c === ':' ? /^:([A-Za-z_][A-Za-z0-9_]*)/.exec(sql.slice(i, i + 64)) : null;
    if (m) {
      let n = names.indexOf(m[1]!);
      if (n === -1) n = names.push(m[1]!) - 1;
      out += `$${n + 1}\u0000${m[1]}\u0000`;
      i += m[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return { sql: out, names };
}

/** `sql` with `$n` placeholders and the values in order, from a named-parameter object (or none). */
export function bindNamed(sql: string, params: unknown[]): Bound {
  let r = cache.get(sql);
  if (!r) cache.set(sql, (r = rewrite(sql)));
  const p = (params[0] ?? {}) as Record<string, unknown>;
  if (params.length > 1 || (params.length === 1 && (typeof p !== 'object' || p === null || Array.isArray(p)))) {
    throw new LandscapeError('INTERNAL', 'PostgreSQL statements take named parameters only');
  }
  const values = r.names.map((name) => {
    if (!(name in p)) throw new LandscapeError('INTERNAL', `missing statement parameter :${name}`);
    return p[name];
  });
  const text = r.sql.replace(/\$(\d+)\u0000[A-Za-z0-9_]+\u0000/g, (_, n: string) => {
    const v = values[Number(n) - 1];
    if (Array.isArray(v)) return `$${n}::text[]`;
    if (typeof v === 'bigint') return `$${n}::int8`;
    return `$${n}`;
  });
  return { sql: text, values: values.map((v) => (typeof v === 'bigint' ? v.toString() : v)) };
}
