/**
 * A JSON reader for display: it keeps what `JSON.parse` would lose and a reviewer must see as
 * stored — object keys in their written order (JSON.parse moves integer-like keys first),
 * duplicate keys, and numbers as written (no rounding of large integers or long decimals). It
 * also accepts NaN and ±Infinity, which Python's json module writes. Text that is not JSON gives
 * null; the caller then shows the text as it is (docs/format.md §4.2.1).
 */

export type JsonNode =
  | { kind: 'object'; entries: Array<[string, JsonNode]> }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; text: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' };

/** Deepest nesting read; deeper text is shown raw (it cannot be evidence anyone reads as a tree). */
const MAX_DEPTH = 200;

class Reader {
  i = 0;
  constructor(private readonly s: string) {}

  fail(): never {
    throw new SyntaxError(`unexpected input at ${this.i}`);
  }

  ws(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i]!)) this.i++;
  }

  value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) this.fail();
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return { kind: 'string', value: this.string() };
    for (const [word, node] of [['true', { kind: 'bool', value: true }], ['false', { kind: 'bool', value: false }], ['null', { kind: 'null' }]] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return node;
      }
    }
    for (const word of ['NaN', 'Infinity', '-Infinity']) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return { kind: 'number', text: word };
      }
    }
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) this.fail();
    this.i += m[0].length;
    return { kind: 'number', text: m[0] };
  }

  object(depth: number): JsonNode {
    this.i++;
    const entries: Array<[string, JsonNode]> = [];
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return { kind: 'object', entries };
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail();
      const key = this.string();
      this.ws();
      if (this.s[this.i++] !== ':') this.fail();
      entries.push([key, this.value(depth + 1)]);
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return { kind: 'object', entries };
      if (c !== ',') this.fail();
    }
  }

  array(depth: number): JsonNode {
    this.i++;
    const items: JsonNode[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return { kind: 'array', items };
      if (c !== ',') this.fail();
    }
  }

  string(): string {
    // From the opening quote to the closing one, honouring escapes; JSON.parse decodes the escapes.
    const start = this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '\\') this.i += 2;
      else if (c === '"') {
        this.i++;
        return JSON.parse(this.s.slice(start, this.i)) as string;
      } else this.i++;
    }
    return this.fail();
  }
}

/** The tree of a JSON text, or null when the text is not (entirely) JSON. */
export function parseJsonText(text: string): JsonNode | null {
  const r = new Reader(text);
  try {
    const v = r.value(0);
    r.ws();
    return r.i === text.length ? v : null;
  } catch {
    return null;
  }
}

/** A value received over the bridge (already parsed) as a tree, keeping its key order. */
export function fromValue(v: unknown): JsonNode {
  if (v === null || v === undefined) return { kind: 'null' };
  if (typeof v === 'string') return { kind: 'string', value: v };
  if (typeof v === 'number') return { kind: 'number', text: String(v) };
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  if (Array.isArray(v)) return { kind: 'array', items: v.map(fromValue) };
  return { kind: 'object', entries: Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromValue(x)]) };
}

/** Whether a record field holds JSON text worth showing as a tree (an object or an array). */
export function jsonColumn(field: string, value: unknown): JsonNode | null {
  if (typeof value !== 'string') return null;
  const t = value.trimStart();
  if (!(t.startsWith('{') || t.startsWith('['))) return null;
  // Any field may hold JSON text; names ending in _json are the ones ELSPETH documents as such.
  const node = parseJsonText(value);
  return node && (node.kind === 'object' || node.kind === 'array') ? node : field.endsWith('_json') ? node : null;
}

/** A JSONPath step for a key: `.name` for identifiers, `["…"]` otherwise. */
export function pathStep(key: string | number): string {
  if (typeof key === 'number') return `[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
