/**
 * Ed25519 receipts: key generation, signing on export, chaining, and verification, each checked
 * by an independent verifier written here with Node's crypto primitives and the test JCS only.
 */
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LandscapeError } from '../../../app/errors.js';
import { keygen, loadPrivateKey } from '../../../app/verify/keys.js';
import { verifyExport } from '../../../app/verify/verify.js';
import { sha256File } from '../../helpers/files.js';
import { miniJcs } from '../../helpers/reference.js';
import { exportTo, fixtureDb, KEY } from './helpers.js';

/** Independent check: signature over JCS(receipt minus signature), fingerprint = sha256(SPKI DER). */
function independentlyValid(receiptPath: string, pubPem: string): boolean {
  const receipt = JSON.parse(fs.readFileSync(receiptPath, 'utf8')) as Record<string, unknown>;
  const { signature, ...body } = receipt as { signature: { algorithm: string; public_key_fingerprint: string; value: string } };
  const pub = createPublicKey(pubPem);
  const fp = createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex');
  if (signature.algorithm !== 'ed25519' || signature.public_key_fingerprint !== fp) return false;
  return verify(null, Buffer.from(miniJcs(body), 'utf8'), pub, Buffer.from(signature.value, 'base64'));
}

function newKeys(name: string, passphrase?: string) {
  const base = path.join(fixtureDb().dir, name);
  const r = keygen(base, passphrase === undefined ? {} : { passphrase });
  return { ...r, pubPem: fs.readFileSync(r.publicKeyPath, 'utf8') };
}

