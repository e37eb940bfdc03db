/**
 * A live ELSPETH-like writer on PostgreSQL (a forked child process, plain `pg`, the owner role).
 * It keeps appending source rows to one existing run, each commit one whole row: the row, its
 * * token and two node states (two attempts), copied from the run's own rows with new ids, the next row_index and
 * the server's clock. Any one snapshot therefore holds a prefix of whole rows; a torn read would
 * show a row without its token or states.
 *
 * Messages: 'count' → { commits }; 'stop' → { commits } and exit.
 */
import pg from 'pg';

export const LIVE_PREFIX = 'lw-';

async function columns(c: pg.Client, table: string): Promise<string[]> {
  const r = await c.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position", [table]);
  return r.rows.map((x) => x.column_name);
}

/** INSERT … SELECT copying the template row `where`, with some columns replaced by parameters. */
async function copier(c: pg.Client, table: string, where: string) {
  const cols = await columns(c, table);
  return async (over: Record<string, unknown>, whereArgs: unknown[]) => {
    const values: unknown[] = [...whereArgs];
    const select = cols.map((col) => (col in over ? (over[col] === 'now()' ? 'now()' : `$${values.push(over[col])}`) : `"${col}"`));
    await c.query(`INSERT INTO ${table} (${cols.map((x) => `"${x}"`).join(', ')}) SELECT ${select.join(', ')} FROM ${table} WHERE ${where} LIMIT 1`, values);
  };
}

async function main(url: string, runId: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const row = (await c.query('SELECT row_id, row_index FROM rows WHERE run_id = $1 ORDER BY row_index DESC LIMIT 1', [runId])).rows[0] as { row_id: string; row_index: number };
  const token = (await c.query('SELECT token_id FROM tokens WHERE row_id = $1 AND fork_group_id IS NULL AND join_group_id IS NULL AND expand_group_id IS NULL LIMIT 1', [row.row_id])).rows[0] as { token_id: string } | undefined;
  const anyToken = token ?? ((await c.query("SELECT tokens.token_id FROM tokens JOIN rows ON rows.row_id = tokens.row_id WHERE rows.run_id = $1 AND tokens.fork_group_id IS NULL AND tokens.join_group_id IS NULL AND tokens.expand_group_id IS NULL LIMIT 1", [runId])).rows[0] as { token_id: string });
  const state = (await c.query("SELECT state_id FROM node_states WHERE run_id = $1 AND status = 'completed' LIMIT 1", [runId])).rows[0] as { state_id: string };
  const copyRow = await copier(c, 'rows', 'row_id = $1');
  const copyToken = await copier(c, 'tokens', 'token_id = $1');
  const copyState = await copier(c, 'node_states', 'state_id = $1');
  let commits = 0;
  let stopping = false;
  process.on('message', (m) => {
    if (m === 'count') process.send?.({ commits });
    if (m === 'stop') stopping = true;
  });
  process.send?.({ ready: true });
  while (!stopping) {
    const n = commits;
    const rowId = `${LIVE_PREFIX}row-${n}`;
    const tokenId = `${LIVE_PREFIX}tok-${n}`;
    await c.query('BEGIN');
    await copyRow({ row_id: rowId, row_index: row.row_index + 1 + n, created_at: 'now()' }, [row.row_id]);
    await copyToken({ token_id: tokenId, row_id: rowId, created_at: 'now()' }, [anyToken.token_id]);
    for (let s = 0; s < 2; s++) await copyState({ state_id: `${LIVE_PREFIX}st-${n}-${s}`, token_id: tokenId, step_index: s, attempt: s, started_at: 'now()', completed_at: 'now()' }, [state.state_id]);
    await c.query('COMMIT');
    commits++;
  }
  await c.end();
  process.send?.({ commits }, () => process.exit(0));
}

if (process.send) {
  const [url, runId] = process.argv.slice(2);
  main(url!, runId!).catch((e: unknown) => {
    process.stderr.write(`pg writer failed: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
