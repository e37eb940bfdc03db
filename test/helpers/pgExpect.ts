/**
 * Expected bytes of an export from a PostgreSQL Landscape, derived independently from the export
 * of the same data in SQLite by the one documented difference (docs/format.md §3.3): with a UTC
 * session every timestamp field gains `+00:00` (the fraction is still dropped when zero), and so
 * every signature, the running hash and the manifest's signature change. Nothing here calls the
 * exporter's code: keys are matched in the text, signatures recomputed with an HMAC over an
 * independent JCS ({@link miniJcs}).
 */
import { createHash, createHmac } from 'node:crypto';
import { READER, type PgCluster } from './pgCluster.js';
import { miniJcs } from './reference.js';

/**
 * Timestamp fields of the exporter's records (every record type of both lines; the 0.5 line adds the
 * node's registered_at; the manifest's exported_at already has its offset).
 */
export const TIMESTAMP_KEYS = ['started_at', 'completed_at', 'created_at', 'recorded_at', 'registered_at'] as const;

const NAIVE = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{6})?';

/** One JSONL line (Python json.dumps text) with its top-level timestamp fields given `offset`. */
export function offsetLine(line: string, offset = '+00:00'): string {
  let out = line;
  for (const k of TIMESTAMP_KEYS) out = out.replace(new RegExp(`("${k}": ")(${NAIVE})(")`, 'g'), `$1$2${offset}$3`);
  return out;
}

/** Unsigned JSONL text → the same with offsets. */
export function offsetJsonl(text: string, offset = '+00:00'): string {
  return text.split('\n').map((l) => (l === '' ? l : offsetLine(l, offset))).join('\n');
}

/** Signed JSONL text → offsets added and every signature, the final hash and the manifest signature recomputed with `key`. */
export function offsetSignedJsonl(text: string, key: string, offset = '+00:00'): string {
  const hmac = (body: unknown) => createHmac('sha256', Buffer.from(key, 'utf8')).update(miniJcs(body), 'utf8').digest('hex');
  const chain = createHash('sha256');
  const lines = text.split('\n');
  return lines
    .map((line) => {
      if (line === '') return line;
      const old = JSON.parse(line) as Record<string, unknown>;
      if (old['record_type'] === 'manifest') {
        const finalHash = chain.digest('hex');
        const body: Record<string, unknown> = { ...old, final_hash: finalHash };
        delete body['signature'];
        return line.replace(String(old['final_hash']), finalHash).replace(String(old['signature']), hmac(body));
      }
      const shifted = offsetLine(line, offset);
      const body = JSON.parse(shifted) as Record<string, unknown>;
      delete body['signature'];
      const sig = hmac(body);
      chain.update(sig);
      return shifted.replace(`"signature": "${String(old['signature'])}"`, `"signature": "${sig}"`);
    })
    .join('\n');
}

/**
 * For a signed CSV folder: each signature and the final hash of the (tie-ordered) SQLite JSONL
 * export of the run, mapped to its recomputed value with the offsets, so the CSV cells holding
 * them can be replaced (CSV carries the same signatures as the JSONL records).
 */
export function resignedHashes(liteSignedJsonl: string, key: string): Map<string, string> {
  const oldLines = liteSignedJsonl.split('\n').filter((l) => l !== '');
  const newLines = offsetSignedJsonl(oldLines.join('\n'), key).split('\n');
  const field = (l: string, k: string) => String((JSON.parse(l) as Record<string, unknown>)[k]);
  const map = new Map(oldLines.map((l, i) => [field(l, 'signature'), field(newLines[i]!, 'signature')]));
  map.set(field(oldLines[oldLines.length - 1]!, 'final_hash'), field(newLines[newLines.length - 1]!, 'final_hash'));
  return map;
}

/**
 * The expected text of one file of a PostgreSQL CSV export, from the same file of the SQLite export:
 * token outcomes in the server's tie order, offsets added, and (signed folders) each signature and
 * the final hash replaced through {@link resignedHashes}.
 */
