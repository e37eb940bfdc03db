/**
 * Schema contracts (docs/format.md §4.1.1, §9.4) and the full topology hash (docs/format.md §9.3)
 * with their vectors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, stableHash } from '../../../app/json/canonical.js';
import { contractVersionHash, parseContract, verifyContract, type ContractProblemCode } from '../../../app/schema/contract.js';
import { compareTopology, describeGraph, topologyHash, topologyHashInput, type Graph } from '../../../app/schema/topology.js';
import { CONTRACT_HASH, CONTRACT_JSON, SINK, SINK_CONFIG, SOURCE, SOURCE_CONFIG, TOPOLOGY_HASH } from './helpers.js';

test('docs/format.md §4.1.1 vector: version_hash of the example contract', () => {
  const p = parseContract(CONTRACT_JSON);
  assert.deepEqual(p.problems, []);
  assert.equal(p.computedHash, '0403a5ba66a5e3c18a309df0389e7e7f');
  assert.equal(contractVersionHash(p.contract!), CONTRACT_HASH);
  // The hash input is exactly the one docs/format.md §4.1.1 prints.
  const fields = p.contract!.fields.map((f) => ({ n: f.normalized_name, o: f.original_name, t: f.python_type, r: f.required, s: f.source, nullable: f.nullable }));
  assert.equal(
    canonicalJson({ mode: 'FLEXIBLE', locked: true, fields }),
    '{"fields":[{"n":"amount_usd","nullable":false,"o":"Amount USD","r":true,"s":"declared","t":"int"},{"n":"id","nullable":false,"o":"id","r":true,"s":"declared","t":"int"},{"n":"note","nullable":false,"o":"Note","r":false,"s":"inferred","t":"str"}],"locked":true,"mode":"FLEXIBLE"}',
  );
  // Field order in the stored JSON does not matter: the hash sorts by normalized_name.
  const shuffled = JSON.parse(CONTRACT_JSON) as { fields: unknown[] };
  shuffled.fields.reverse();
  assert.equal(parseContract(shuffled).computedHash, CONTRACT_HASH);
});

test('verifyContract: run contract with its hash column', () => {
  assert.equal(verifyContract(CONTRACT_JSON, CONTRACT_HASH).ok, true);
  assert.equal(verifyContract(CONTRACT_JSON).ok, true);
  const code = (json: string | null, hash?: string | null) => verifyContract(json, hash).problems.map((p) => p.code);
  assert.deepEqual(code(null, null), ['CONTRACT_MISSING']);
  assert.deepEqual(code(CONTRACT_JSON, null), ['CONTRACT_HASH_COLUMN_NULL']);
  assert.deepEqual(code(CONTRACT_JSON, 'ffffffffffffffffffffffffffffffff'), ['CONTRACT_HASH_COLUMN_MISMATCH']);
  // Tampering with any hashed value breaks the self-hash.
  assert.deepEqual(code(CONTRACT_JSON.replace('"Amount USD"', '"Amount EUR"'), CONTRACT_HASH), ['CONTRACT_HASH_MISMATCH', 'CONTRACT_HASH_COLUMN_MISMATCH']);
});

test('docs/format.md §9.4 structure rules, one problem code each', () => {
  const base = () => JSON.parse(CONTRACT_JSON) as Record<string, unknown> & { fields: Record<string, unknown>[] | object };
  const cases: [ContractProblemCode, () => unknown][] = [
    ['CONTRACT_INVALID_JSON', () => '{"mode": '],
    ['CONTRACT_NOT_AN_OBJECT', () => '[1]'],
    ['CONTRACT_MISSING_KEY', () => { const c = base(); delete c['locked']; return c; }],
    ['CONTRACT_MISSING_KEY', () => { const c = base(); delete (c.fields as Record<string, unknown>[])[0]!['nullable']; return c; }],
    ['CONTRACT_BAD_VALUE', () => { const c = base(); (c.fields as Record<string, unknown>[])[0]!['required'] = 'yes'; return c; }],
    ['CONTRACT_BAD_VALUE', () => { const c = base(); c.fields = {}; return c; }],
    ['CONTRACT_UNKNOWN_MODE', () => { const c = base(); c['mode'] = 'flexible'; return c; }],
    ['CONTRACT_UNKNOWN_SOURCE', () => { const c = base(); (c.fields as Record<string, unknown>[])[0]!['source'] = 'guessed'; return c; }],
    ['CONTRACT_UNKNOWN_TYPE', () => { const c = base(); (c.fields as Record<string, unknown>[])[0]!['python_type'] = 'Decimal'; return c; }],
    ['CONTRACT_DUPLICATE_FIELD', () => { const c = base(); (c.fields as Record<string, unknown>[])[1]!['normalized_name'] = 'amount_usd'; return c; }],
    ['CONTRACT_HASH_MISMATCH', () => { const c = base(); c['version_hash'] = '0'.repeat(32); return c; }],
  ];
  for (const [code, make] of cases) {
    const p = parseContract(make());
    assert.ok(p.problems.some((x) => x.code === code), `${code}: ${JSON.stringify(p.problems)}`);
  }
  // Every known python_type, mode and source is accepted (with a matching hash).
  for (const t of ['int', 'str', 'float', 'bool', 'NoneType', 'datetime', 'object']) {
    for (const mode of ['FIXED', 'FLEXIBLE', 'OBSERVED']) {
      const fields = [{ normalized_name: 'x', original_name: 'X', python_type: t, required: false, nullable: true, source: 'inferred' }];
      const c = { mode, locked: false, fields, version_hash: contractVersionHash({ mode, locked: false, fields }) };
      assert.deepEqual(parseContract(JSON.stringify(c)).problems, [], `${t} ${mode}`);
    }
  }
});

test('hash sorting is by code point, as Python sorts str', () => {
  // U+FF5E sorts before U+1F600 by code point, after it by UTF-16 code unit.
  const fields = ['\u{1F600}', '\uFF5E'].map((n) => ({ normalized_name: n, original_name: n, python_type: 'str', required: false, nullable: false, source: 'inferred' }));
  const expected = stableHash({
    mode: 'OBSERVED',
    locked: true,
    fields: [fields[1]!, fields[0]!].map((f) => ({ n: f.normalized_name, o: f.original_name, t: f.python_type, r: f.required, s: f.source, nullable: f.nullable })),
  }).slice(0, 32);
  assert.equal(contractVersionHash({ mode: 'OBSERVED', locked: true, fields }), expected);
});

const VECTOR: Graph = {
  nodes: [
    { node_id: SOURCE, plugin_name: 'csv', config_hash: stableHash(SOURCE_CONFIG) },
    { node_id: SINK, plugin_name: 'json', config_hash: stableHash(SINK_CONFIG) },
  ],
  edges: [{ from_node_id: SOURCE, to_node_id: SINK, label: 'on_success', default_mode: 'move' }],
};

test('docs/format.md §9.3 vector: full topology hash', () => {
  assert.equal(VECTOR.nodes[0]!.config_hash, 'aa669347b8b4b012ed1c95df959af81f03fc37ed8faff5a4524cca7f70ce2026');
  assert.equal(VECTOR.nodes[1]!.config_hash, '5f1c000d3611debbf3c71a31b05d2420955c704a63cbd2b539a272121a8deee2');
  assert.equal(
    canonicalJson(topologyHashInput(VECTOR)),
    '{"edges":[{"from":"source_csv_aaaaaaaaaaaa","key":"on_success","label":"on_success","mode":"move","to":"sink_out_bbbbbbbbbbbb"}],"nodes":[{"config_hash":"5f1c000d3611debbf3c71a31b05d2420955c704a63cbd2b539a272121a8deee2","node_id":"sink_out_bbbbbbbbbbbb","plugin_name":"json"},{"config_hash":"aa669347b8b4b012ed1c95df959af81f03fc37ed8faff5a4524cca7f70ce2026","node_id":"source_csv_aaaaaaaaaaaa","plugin_name":"csv"}]}',
  );
  assert.equal(topologyHash(VECTOR), TOPOLOGY_HASH);
  // Input order does not matter.
  assert.equal(topologyHash({ nodes: [...VECTOR.nodes].reverse(), edges: VECTOR.edges }), TOPOLOGY_HASH);
});

test('compareTopology names the nodes and edges that differ', () => {
  const same = compareTopology(VECTOR, VECTOR);
  assert.equal(same.same, true);
  assert.deepEqual([same.nodes_changed, same.edges_changed, same.nodes_only_in_a, same.edges_only_in_b], [[], [], [], []]);
  const gate = 'config_gate_big_cccccccccccc';
  const other: Graph = {
    nodes: [
      { node_id: SOURCE, plugin_name: 'csv', config_hash: stableHash({ ...SOURCE_CONFIG, path: 'other.csv' }) },
      { node_id: SINK, plugin_name: 'json', config_hash: stableHash(SINK_CONFIG) },
      { node_id: gate, plugin_name: 'config_gate:big', config_hash: stableHash({ condition: 'True' }) },
    ],
    edges: [
      { from_node_id: SOURCE, to_node_id: SINK, label: 'on_success', default_mode: 'copy' },
      { from_node_id: SOURCE, to_node_id: gate, label: 'continue', default_mode: 'move' },
    ],
  };
  const c = compareTopology(VECTOR, other);
  assert.equal(c.same, false);
  assert.equal(c.hash_a, TOPOLOGY_HASH);
  assert.deepEqual(c.nodes_only_in_b, [gate]);
  assert.deepEqual(c.nodes_changed.map((d) => [d.node_id, d.field]), [[SOURCE, 'config_hash']]);
  assert.deepEqual(c.edges_changed.map((d) => [d.label, d.a, d.b]), [['on_success', 'move', 'copy']]);
  assert.deepEqual(c.edges_only_in_b.map((e) => e.to_node_id), [gate]);
  assert.deepEqual(describeGraph(VECTOR), [
    'node sink_out_bbbbbbbbbbbb (json, config 5f1c000d3611)',
    'node source_csv_aaaaaaaaaaaa (csv, config aa669347b8b4)',
    'edge source_csv_aaaaaaaaaaaa -[on_success/move]-> sink_out_bbbbbbbbbbbb',
  ]);
});
