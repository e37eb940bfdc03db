/**
 * Ed25519 keys for signing export receipts. Anyone holding the public key can check a receipt,
 * and through the SHA-256 of every file it lists the whole export, without the HMAC secret.
 * The signed bytes are the RFC 8785 canonical JSON of the receipt without its `signature` key
 * (docs/receipts.md); the fingerprint is the SHA-256 of the public key's SPKI DER encoding.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import { LandscapeError } from '../errors.js';
import { outputError } from '../export/outputError.js';
import type { ReceiptSignature } from '../export/receipt.js';
import { canonicalJson } from '../json/canonical.js';
import type { PyValue } from '../json/value.js';

export const RECEIPT_SIGNATURE_ALGORITHM = 'ed25519';
/** Key files are small; anything larger is not a key. */
const MAX_KEY_FILE = 64 * 1024;

export type { ReceiptSignature };

/** SHA-256 (hex) of the SPKI DER encoding of a public key (or of a private key's public half). */
export function fingerprint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex');
}

function writeNew(file: string, data: string, mode: number): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', mode);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new LandscapeError('OUTPUT_EXISTS', `${file} already exists; it will not be replaced`);
    throw outputError(e, `cannot create ${file}`);
  }
  try {
    // The umask may have widened nothing, but make the mode exact regardless of it.
    fs.fchmodSync(fd, mode);
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } catch (e) {
    throw outputError(e, `cannot write ${file}`);
  } finally {
    fs.closeSync(fd);
  }
}

export interface KeygenResult {
  privateKeyPath: string;
  publicKeyPath: string;
  fingerprint: string;
}

/**
 * Writes a new Ed25519 key pair: `<outBase>.key` (PKCS#8 PEM, mode 0600, encrypted with
 * AES-256-CBC when a passphrase is given) and `<outBase>.pub` (SPKI PEM). Never overwrites.
 */
export function keygen(outBase: string, opts: { passphrase?: string } = {}): KeygenResult {
  if (typeof outBase !== 'string' || outBase.trim() === '') throw new LandscapeError('USAGE', 'no output name was given');
  const privateKeyPath = `${outBase}.key`;
  const publicKeyPath = `${outBase}.pub`;
  for (const p of [privateKeyPath, publicKeyPath]) {
    if (fs.lstatSync(p, { throwIfNoEntry: false })) throw new LandscapeError('OUTPUT_EXISTS', `${p} already exists; it will not be replaced`);
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pkcs8 =
    opts.passphrase !== undefined
      ? privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: opts.passphrase })
      : privateKey.export({ type: 'pkcs8', format: 'pem' });
  writeNew(privateKeyPath, String(pkcs8), 0o600);
  try {
    writeNew(publicKeyPath, String(publicKey.export({ type: 'spki', format: 'pem' })), 0o644);
  } catch (e) {
    fs.rmSync(privateKeyPath, { force: true });
    throw e;
  }
  return { privateKeyPath, publicKeyPath, fingerprint: fingerprint(publicKey) };
}

function readKeyFile(file: string, what: string): string {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(file, { throwIfNoEntry: false });
  } catch {
    st = undefined;
  }
  if (!st || !st.isFile()) throw new LandscapeError('USAGE', `the ${what} file ${file} does not exist or is not a file`);
  if (st.size > MAX_KEY_FILE) throw new LandscapeError('USAGE', `${file} is too large to be a ${what}`);
  return fs.readFileSync(file, 'utf8');
}

function requireEd25519(key: KeyObject, file: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new LandscapeError('USAGE', `${file} holds a ${key.asymmetricKeyType ?? 'non-asymmetric'} key, not an Ed25519 key`);
  return key;
}

/** Loads an Ed25519 private key from a PEM file; a wrong or missing passphrase is a usage error. */
export function loadPrivateKey(file: string, passphrase?: string): KeyObject {
  const pem = readKeyFile(file, 'private key');
  let key: KeyObject;
  try {
    key = createPrivateKey(passphrase === undefined ? { key: pem, format: 'pem' } : { key: pem, format: 'pem', passphrase });
  } catch {
    const encrypted = pem.includes('ENCRYPTED');
    throw new LandscapeError(
      'USAGE',
      encrypted
        ? `cannot decrypt the private key ${file}: ${passphrase === undefined ? 'it is passphrase-protected (use --passphrase-env)' : 'wrong passphrase'}`
        : `${file} is not a PEM private key`,
    );
  }
  return requireEd25519(key, file);
}

/** Loads an Ed25519 public key from PEM text or from a file holding it. */
export function loadPublicKey(pemOrFile: string | KeyObject): KeyObject {
  if (typeof pemOrFile !== 'string') return requireEd25519(pemOrFile.type === 'private' ? createPublicKey(pemOrFile) : pemOrFile, 'the given key');
  const isPem = pemOrFile.startsWith('-----BEGIN');
  const pem = isPem ? pemOrFile : readKeyFile(pemOrFile, 'public key');
  const name = isPem ? 'the given PEM text' : pemOrFile;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new LandscapeError('USAGE', `${name} is not a PEM public key`);
  }
  return requireEd25519(key, name);
}

/** The exact bytes an Ed25519 receipt signature covers: canonical JSON without `signature`. */
export function receiptSigningBytes(receipt: PyValue): Buffer {
  let body: PyValue = receipt;
  if (receipt instanceof Map) {
    body = new Map(receipt);
    body.delete('signature');
  } else if (receipt !== null && typeof receipt === 'object' && !Array.isArray(receipt)) {
    const { signature: _drop, ...rest } = receipt as Record<string, PyValue>;
    body = rest;
  }
  return Buffer.from(canonicalJson(body), 'utf8');
}

/** Signs a receipt object (plain JSON values); returns the `signature` entry to add to it. */
export function signReceipt(receipt: object, key: KeyObject): ReceiptSignature {
  const bytes = receiptSigningBytes(receipt as PyValue);
  return {
    algorithm: RECEIPT_SIGNATURE_ALGORITHM,
    public_key_fingerprint: fingerprint(key),
    value: sign(null, bytes, key).toString('base64'),
  };
}

/** Checks an Ed25519 signature (base64) over the given bytes. Never throws on malformed input. */
export function verifyEd25519(bytes: Buffer, signatureB64: string, key: KeyObject): boolean {
  if (!/^[A-Za-z0-9+/]{86}==$/.test(signatureB64)) return false;
  try {
    return verify(null, bytes, key, Buffer.from(signatureB64, 'base64'));
  } catch {
    return false;
  }
}
