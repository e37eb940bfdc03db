/** The contract's input validators against tables of hostile and malformed inputs. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OP_NAMES } from '../../app/contract/operations.js';
import { InputError, LIMITS, validateInput, VALIDATORS } from '../../app/contract/validate.js';

const H = 'a1b2c3';
const goodExport = { handle: H, runId: 'run-1', format: 'json', profile: 'elspeth', destination: '/tmp/out.json', signing: { mode: 'none' }, force: false };
const goodPage = { handle: H, runId: 'r', recordType: 'node_state', limit: 100, after: null };
const goodFind = { handle: H, runId: 'r', recordType: 'node_state', id: 'state-0001' };
const goodDiff = { handle: H, runId: 'r', against: { kind: 'run', runId: 'r2' } };
const goodLineage = { handle: H, runId: 'r', rowIndex: 3, tokenId: null };
const goodVerify = { path: '/out/run.json', key: { mode: 'none' }, publicKey: null, handle: null };
const goodConn = { host: 'db.example.org', port: 5432, database: 'elspeth', user: 'reviewer', sslmode: 'verify-full' };

describe('contract validators', () => {
  test('there is one validator per operation', () => {
    assert.deepEqual(Object.keys(VALIDATORS).sort(), [...OP_NAMES].sort());
  });

  test('accept well-formed inputs and return fresh copies', () => {
    const ok: Array<[Parameters<typeof validateInput>[0], unknown]> = [
      ['app:info', {}],
      ['db:open', { path: '/data/audit.db' }],
      ['db:open', { path: 'C:\\data\\audit.db' }],
      ['db:unlock', { path: '/data/audit.db', passphrase: ` it's "🔑" \\ ` }],
      ['runs:detail', { handle: H, runId: 'x' }],
      ['records:page', goodPage],
      ['records:page', { ...goodPage, after: 'WyJhYmMiXQ' }],
      ['records:find', goodFind],
      ['records:find', { ...goodFind, recordType: 'row', id: '0' }],
      ['records:find', { ...goodFind, recordType: 'token_parent', id: "x' OR 1=1 --" }],
      ['export:start', goodExport],
      ['export:start', { ...goodExport, signing: { mode: 'key', key: '' } }],
      ['export:start', { ...goodExport, signing: { mode: 'env' } }],
      ['app:openExternal', { url: 'https://example.org' }],
      ['dialog:openSchemaFile', {}],
      ['schema:get', { handle: H, runId: 'r' }],
      ['schema:diff', goodDiff],
      ['schema:diff', { ...goodDiff, against: { kind: 'file', path: '/data/schema.json' } }],
      ['schema:diff', { ...goodDiff, against: { kind: 'file', path: 'C:\\data\\schema.json' } }],
      ['lineage:get', goodLineage],
      ['lineage:get', { ...goodLineage, rowIndex: 0 }],
      ['lineage:get', { ...goodLineage, rowIndex: null, tokenId: '0fe510aa4d75bc7bd4' }],
      ['dialog:openExport', { kind: 'file' }],
      ['dialog:openExport', { kind: 'folder' }],
      ['dialog:openPublicKey', {}],
      ['verify:start', goodVerify],
      ['verify:start', { ...goodVerify, key: { mode: 'env' }, publicKey: '/keys/a.pub', handle: H }],
      ['verify:start', { ...goodVerify, key: { mode: 'key', key: 'secret' }, path: 'C:\\out\\csv-dir' }],
      ['verify:status', { jobId: 'a1b2-c3' }],
      ['verify:cancel', { jobId: 'a1b2-c3' }],
      ['journal:list', {}],
      ['dialog:chooseJournalCsv', {}],
      ['journal:exportCsv', { destination: '/out/journal.csv' }],
      ['shell:showInFolder', { path: '/out/run.json' }],
      ['db:connect', { connection: goodConn, password: 'p@ss:word/€' }],
      ['db:connect', { connection: { ...goodConn, host: '::1', sslmode: 'disable' }, password: '' }],
    ];
    for (const [op, input] of ok) {
      const out = validateInput(op, input);
      assert.deepEqual(out, input, op);
      assert.notEqual(out, input, `${op} returns a copy`);
    }
  });

  const proto = JSON.parse('{"path": "/a.db", "__proto__": {"polluted": true}}');
  const hostile: Array<[string, Parameters<typeof validateInput>[0], unknown]> = [
    ['null input', 'db:open', null],
    ['array input', 'db:open', ['/a.db']],
    ['string input', 'db:open', '/a.db'],
    ['missing key', 'db:open', {}],
    ['unknown key', 'db:open', { path: '/a.db', extra: 1 }],
    ['__proto__ key', 'db:open', proto],
    ['constructor key', 'runs:list', { handle: H, constructor: 1 }],
    ['class instance', 'db:open', new (class { path = '/a.db'; })()],
    ['getter property', 'db:open', Object.defineProperty({}, 'path', { get: () => '/a.db', enumerable: true })],
    ['symbol key', 'runs:list', { handle: H, [Symbol('x')]: 1 }],
    ['relative path', 'db:open', { path: 'audit.db' }],
    ['path with NUL', 'db:open', { path: '/a.db\0.txt' }],
    ['oversized path', 'db:open', { path: `/${'a'.repeat(LIMITS.path)}` }],
    ['number path', 'db:open', { path: 42 }],
    ['unlock without passphrase', 'db:unlock', { path: '/a.db' }],
    ['empty passphrase', 'db:unlock', { path: '/a.db', passphrase: '' }],
    ['oversized passphrase', 'db:unlock', { path: '/a.db', passphrase: 'p'.repeat(LIMITS.passphrase + 1) }],
    ['passphrase with NUL', 'db:unlock', { path: '/a.db', passphrase: 'p\0q' }],
    ['number passphrase', 'db:unlock', { path: '/a.db', passphrase: 1234 }],
    ['unlock relative path', 'db:unlock', { path: 'a.db', passphrase: 'p' }],
    ['empty handle', 'runs:list', { handle: '' }],
    ['handle with slash', 'runs:list', { handle: '../x' }],
    ['oversized run id', 'runs:detail', { handle: H, runId: 'r'.repeat(LIMITS.runId + 1) }],
    ['unknown record type', 'records:page', { ...goodPage, recordType: 'sqlite_master' }],
    ['manifest is not pageable', 'records:page', { ...goodPage, recordType: 'manifest' }],
    ['limit zero', 'records:page', { ...goodPage, limit: 0 }],
    ['limit too big', 'records:page', { ...goodPage, limit: LIMITS.pageMax + 1 }],
    ['fractional limit', 'records:page', { ...goodPage, limit: 1.5 }],
    ['string limit', 'records:page', { ...goodPage, limit: '10' }],
    ['cursor with odd chars', 'records:page', { ...goodPage, after: "'; DROP TABLE runs; --" }],
    ['missing after', 'records:page', { handle: H, runId: 'r', recordType: 'row', limit: 1 }],
    ['find without id', 'records:find', { handle: H, runId: 'r', recordType: 'node_state' }],
    ['find empty id', 'records:find', { ...goodFind, id: '' }],
    ['find number id', 'records:find', { ...goodFind, id: 42 }],
    ['find null id', 'records:find', { ...goodFind, id: null }],
    ['find id array', 'records:find', { ...goodFind, id: ['state-0001'] }],
    ['find id with NUL', 'records:find', { ...goodFind, id: 'state\0' }],
    ['find oversized id', 'records:find', { ...goodFind, id: 's'.repeat(LIMITS.runId + 1) }],
    ['find unknown type', 'records:find', { ...goodFind, recordType: 'sqlite_master' }],
    ['find run (no id)', 'records:find', { ...goodFind, recordType: 'run' }],
    ['find schema contract (no id)', 'records:find', { ...goodFind, recordType: 'schema_contract' }],
    ['find type __proto__', 'records:find', { ...goodFind, recordType: '__proto__' }],
    ['find type toString', 'records:find', { ...goodFind, recordType: 'toString' }],
    ['find row by text', 'records:find', { ...goodFind, recordType: 'row', id: 'abc' }],
    ['find negative row', 'records:find', { ...goodFind, recordType: 'row', id: '-1' }],
    ['find fractional row', 'records:find', { ...goodFind, recordType: 'row', id: '1.5' }],
    ['find unsafe row', 'records:find', { ...goodFind, recordType: 'row', id: '9'.repeat(16) }],
    ['find extra key', 'records:find', { ...goodFind, limit: 1 }],
    ['find __proto__', 'records:find', JSON.parse('{"handle": "a1", "runId": "r", "recordType": "row", "id": "1", "__proto__": {"x": 1}}')],
    ['bad format', 'export:start', { ...goodExport, format: 'xml' }],
    ['bad profile', 'export:start', { ...goodExport, profile: 'all' }],
    ['force as string', 'export:start', { ...goodExport, force: 'yes' }],
    ['signing unknown mode', 'export:start', { ...goodExport, signing: { mode: 'file', path: '/k' } }],
    ['signing key extra field', 'export:start', { ...goodExport, signing: { mode: 'key', key: 'k', save: true } }],
    ['signing none with key', 'export:start', { ...goodExport, signing: { mode: 'none', key: 'k' } }],
    ['oversized key', 'export:start', { ...goodExport, signing: { mode: 'key', key: 'k'.repeat(LIMITS.key + 1) } }],
    ['relative destination', 'export:start', { ...goodExport, destination: 'out.json' }],
    ['input on empty op', 'app:info', { x: 1 }],
    ['oversized url', 'app:openExternal', { url: `https://e.org/${'a'.repeat(LIMITS.url)}` }],
    ['job id with dots', 'export:status', { jobId: '../../etc' }],
    ['input on schema dialog', 'dialog:openSchemaFile', { path: '/etc/passwd' }],
    ['schema:get extra key', 'schema:get', { handle: H, runId: 'r', text: true }],
    ['connect without password key', 'db:connect', { connection: goodConn }],
    ['connect password as number', 'db:connect', { connection: goodConn, password: 1 }],
    ['connect oversized password', 'db:connect', { connection: goodConn, password: 'p'.repeat(LIMITS.key + 1) }],
    ['connect url instead of fields', 'db:connect', { connection: 'postgresql://u:p@h/d', password: '' }],
    ['connect port zero', 'db:connect', { connection: { ...goodConn, port: 0 }, password: '' }],
    ['connect port as string', 'db:connect', { connection: { ...goodConn, port: '5432' }, password: '' }],
    ['connect host with slash', 'db:connect', { connection: { ...goodConn, host: '/var/run/postgresql' }, password: '' }],
    ['connect host with @', 'db:connect', { connection: { ...goodConn, host: 'evil@h' }, password: '' }],
    ['connect unknown sslmode', 'db:connect', { connection: { ...goodConn, sslmode: 'no-verify' }, password: '' }],
    ['connect extra field', 'db:connect', { connection: { ...goodConn, password: 'x' }, password: '' }],
    ['connect user with newline', 'db:connect', { connection: { ...goodConn, user: 'a\nb' }, password: '' }],
    ['diff without against', 'schema:diff', { handle: H, runId: 'r' }],
    ['diff against null', 'schema:diff', { ...goodDiff, against: null }],
    ['diff unknown kind', 'schema:diff', { ...goodDiff, against: { kind: 'db', path: '/a.db' } }],
    ['diff run without id', 'schema:diff', { ...goodDiff, against: { kind: 'run' } }],
    ['diff run with path', 'schema:diff', { ...goodDiff, against: { kind: 'run', runId: 'r', path: '/x' } }],
    ['diff relative file', 'schema:diff', { ...goodDiff, against: { kind: 'file', path: 'schema.json' } }],
    ['diff file with NUL', 'schema:diff', { ...goodDiff, against: { kind: 'file', path: '/s.json\0' } }],
    ['diff file as array', 'schema:diff', { ...goodDiff, against: [{ kind: 'file', path: '/s.json' }] }],
    ['diff __proto__ target', 'schema:diff', { ...goodDiff, against: JSON.parse('{"kind": "run", "runId": "r", "__proto__": {}}') }],
    ['lineage neither key', 'lineage:get', { ...goodLineage, rowIndex: null, tokenId: null }],
    ['lineage both keys', 'lineage:get', { ...goodLineage, rowIndex: 1, tokenId: 'abc' }],
    ['lineage missing tokenId', 'lineage:get', { handle: H, runId: 'r', rowIndex: 1 }],
    ['lineage negative row', 'lineage:get', { ...goodLineage, rowIndex: -1 }],
    ['lineage fractional row', 'lineage:get', { ...goodLineage, rowIndex: 1.5 }],
    ['lineage string row', 'lineage:get', { ...goodLineage, rowIndex: '1' }],
    ['lineage unsafe row', 'lineage:get', { ...goodLineage, rowIndex: 2 ** 53 }],
    ['lineage NaN row', 'lineage:get', { ...goodLineage, rowIndex: Number.NaN }],
    ['lineage token with quote', 'lineage:get', { ...goodLineage, rowIndex: null, tokenId: "x' OR 1=1" }],
    ['lineage oversized token', 'lineage:get', { ...goodLineage, rowIndex: null, tokenId: 'a'.repeat(LIMITS.id + 1) }],
    ['lineage empty token', 'lineage:get', { ...goodLineage, rowIndex: null, tokenId: '' }],
    ['export dialog without kind', 'dialog:openExport', {}],
    ['export dialog bad kind', 'dialog:openExport', { kind: 'device' }],
    ['export dialog with a path', 'dialog:openExport', { kind: 'file', path: '/etc/passwd' }],
    ['public key dialog with input', 'dialog:openPublicKey', { path: '/k.pub' }],
    ['verify relative path', 'verify:start', { ...goodVerify, path: 'run.json' }],
    ['verify path with NUL', 'verify:start', { ...goodVerify, path: '/run.json\0' }],
    ['verify oversized path', 'verify:start', { ...goodVerify, path: `/${'a'.repeat(LIMITS.path)}` }],
    ['verify missing key', 'verify:start', { path: '/r.json', publicKey: null, handle: null }],
    ['verify key as string', 'verify:start', { ...goodVerify, key: 'secret' }],
    ['verify key null', 'verify:start', { ...goodVerify, key: null }],
    ['verify key unknown mode', 'verify:start', { ...goodVerify, key: { mode: 'file', path: '/k' } }],
    ['verify key extra field', 'verify:start', { ...goodVerify, key: { mode: 'key', key: 'k', remember: true } }],
    ['verify oversized key', 'verify:start', { ...goodVerify, key: { mode: 'key', key: 'k'.repeat(LIMITS.key + 1) } }],
    ['verify relative public key', 'verify:start', { ...goodVerify, publicKey: 'a.pub' }],
    ['verify public key as object', 'verify:start', { ...goodVerify, publicKey: { path: '/a.pub' } }],
    ['verify handle with slash', 'verify:start', { ...goodVerify, handle: '../db' }],
    ['verify handle number', 'verify:start', { ...goodVerify, handle: 1 }],
    ['verify dbPath smuggled', 'verify:start', { ...goodVerify, dbPath: '/other.db' }],
    ['verify status without job', 'verify:status', {}],
    ['verify status job with dots', 'verify:status', { jobId: '../../etc' }],
    ['verify status job number', 'verify:status', { jobId: 7 }],
    ['verify status oversized job', 'verify:status', { jobId: 'j'.repeat(LIMITS.id + 1) }],
    ['verify status extra key', 'verify:status', { jobId: 'j', report: true }],
    ['verify cancel job null', 'verify:cancel', { jobId: null }],
    ['verify cancel empty job', 'verify:cancel', { jobId: '' }],
    ['verify cancel __proto__', 'verify:cancel', JSON.parse('{"jobId": "j", "__proto__": {"x": 1}}')],
    ['verify __proto__', 'verify:start', JSON.parse('{"path": "/r.json", "key": {"mode": "none"}, "publicKey": null, "handle": null, "__proto__": {"x": 1}}')],
    ['journal list with input', 'journal:list', { limit: 1e9 }],
    ['journal csv dialog with input', 'dialog:chooseJournalCsv', { path: '/tmp/x.csv' }],
    ['journal csv relative', 'journal:exportCsv', { destination: 'journal.csv' }],
    ['journal csv missing destination', 'journal:exportCsv', {}],
    ['journal csv destination array', 'journal:exportCsv', { destination: ['/a.csv'] }],
    ['show in folder relative', 'shell:showInFolder', { path: 'run.json' }],
    ['show in folder url', 'shell:showInFolder', { path: 'file:///etc/passwd' }],
    ['show in folder NUL', 'shell:showInFolder', { path: '/out/run.json\0' }],
    ['show in folder extra key', 'shell:showInFolder', { path: '/out/run.json', reveal: true }],
  ];
  for (const [name, op, input] of hostile) {
    test(`rejects ${name} (${op})`, () => {
      assert.throws(() => validateInput(op, input), InputError);
    });
  }

  test('does not pollute Object.prototype', () => {
    assert.throws(() => validateInput('db:open', proto), InputError);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });
});
