/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a temporary folder (as the `postgres`
 * user when running as root, since initdb refuses root), listening only on 127.0.0.1 on a free
 * port with scram-sha-256 password authentication and no Unix socket. It is stopped and removed
 * when the test file ends (`stop()`) and, whatever happens, when the process exits or is ended by
 * SIGINT, SIGTERM or SIGHUP.
 *
 * Roles: a superuser for set-up, an owner that creates and loads the Landscape tables (as ELSPETH's
 * own role would), and a reader with nothing but CONNECT, USAGE on the schema and SELECT.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';

export const SUPERUSER = 'ld_super';
export const OWNER = 'ld_owner';
export const READER = 'ld_reader';
/** Test-only passwords of a cluster that lives for one test file on 127.0.0.1. */
export const PASSWORDS = { [SUPERUSER]: 'super-pw', [OWNER]: 'owner-pw', [READER]: 'reader pw:with/odd@chars' } as const;

/** Where the server binaries are: pg_config's bindir, Debian's versioned folders, or PATH. */
export function findPgBin(): string | null {
  const has = (dir: string) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'));
  const r = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (r.status === 0 && has(r.stdout.trim())) return r.stdout.trim();
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const versions = fs.readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (has(path.join(debian, v, 'bin'))) return path.join(debian, v, 'bin');
  }
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) if (dir && has(dir)) return dir;
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const isRoot = process.getuid?.() === 0;

/** Signals that end a test process (a runner's timeout, Ctrl-C): the cluster goes with it. */
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** A self-signed certificate for 127.0.0.1: `<dir>/<name>.crt` and its key `<name>.key` (mode 0600). */
export function selfSigned(dir: string, name: string): string {
  const crt = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  fs.chmodSync(key, 0o600);
  return crt;
}

/** Runs a server binary, as `postgres` when we are root. */
function runPg(bin: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): string {
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
}

export class PgCluster {
  private stopped = false;
  private readonly onExit = () => this.stop();

  /** A signal that would end the process first stops the server, then ends the process as the signal would have. */
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.stop();
    process.kill(process.pid, signal);
  };

  private constructor(readonly bin: string, readonly dir: string, readonly port: number) {
    process.once('exit', this.onExit);
    for (const s of SIGNALS) process.once(s, this.onSignal);
  }

  /**
   * initdb + start; about two seconds. `tls` gives the server a fresh self-signed certificate for
   * 127.0.0.1 (`<dir>/server.crt`, usable as a client's root certificate); plain connections stay allowed.
   */
  static async start(opts: { tls?: boolean } = {}): Promise<PgCluster> {
    const bin = findPgBin();
    if (!bin) throw new Error('PostgreSQL server binaries not found (install Debian\'s postgresql package; see README)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-pg-'));
    const port = await freePort();
    const cluster = new PgCluster(bin, dir, port);
    try {
      if (isRoot) execFileSync('chown', ['postgres:postgres', dir]);
      fs.chmodSync(dir, 0o700);
      const pwfile = path.join(dir, 'pw');
      fs.writeFileSync(pwfile, `${PASSWORDS[SUPERUSER]}\n`, { mode: 0o600 });
      if (isRoot) execFileSync('chown', ['postgres:postgres', pwfile]);
      const data = path.join(dir, 'data');
      runPg(path.join(bin, 'initdb'), ['-D', data, '-U', SUPERUSER, '--pwfile', pwfile, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']);
      fs.writeFileSync(path.join(data, 'pg_hba.conf'), 'host all all 127.0.0.1/32 scram-sha-256\n');
      const conf = [`listen_addresses = '127.0.0.1'`, `port = ${port}`, `unix_socket_directories = ''`, `timezone = 'UTC'`, 'fsync = off', 'max_connections = 40', 'shared_buffers = 32MB'];
      if (opts.tls) {
        selfSigned(dir, 'server');
        for (const f of ['server.crt', 'server.key']) if (isRoot) execFileSync('chown', ['postgres:postgres', path.join(dir, f)]);
        conf.push('ssl = on', `ssl_cert_file = '${path.join(dir, 'server.crt')}'`, `ssl_key_file = '${path.join(dir, 'server.key')}'`);
      }
      fs.appendFileSync(path.join(data, 'postgresql.conf'), `\n${conf.join('\n')}\n`);
      runPg(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start']);
      await cluster.sql(SUPERUSER, 'postgres', [
        `CREATE ROLE ${OWNER} LOGIN PASSWORD '${PASSWORDS[OWNER]}'`,
        `CREATE ROLE ${READER} LOGIN PASSWORD '${PASSWORDS[READER]}'`,
      ]);
      return cluster;
    } catch (e) {
      cluster.stop();
      throw e;
    }
  }

  /** A URL for `role` (with its password unless `password: false`). */
  url(role: string, database: string, opts: { password?: boolean; params?: string } = {}): string {
    const pw = opts.password === false ? '' : `:${encodeURIComponent(PASSWORDS[role as keyof typeof PASSWORDS] ?? '')}`;
    return `postgresql://${role}${pw}@127.0.0.1:${this.port}/${database}${opts.params ? `?${opts.params}` : '?sslmode=disable'}`;
  }

  /** A connected `pg` client as `role` (test set-up and concurrent writers). */
  async client(role: string, database: string): Promise<pg.Client> {
    const c = new pg.Client({ host: '127.0.0.1', port: this.port, user: role, password: PASSWORDS[role as keyof typeof PASSWORDS], database });
    await c.connect();
    return c;
  }

  /** Runs statements one by one as `role`. */
  async sql(role: string, database: string, statements: string[]): Promise<void> {
    const c = await this.client(role, database);
    try {
      for (const s of statements) await c.query(s);
    } finally {
      await c.end();
    }
  }

  /**
   * A new database owned by the owner role, where the reader may only connect, use the schema and
   * select (granted now and for tables the owner creates later).
   */
  async createDatabase(name: string): Promise<void> {
    await this.sql(SUPERUSER, 'postgres', [
      `CREATE DATABASE ${name} OWNER ${OWNER}`,
      `REVOKE ALL ON DATABASE ${name} FROM PUBLIC`,
      `GRANT CONNECT ON DATABASE ${name} TO ${READER}, ${OWNER}`,
    ]);
    await this.sql(SUPERUSER, name, [
      `GRANT USAGE ON SCHEMA public TO ${READER}`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${OWNER} IN SCHEMA public GRANT SELECT ON TABLES TO ${READER}`,
    ]);
  }

  /** `pg_dump --data-only` of a database (a fixed restrict key, so two dumps of the same data are equal). */
  dump(database: string): string {
    const args = ['-h', '127.0.0.1', '-p', String(this.port), '-U', SUPERUSER, '--data-only', '--no-owner', '--no-privileges', '--inserts', database];
    const help = spawnSync(path.join(this.bin, 'pg_dump'), ['--help'], { encoding: 'utf8' }).stdout;
    if (help.includes('--restrict-key')) args.unshift('--restrict-key=landscapedesktest');
    return execFileSync(path.join(this.bin, 'pg_dump'), args, { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, PGPASSWORD: PASSWORDS[SUPERUSER] } });
  }

  /** Stops the server and removes its folder; safe to call twice. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    process.removeListener('exit', this.onExit);
    for (const sig of SIGNALS) process.removeListener(sig, this.onSignal);
    const data = path.join(this.dir, 'data');
    try {
      if (fs.existsSync(path.join(data, 'postmaster.pid'))) runPg(path.join(this.bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already stopped; the folder goes either way
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