export function pgCsvFile(name: string, liteText: string, order: readonly string[], resigned?: ReadonlyMap<string, string>): string {
  const shifted = offsetCsv(name === 'token_outcome.csv' ? tieOrderedCsv(liteText, order) : liteText);
  return resigned ? shifted.replace(/[0-9a-f]{64}/g, (m) => resigned.get(m) ?? m) : shifted;
}

/** ELSPETH's own token-outcome statement, run on the server by a plain client: the order of ties there. */
export async function serverOutcomeOrder(cluster: PgCluster, database: string, runId: string): Promise<string[]> {
  const c = await cluster.client(READER, database);
  try {
    const r = await c.query<{ outcome_id: string }>('SELECT * FROM token_outcomes WHERE token_outcomes.run_id = $1 ORDER BY token_outcomes.token_id, token_outcomes.recorded_at', [runId]);
    return r.rows.map((x) => x.outcome_id);
  } finally {
    await c.end();
  }
}

/** JSON array text of JSONL text (the two formats hold the same records, ", "-separated). */
export function jsonOfJsonl(jsonl: string): string {
  return `[${jsonl.split('\n').filter((l) => l !== '').join(', ')}]`;
}

/** A CSV file's text with whole-cell naive timestamps given `offset` (CSV cells carry the same strings). */
export function offsetCsv(text: string, offset = '+00:00'): string {
  return text.replace(new RegExp(`(^|,)(${NAIVE})(?=,|\\r\\n)`, 'gm'), `$1$2${offset}`);
}

/**
 * The second documented difference (docs/format.md §5.3): token outcomes that tie on ELSPETH's
 * ORDER BY (token_id, recorded_at) come in the order the server's plan returns for ELSPETH's own
 * statement. `order` is that statement's outcome ids, read by the test with its own client; each
 * group of adjacent tied outcomes of the SQLite export is put in that order.
 */
export function tieOrderedJsonl(text: string, order: readonly string[]): string {
  const rank = new Map(order.map((id, i) => [id, i]));
  const lines = text.split('\n');
  const parsed = lines.map((l) => (l.startsWith('{"record_type": "token_outcome"') ? (JSON.parse(l) as Record<string, unknown>) : null));
  const key = (i: number) => (parsed[i] ? `${String(parsed[i]!['token_id'])}|${String(parsed[i]!['recorded_at'])}` : null);
  for (let i = 0; i < lines.length; ) {
    let j = i + 1;
    while (key(i) !== null && key(j) === key(i)) j++;
    if (j - i > 1) {
      const group = lines.slice(i, j).map((l, k) => ({ l, id: String(parsed[i + k]!['outcome_id']) }));
      group.sort((a, b) => rank.get(a.id)! - rank.get(b.id)!);
      group.forEach((g, k) => (lines[i + k] = g.l));
    }
    i = j;
  }
  return lines.join('\n');
}

/** The same for `token_outcome.csv` (one record per CRLF line; the fixture's outcome cells hold no line breaks). */
export function tieOrderedCsv(text: string, order: readonly string[]): string {
  const rank = new Map(order.map((id, i) => [id, i]));
  const lines = text.split('\r\n');
  const header = lines[0]!.split(',');
  const [ID, TOKEN, AT] = ['outcome_id', 'token_id', 'recorded_at'].map((c) => header.indexOf(c)) as [number, number, number];
  // ids and timestamps never need quoting, so their cells are found by a plain split up to them.
  const cells = (l: string) => l.split(',');
  const key = (i: number) => (i > 0 && lines[i] ? `${cells(lines[i]!)[TOKEN]}|${cells(lines[i]!)[AT]}` : null);
  for (let i = 1; i < lines.length; ) {
    let j = i + 1;
    while (key(i) !== null && key(j) === key(i)) j++;
    if (j - i > 1) {
      const group = lines.slice(i, j).sort((a, b) => rank.get(cells(a)[ID]!)! - rank.get(cells(b)[ID]!)!);
      group.forEach((g, k) => (lines[i + k] = g));
    }
    i = j;
  }
  return lines.join('\r\n');
}
