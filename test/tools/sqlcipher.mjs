#!/usr/bin/env node
/**
 * A minimal SQLCipher command line for the tests (plain Node, run as a child process). It drives
 * Zetetic's SQLCipher 4 itself, as built by the `@journeyapps/sqlcipher` package: a different
 * codebase from the SQLite3MultipleCiphers inside Landscape Desk, so it is an independent check
 * that both sides speak the same file format. It touches no cipher setting: like ELSPETH it only
 * issues `PRAGMA key = "<passphrase, every " doubled>"`, so SQLCipher's defaults apply.
 *
 * Usage: node test/tools/sqlcipher.mjs <db> <sql> [<sql> …]   (passphrase in SQLCIPHER_PASSPHRASE)
 *        node test/tools/sqlcipher.mjs --version
 * Prints one JSON line: the rows of each statement, in order. Exit 1 with the SQLite error on stderr.
 */
import sqlite3 from '@journeyapps/sqlcipher';

const run = (db, sql) => new Promise((resolve, reject) => db.all(sql, (e, rows) => (e ? reject(e) : resolve(rows))));
const close = (db) => new Promise((resolve) => db.close(() => resolve()));

async function main(argv) {
  const version = argv[0] === '--version';
  const [file, ...statements] = version ? [':memory:'] : argv;
  if (!file) throw new Error('usage: sqlcipher.mjs <db> <sql> [<sql> …]');
  const db = new sqlite3.Database(file);
  try {
    if (version) return [await run(db, 'PRAGMA cipher_version')];
    const passphrase = process.env.SQLCIPHER_PASSPHRASE;
    if (passphrase === undefined) throw new Error('SQLCIPHER_PASSPHRASE is not set');
    await run(db, `PRAGMA key = "${passphrase.replace(/"/g, '""')}"`);
    const results = [];
    for (const sql of statements) results.push(await run(db, sql));
    return results;
  } finally {
    await close(db);
  }
}

main(process.argv.slice(2)).then(
  (results) => process.stdout.write(`${JSON.stringify(results)}\n`),
  (e) => {
    process.stderr.write(`sqlcipher: ${e.message}\n`);
    process.exitCode = 1;
  },
);
