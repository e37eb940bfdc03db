/**
 * Hostile input, property-based: arbitrary JSON never crashes or hangs schema reconstruction and
 * diff (only findings or coded errors, each call time-boxed); every bridge operation, called
 * through the real handlers with a real session, answers arbitrary and malformed arguments
 * (wrong types, huge strings, `__proto__` keys, destinations and files no dialog granted) with a
 * coded failure and changes nothing: no file written, nothing opened, no prototype polluted.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { BRIDGE_ERROR_CODES, OP_NAMES, type OpName } from '../../app/contract/operations.js';
import { ERROR_CODES } from '../../app/errors.js';
import { diffContracts, diffSchemas } from '../../app/schema/diff.js';
import { reconstructSchema, reconstructSchemaText } from '../../app/schema/reconstruct.js';
import { createHandlers, disposeHandlers, type Handlers } from '../../main/handlers.js';
import { buildLandscape } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';
import { treeFingerprint } from './support.js';

const RUNS = Number(process.env['LD_PROP_RUNS'] ?? 300);
const hostileInputs = { count: 0 };
process.on('exit', () => console.log(`hostile-inputs ${hostileInputs.count}`));
const CODES = new Set<string>([...ERROR_CODES, ...BRIDGE_ERROR_CODES]);

const json = fc.json({ depthSize: 'medium', maxDepth: 8 });
const schemaLike = fc.letrec<{ s: unknown }>((tie) => ({
  s: fc.oneof(
    { depthSize: 'small' },
    fc.record({ type: fc.constantFrom('object', 'string', 'integer', 'array', 'null', 'bogus', 7) }, { requiredKeys: [] }),
    fc.record({ properties: fc.dictionary(fc.string({ maxLength: 5 }), tie('s'), { maxKeys: 4 }), required: fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }) }, { requiredKeys: [] }),
    fc.record({ anyOf: fc.array(tie('s'), { maxLength: 3 }), $ref: fc.constantFrom('#/$defs/A', '#/$defs/B', '#/x', 5), default: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] }),
    fc.record({ $defs: fc.dictionary(fc.constantFrom('A', 'B'), tie('s')), items: tie('s'), additionalProperties: fc.oneof(fc.boolean(), tie('s')) }, { requiredKeys: [] }),
    fc.anything({ maxDepth: 2 }),
  ),
})).s;

function timeBoxed(fn: () => unknown, what: string): void {
  const t0 = performance.now();
  try {
    fn();
  } catch (e) {
    assert.ok(CODES.has((e as { code?: string }).code ?? ''), `${what} threw an uncoded ${String(e)}`);
  }
  assert.ok(performance.now() - t0 < 2000, `${what} took too long`);
}

test('schema reconstruction and diff: arbitrary JSON (values and text) never crashes or hangs', () => {
  fc.assert(
    fc.property(fc.oneof(schemaLike, fc.anything({ maxDepth: 4 })), fc.oneof(schemaLike, json), (a, b) => {
      hostileInputs.count++;
      timeBoxed(() => reconstructSchema(a), 'reconstructSchema');
      timeBoxed(() => reconstructSchemaText(typeof b === 'string' ? b : JSON.stringify(b) ?? 'null'), 'reconstructSchemaText');
      timeBoxed(() => diffSchemas(a, b), 'diffSchemas');
      timeBoxed(() => diffContracts(a, typeof b === 'string' ? b : JSON.stringify(b)), 'diffContracts');
    }),
    { numRuns: RUNS },
  );
});

let dir: string;
let h: Handlers;
let handle: string;
let runId: string;
const opened: string[] = [];
let evidence: Record<string, string>;

before(async () => {
  dir = tempDir('ld-ipc-');
  fs.mkdirSync(path.join(dir, 'db'));
  const built = buildLandscape(path.join(dir, 'db', 'audit.db'), { runs: 1, rowsPerRun: 5 });
  runId = built.runs[0]!.runId;
  evidence = treeFingerprint(dir);
  h = createHandlers({
    dialogs: { openDatabase: async () => null, chooseExportDestination: async () => null, openSchemaFile: async () => null },
    openExternal: async (u) => void opened.push(u),
    recent: { list: () => [], add: () => undefined },
    log: { error: () => undefined, info: () => undefined },
    env: {},
  });
  const r = await h['db:open']({ path: path.join(dir, 'db', 'audit.db') });
  assert.ok(r.ok);
  handle = r.value.handle;
  evidence = treeFingerprint(dir);
});
after(() => disposeHandlers(h));

/** Arguments shaped like an operation's input with one or more fields replaced by junk. */
function nearlyValid(): fc.Arbitrary<Record<string, unknown>> {
  const junk = fc.oneof(
    fc.anything({ maxDepth: 2 }),
    fc.constantFrom('x'.repeat(70_000), '/etc/passwd', `${'/..'.repeat(20)}/etc/shadow`, '\0', '', -1, 1e308, NaN, [], {}),
    fc.constant(JSON.parse('{"__proto__": {"polluted": true}}')),
  );
  const base = () => ({
    handle, runId, format: 'json', profile: 'elspeth', destination: path.join(dir, 'out.json'), signing: { mode: 'none' }, force: true,
    recordType: 'row', limit: 10, after: null, url: 'https://example.org', path: path.join(dir, 'db', 'audit.db'),
    jobId: 'job', against: { kind: 'file', path: '/etc/passwd' }, rowIndex: 0, tokenId: null,
  });
  return fc.tuple(fc.subarray(Object.keys(base())), fc.array(fc.tuple(fc.string({ maxLength: 10 }), junk), { maxLength: 2 }), junk).map(([keys, extra, j]) => {
    const o: Record<string, unknown> = {};
    const b = base() as Record<string, unknown>;
    for (const k of keys) o[k] = b[k];
    if (keys.length) o[keys[0]!] = j;
    for (const [k, v] of extra) o[k] = v;
    return o;
  });
}

test('every bridge operation: arbitrary and malformed arguments → coded failures, nothing changed', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...OP_NAMES), fc.oneof(fc.anything({ maxDepth: 3 }), nearlyValid()), async (op: OpName, input) => {
      hostileInputs.count++;
      const r = await h[op](input);
      if (!r.ok) {
        assert.ok(CODES.has(r.code) && r.code !== 'INTERNAL', `${op}: ${r.code} ${r.message}`);
        assert.ok(!r.message.includes('\n    at '), 'no stack in messages');
      }
    }),
    { numRuns: RUNS * 2 },
  );
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'Object.prototype untouched');
  assert.ok(opened.every((u) => /^https?:\/\//.test(u)), 'only http(s) URLs reached the opener');
  assert.deepEqual(treeFingerprint(dir), evidence, 'no file written, moved or changed');
});

test('well-formed requests naming paths no dialog granted are refused', async () => {
  for (const destination of ['/etc/cron.d/x', path.join(dir, 'db', 'audit.db'), path.join(dir, 'sneaky.json')]) {
    const r = await h['export:start']({ handle, runId, format: 'json', profile: 'elspeth', destination, signing: { mode: 'none' }, force: true });
    assert.ok(!r.ok && r.code === 'DESTINATION_NOT_GRANTED', destination);
  }
  const d = await h['schema:diff']({ handle, runId, against: { kind: 'file', path: '/etc/passwd' } });
  assert.ok(!d.ok && d.code === 'FILE_NOT_GRANTED');
  assert.deepEqual(treeFingerprint(dir), evidence);
});
