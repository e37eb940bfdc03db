/** User-facing titles and advice for the stable error codes (the main process sends codes). */
import type { ResultCode } from '../../app/contract/operations.js';

const TITLES: Partial<Record<ResultCode, [string, string]>> = {
  DB_NOT_FOUND: ['File not found', 'The file does not exist any more. Choose another database.'],
  DB_NOT_A_FILE: ['Not a file', 'Choose a database file, not a folder.'],
  DB_UNREADABLE: ['Cannot read the file', 'Check that you have permission to read it.'],
  DB_EMPTY: ['Empty file', 'The file is 0 bytes long; it is not a Landscape database.'],
  DB_NOT_SQLITE: ['Not a SQLite database', 'Landscape databases are SQLite files written by ELSPETH.'],
  DB_ENCRYPTED: ['Encrypted database', 'This database is encrypted (SQLCipher); it opens with its passphrase.'],
  DB_WRONG_PASSPHRASE: ['Wrong passphrase', 'That passphrase does not decrypt this database (or it is not a SQLCipher 4 file).'],
  DB_CORRUPT: ['Damaged database', 'The database file is damaged.'],
  DB_TRUNCATED: ['Truncated database', 'The file is shorter than its header says; it may be an incomplete copy.'],
  DB_NOT_LANDSCAPE: ['Not a Landscape database', 'This SQLite file has no ELSPETH runs table.'],
  DB_BUSY: ['Database busy', 'Another program holds a lock on the database. Try again shortly.'],
  PG_BAD_URL: ['Connection details not accepted', 'Check the host, port, database, user and TLS mode.'],
  PG_AUTH_FAILED: ['Login refused', 'The server refused the user name or password. Check them and try again.'],
  PG_UNREACHABLE: ['Server not reachable', 'No PostgreSQL server answered at that host and port within the connect timeout.'],
  PG_TLS_FAILED: ['Secure connection failed', 'The TLS mode asks for something the server or its certificate does not offer.'],
  PG_DB_NOT_FOUND: ['No such database', 'The server has no database of that name.'],
  PG_PERMISSION_DENIED: ['Not allowed to read', 'The role lacks SELECT on a Landscape table; ask for read access (the message names the table).'],
  PG_VERSION_UNSUPPORTED: ['Server too old', 'Landscape Desk needs PostgreSQL 13 or newer.'],
  PG_CONNECTION_LOST: ['Connection lost', 'The connection to the server was lost. Connect again.'],
  RUN_NOT_FOUND: ['Run not found', 'The run is not in this database.'],
  JSON_NON_FINITE: ['NaN or Infinity in the run', 'ELSPETH 0.5 refuses NaN and Infinity in JSON exports; the message names the record that holds one.'],
  SIGNING_KEY_MISSING: ['No signing key', 'ELSPETH_SIGNING_KEY is not set; type a key or export unsigned.'],
  DESTINATION_NOT_GRANTED: ['Choose a destination', 'Pick where to save the export with the Choose… button.'],
  OUTPUT_EXISTS: ['Destination exists', 'Tick “Replace existing files” or choose another destination.'],
  OUTPUT_UNWRITABLE: ['Cannot write there', 'Choose a folder you can write to.'],
  OUTPUT_NO_SPACE: ['Disk full', 'Free some space and try again.'],
  EXPORT_BUSY: ['Export running', 'Wait for the current export of this database to finish.'],
  VERIFY_BUSY: ['Verifications running', 'Wait for a running verification to finish, or cancel it.'],
  CANCELLED: ['Cancelled', 'Stopped before it finished; nothing was written or changed.'],
  ROW_NOT_FOUND: ['Row not found', 'This run has no row with that index, and no token with that id.'],
  FILE_NOT_GRANTED: ['Choose the file', 'Pick the file with its Choose… button; only files chosen in a dialog can be read.'],
  NOT_EXPORTED: ['Not an export of this session', 'Only files this window exported can be shown in their folder.'],
  EXPORT_INPUT: ['Cannot read that export', 'The file or folder is not an export this app can verify, or it is damaged.'],
  USAGE: ['Cannot verify with these options', 'Check the chosen export and key files.'],
  SCHEMA_FILE: ['Cannot use that schema file', 'Choose a JSON schema file (the output of model_json_schema()).'],
  NOT_AVAILABLE: ['Not available', 'This feature is not part of this build.'],
  UNKNOWN_HANDLE: ['Database closed', 'Open the database again.'],
  BAD_INPUT: ['That could not be used', 'Check what you typed or chose, and try again.'],
  RECORD_TYPE_UNKNOWN: ['Cannot show those records', 'These records cannot be listed or filtered this way.'],
  BAD_CURSOR: ['Cannot continue the list', 'Reload the records to start the list again.'],
  CORRUPT_JSON: ['Damaged value in the database', 'A stored JSON value cannot be read; the database may be damaged.'],
  STORE_NOT_FOUND: ['Payload store not found', 'Choose the folder ELSPETH stored payloads in (its payload_store.base_path).'],
  STORE_UNREADABLE: ['Cannot read the payload store', 'Check that you have permission to read the folder and its files.'],
  PAYLOAD_CORRUPT: ['Corrupt payload', 'A payload of this run does not match its hash; run the payload audit (Payloads tab) to see which.'],
  NO_STORE: ['No payload store', 'Choose the payload store folder first.'],
  AUDIT_BUSY: ['Audit running', 'Wait for the running payload audit of this database to finish, or cancel it.'],
  NO_AUDIT: ['No audit yet', 'Run the payload audit first.'],
  INTERNAL: ['Something went wrong', 'An internal error occurred; details are in the application log.'],
};

export function errorTitle(code: ResultCode): string {
  return TITLES[code]?.[0] ?? 'The operation failed';
}

export function errorAdvice(code: ResultCode): string {
  return TITLES[code]?.[1] ?? '';
}
