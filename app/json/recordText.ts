/**
 * Both texts of an export record in one pass: Python's `json.dumps` text (what the JSON sink
 * writes) and its RFC 8785 canonical JSON (what the signature covers). Each value is formatted
 * once and shared where the two forms agree, which is almost always (ASCII strings, integers,
 * null, booleans); the per-type key texts and the canonical key order are computed once.
 * The result is byte-for-byte what {@link pyJson} and {@link canonicalRecord} give (tested).
 */
import { canonicalJson } from './canonical.js';
import { ensureAscii, pyFloatRepr, pyJson, pyString } from './pyjson.js';
import { PyFloat, type PyValue } from './value.js';

interface Shape {
  keys: string[];
  /** `"key": ` for each key, in record order (Python separators). */
  pyKeys: string[];
  /** Record positions in canonical (sorted) key order. */
  sorted: number[];
  /** `{"key":` / `,"key":` for each position of `sorted`. */
  canonicalKeys: string[];
}

export type FlatRecord = { readonly record_type: string } & { readonly [key: string]: PyValue };

export class RecordTexts {
  private readonly shapes = new Map<string, Shape>();
  private readonly py: string[] = [];
  private readonly canon: string[] = [];
  /** The canonical JSON of the last record {@link encode}d with `canonical` set. */
  canonical = '';

  /**
   * The record's `json.dumps` text without its closing brace (so a signature can be appended),
   * and, when `canonical` is set, its canonical JSON in {@link canonical}.
   */
  encode(record: FlatRecord, canonical: boolean): string {
    const shape = this.shapeOf(record);
    if (!shape) return this.generic(record, canonical);
    const { keys, pyKeys } = shape;
    const py = this.py;
    const canon = this.canon;
    for (let i = 0; i < keys.length; i++) {
      const v = record[keys[i]!]!;
      let p: string;
      let c: string | undefined;
      if (typeof v === 'string') {
        // Both forms start from JSON.stringify's literal; a lone surrogate cannot be canonical.
        const j = JSON.stringify(v);
        if (canonical) c = v.isWellFormed() ? j : canonicalJson(v);
        p = ensureAscii(j);
      } else if (v === null) p = 'null';
      else if (typeof v === 'number') p = String(v);
      else if (typeof v === 'boolean') p = v ? 'true' : 'false';
      else if (v instanceof PyFloat) {
        p = pyFloatRepr(v.value);
        c = canonical ? canonicalJson(v) : undefined;
      } else {
        p = pyJson(v);
        c = canonical ? canonicalJson(v) : undefined;
      }
      py[i] = p;
      if (canonical) canon[i] = c ?? p;
    }
    let out = '{' + pyKeys[0]! + py[0]!;
    for (let i = 1; i < keys.length; i++) out += ', ' + pyKeys[i]! + py[i]!;
    if (canonical) {
      const { sorted, canonicalKeys } = shape;
      let text = '';
      for (let j = 0; j < sorted.length; j++) text += canonicalKeys[j]! + canon[sorted[j]!]!;
      this.canonical = text + '}';
    }
    return out;
  }

  /** The cached shape when the record has exactly its keys in its order; otherwise none. */
  private shapeOf(record: FlatRecord): Shape | undefined {
    let shape = this.shapes.get(record.record_type);
    if (!shape) {
      const keys = Object.keys(record);
      if (keys.length === 0) return undefined;
      const sorted = keys.map((_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
      shape = {
        keys,
        pyKeys: keys.map((k) => pyString(k) + ': '),
        sorted,
        canonicalKeys: sorted.map((i, j) => (j ? ',' : '{') + canonicalJson(keys[i]!) + ':'),
      };
      this.shapes.set(record.record_type, shape);
    }
    let i = 0;
    for (const k in record) if (shape.keys[i++] !== k) return undefined;
    return i === shape.keys.length ? shape : undefined;
  }

  /** Records of an unexpected shape: the general serialisers. */
  private generic(record: FlatRecord, canonical: boolean): string {
    if (canonical) this.canonical = canonicalJson(record);
    const text = pyJson(record);
    return text === '{}' ? '{' : text.slice(0, -1);
  }
}