test('keygen writes an owner-only PKCS#8 private key and an SPKI public key, never overwriting', () => {
  const k = newKeys('alice');
  assert.equal(fs.statSync(k.privateKeyPath).mode & 0o777, 0o600);
  const priv = fs.readFileSync(k.privateKeyPath, 'utf8');
  assert.match(priv, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.match(k.pubPem, /^-----BEGIN PUBLIC KEY-----\n/);
  assert.equal(createPrivateKey(priv).asymmetricKeyType, 'ed25519');
  const der = createPublicKey(k.pubPem).export({ type: 'spki', format: 'der' });
  assert.equal(k.fingerprint, createHash('sha256').update(der).digest('hex'));
  assert.throws(() => keygen(path.join(fixtureDb().dir, 'alice')), (e: LandscapeError) => e.code === 'OUTPUT_EXISTS');
});

test('passphrase-protected keys: encrypted PEM, wrong or missing passphrase is a usage error', () => {
  const k = newKeys('bob', 'correct horse');
  assert.match(fs.readFileSync(k.privateKeyPath, 'utf8'), /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  assert.equal(loadPrivateKey(k.privateKeyPath, 'correct horse').asymmetricKeyType, 'ed25519');
  assert.throws(() => loadPrivateKey(k.privateKeyPath), (e: LandscapeError) => e.code === 'USAGE' && /passphrase/.test(e.message));
  assert.throws(() => loadPrivateKey(k.privateKeyPath, 'wrong'), (e: LandscapeError) => e.code === 'USAGE' && /wrong passphrase/.test(e.message));
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
  const rsaFile = path.join(fixtureDb().dir, 'rsa.key');
  fs.writeFileSync(rsaFile, rsa);
  assert.throws(() => loadPrivateKey(rsaFile), (e: LandscapeError) => e.code === 'USAGE' && /not an Ed25519/.test(e.message));
});

for (const format of ['json', 'jsonl', 'csv'] as const) {
  test(`${format}: a signed receipt passes the independent check and the verifier`, async () => {
    const k = newKeys(`signer-${format}`);
    const { target, receiptPath, receipt } = await exportTo(format, { receiptKey: loadPrivateKey(k.privateKeyPath) });
    assert.equal(receipt.signature?.public_key_fingerprint, k.fingerprint);
    assert.ok(independentlyValid(receiptPath, k.pubPem));
    const r = await verifyExport(target, { publicKey: k.publicKeyPath });
    assert.equal(r.verdict, 'pass', JSON.stringify(r.failures));
    assert.equal(r.checks.find((c) => c.name === 'receipt signature')?.status, 'pass');
    // PEM text works as well as a path; without any key the signature is reported, not checked.
    assert.equal((await verifyExport(target, { publicKey: k.pubPem, key: KEY })).verdict, 'pass');
    assert.equal((await verifyExport(target, {})).checks.find((c) => c.name === 'receipt signature')?.status, 'skipped');
  });
}

test('an edited signed receipt fails both the independent check and the verifier', async () => {
  const k = newKeys('carol');
  const { target, receiptPath } = await exportTo('json', { receiptKey: loadPrivateKey(k.privateKeyPath) });
  const rec = JSON.parse(fs.readFileSync(receiptPath, 'utf8'));
  rec.database.path = '/elsewhere/audit.db';
  fs.writeFileSync(receiptPath, JSON.stringify(rec, null, 2));
  assert.equal(independentlyValid(receiptPath, k.pubPem), false);
  const r = await verifyExport(target, { publicKey: k.publicKeyPath, key: KEY });
  assert.equal(r.verdict, 'fail');
  assert.ok(r.failures.some((f) => f.kind === 'receipt_signature' && f.file === path.basename(receiptPath)));
});

test('a substituted public key is named by fingerprint; an unsigned receipt fails when a key is expected', async () => {
  const signer = newKeys('dave');
  const stranger = newKeys('eve');
  const { target } = await exportTo('jsonl', { receiptKey: loadPrivateKey(signer.privateKeyPath) });
  let r = await verifyExport(target, { publicKey: stranger.publicKeyPath });
  assert.equal(r.verdict, 'fail');
  assert.match(r.checks.find((c) => c.name === 'receipt signature')!.detail, new RegExp(signer.fingerprint));
  const unsigned = await exportTo('jsonl');
  r = await verifyExport(unsigned.target, { publicKey: signer.publicKeyPath });
  assert.equal(r.verdict, 'fail');
  assert.ok(r.failures.some((f) => f.kind === 'receipt_signature'));
});

test('a re-signed receipt cannot hide edited files: its own hashes are checked', async () => {
  const k = newKeys('frank');
  const { target } = await exportTo('jsonl', { receiptKey: loadPrivateKey(k.privateKeyPath) });
  fs.appendFileSync(target, '{"record_type": "artifact"}\n');
  const r = await verifyExport(target, { publicKey: k.publicKeyPath });
  assert.equal(r.checks.find((c) => c.name === 'receipt signature')?.status, 'pass');
  assert.equal(r.files[0]?.status, 'mismatch');
  assert.equal(r.verdict, 'fail');
});

test('receipts chain: previous_receipt_sha256 is the previous receipt file\'s SHA-256, and is signed', async () => {
  const k = newKeys('grace');
  const key = loadPrivateKey(k.privateKeyPath);
  const first = await exportTo('json', { receiptKey: key });
  const second = await exportTo('csv', { receiptKey: key, previousReceipt: first.receiptPath });
  assert.equal(second.receipt.previous_receipt_sha256, sha256File(first.receiptPath));
  assert.equal(first.receipt.previous_receipt_sha256, undefined);
  assert.ok(independentlyValid(second.receiptPath, k.pubPem));
  const rec = JSON.parse(fs.readFileSync(second.receiptPath, 'utf8'));
  rec.previous_receipt_sha256 = '0'.repeat(64);
  fs.writeFileSync(second.receiptPath, JSON.stringify(rec, null, 2));
  assert.equal(independentlyValid(second.receiptPath, k.pubPem), false);
  assert.equal((await verifyExport(second.target, { publicKey: k.pubPem })).verdict, 'fail');
  await assert.rejects(exportTo('json', { previousReceipt: path.join(fixtureDb().dir, 'nope.json') }), (e: LandscapeError) => e.code === 'USAGE');
});
