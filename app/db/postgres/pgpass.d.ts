/** Types of the `pgpass` package (reads libpq's password file, PGPASSFILE or ~/.pgpass). */
declare module 'pgpass' {
  interface ConnInfo {
    host: string;
    port: number;
    database: string;
    user: string;
  }
  function pgpass(connInfo: ConnInfo, cb: (password: string | undefined) => void): void;
  export default pgpass;
}
