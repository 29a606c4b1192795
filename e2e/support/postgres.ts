/**
 * Throwaway PostgreSQL clusters for tests (test support, never imported by the app).
 *
 * `startPostgres()` runs initdb into a fresh temp folder and starts the server on a free loopback
 * port (about a second): TCP on 127.0.0.1 with password (scram-sha-256) auth for a superuser whose
 * password is known, plus a Unix socket in the same folder, trusted, that `admin()` uses. With
 * `ssl: true` the server gets a self-signed certificate (`caFile`, valid for localhost and
 * 127.0.0.1) and a pg_hba that accepts only `hostssl`, so a client without TLS is refused with
 * PostgreSQL's "no pg_hba.conf entry … no encryption".
 *
 * Debian's binaries (/usr/lib/postgresql/<version>/bin, `apt-get install postgresql-15`; or
 * HEARTH_PG_BIN) refuse to run as root, so as root every server command runs as the `postgres`
 * user and the folder is handed to it. Clusters are removed by `remove()`, by `usePostgres`'s
 * afterAll, by a process 'exit'/signal hook if a test file crashes (`pg_ctl stop -m immediate`,
 * synchronously), and, for a runner killed outright, by the next `startPostgres` in any process,
 * which sweeps folders whose owning process is gone.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface StartPostgresOptions {
  /** Serve TLS with a self-signed certificate and accept only `hostssl` connections. */
  ssl?: boolean;
}

export interface PostgresUrlOptions {
  /** Default `postgres`. */
  database?: string;
  /** Default the superuser. */
  user?: string;
  /** Default the superuser's password when the user is the superuser, else none. */
  password?: string;
  /** Query parameters, e.g. `{ sslmode: 'require' }`. */
  params?: Record<string, string>;
}

export interface TestPostgres {
  /** Always 127.0.0.1. */
  readonly host: string;
  readonly port: number;
  /** The superuser and its password (host connections need it; `admin()` does not). */
  readonly adminUser: string;
  readonly adminPassword: string;
  /** The temp folder: data/, server.log, the socket, the certificate. */
  readonly dir: string;
  readonly ssl: boolean;
  /** With `ssl`: the self-signed certificate, usable as `sslrootcert`; else null. */
  readonly caFile: string | null;
  /** `postgresql://user:password@127.0.0.1:port/database?params`, every part URL-encoded. */
  url(opts?: PostgresUrlOptions): string;
  /** Run SQL as the superuser over the Unix socket (database `postgres` unless given); the rows. */
  admin<R extends pg.QueryResultRow = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
    opts?: { database?: string },
  ): Promise<R[]>;
  createDatabase(name: string): Promise<void>;
  /**
   * A login role with this password. It may connect to every database (PUBLIC's CONNECT); with
   * `canCreateSchema` it also gets CREATE on `database` (default `postgres`), without it may not
   * create anything there.
   */
  createRole(name: string, password: string, opts: { canCreateSchema: boolean; database?: string }): Promise<void>;
  /** Client connections other than the caller's own admin one, optionally of one user. */
  clientBackends(opts?: { user?: string }): Promise<number>;
  /** pg_terminate_backend on every client backend but the admin's own; waits for them to end; how many. */
  terminateConnections(): Promise<number>;
  /** Fast shutdown (clients are disconnected); data and port are kept. */
  stop(): Promise<void>;
  /** Start again after `stop()`, same port and data. */
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stop (immediately) and delete the folder. Safe to call twice. */
  remove(): Promise<void>;
  /** The server log so far (for failure messages). */
  log(): string;
}

const ADMIN_USER = 'hearth_admin';
const DIR_PREFIX = 'hearth-pg-';

/** Clusters of this process that still have a folder, for the exit hook. */
const live = new Set<{ dir: string; data: string }>();
let hooksInstalled = false;
let swept = false;

function findBinDir(): string {
  const fromEnv = process.env.HEARTH_PG_BIN;
  if (fromEnv) {
    if (!existsSync(join(fromEnv, 'pg_ctl'))) throw new Error(`HEARTH_PG_BIN=${fromEnv} holds no pg_ctl`);
    return fromEnv;
  }
  for (const v of ['15', '16', '17', '18', '14', '13']) {
    const dir = `/usr/lib/postgresql/${v}/bin`;
    if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  throw new Error(
    'PostgreSQL server binaries not found (looked in /usr/lib/postgresql/<13-18>/bin): ' +
      'apt-get install postgresql-15, or set HEARTH_PG_BIN to the folder holding initdb and pg_ctl.',
  );
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

let pgIds: { uid: number; gid: number } | null = null;
function postgresIds(): { uid: number; gid: number } {
  if (!pgIds) {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      pgIds = { uid, gid };
    } catch {
      throw new Error(
        'Running as root, the test PostgreSQL needs the "postgres" user (apt-get install postgresql-15).',
      );
    }
  }
  return pgIds;
}

/** Hand a file or folder to the server's user (root only; otherwise it is ours already). */
function giveToServer(path: string): void {
  if (!asRoot) return;
  const { uid, gid } = postgresIds();
  chownSync(path, uid, gid);
}

/** The command line for a PostgreSQL program, as the postgres user when we are root. */
function command(bin: string, program: string, args: string[]): [string, string[]] {
  const exe = join(bin, program);
  return asRoot ? ['runuser', ['-u', 'postgres', '--', exe, ...args]] : [exe, args];
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PG')) env[k] = v;
  env.LC_ALL = 'C';
  return env;
}

function run(bin: string, program: string, args: string[], cwd: string): Promise<string> {
  const [file, argv] = command(bin, program, args);
  return new Promise((resolve, reject) => {
    execFile(file, argv, { cwd, env: cleanEnv(), encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${program} ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

function runSync(bin: string, program: string, args: string[], cwd: string): void {
  const [file, argv] = command(bin, program, args);
  try {
    execFileSync(file, argv, { cwd, env: cleanEnv(), stdio: 'ignore', timeout: 15_000 });
  } catch {
    // best effort: the server may be gone already
  }
}

/** Stop a cluster at once and delete its folder, synchronously (exit hooks, sweeps). */
function killNow(c: { dir: string; data: string }): void {
  if (existsSync(join(c.data, 'postmaster.pid'))) {
    let bin: string | null = null;
    try {
      bin = findBinDir();
    } catch {
      // nothing to stop with
    }
    if (bin) runSync(bin, 'pg_ctl', ['-D', c.data, '-m', 'immediate', '-w', 'stop'], c.dir);
  }
  rmSync(c.dir, { recursive: true, force: true });
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const cleanup = () => {
    for (const c of [...live]) {
      live.delete(c);
      killNow(c);
    }
  };
  process.on('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      cleanup();
      process.off(signal, onSignal);
      // Nobody else listening: die of the signal as we would have without this hook.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/** Folders left by a runner that was killed outright (SIGKILL): their owner pid is in the name. */
function sweepLeftovers(): void {
  if (swept) return;
  swept = true;
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^hearth-pg-(\d+)-/.exec(name);
    if (!m) continue;
    const owner = Number(m[1]);
    if (owner === process.pid) continue;
    try {
      process.kill(owner, 0);
      continue; // alive (or not ours to signal): leave it
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') continue;
    }
    const dir = join(tmpdir(), name);
    killNow({ dir, data: join(dir, 'data') });
  }
}

/** A port free on 127.0.0.1 right now (the OS picks it; we release it for the server). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;

export async function startPostgres(opts: StartPostgresOptions = {}): Promise<TestPostgres> {
  const bin = findBinDir();
  const ssl = opts.ssl === true;
  if (ssl) {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
    } catch {
      throw new Error('startPostgres({ ssl: true }) needs openssl (apt-get install openssl).');
    }
  }
  installHooks();
  sweepLeftovers();

  const dir = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${process.pid}-`));
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const entry = { dir, data };
  live.add(entry);
  const adminPassword = randomBytes(12).toString('hex');
  let port = 0;
  let running = false;

  const readLog = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };

  const pgCtlStart = () =>
    run(bin, 'pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '30', '-o', `-p ${port}`, 'start'], dir);

  try {
    giveToServer(dir);
    const pwFile = join(dir, 'pw');
    writeFileSync(pwFile, `${adminPassword}\n`, { mode: 0o600 });
    giveToServer(pwFile);
    await run(
      bin,
      'initdb',
      [
        '-D',
        data,
        '-U',
        ADMIN_USER,
        `--pwfile=${pwFile}`,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-sync',
        '--no-instructions',
      ],
      dir,
    );
    rmSync(pwFile);

    const conf = [
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = ${quoteLiteral(dir)}`,
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      'max_connections = 100',
      'shared_buffers = 32MB',
      `password_encryption = 'scram-sha-256'`,
    ];
    const host = ssl ? 'hostssl' : 'host';
    const hba = ['local all all trust', `${host} all all 127.0.0.1/32 scram-sha-256`];
    if (ssl) {
      const crt = join(dir, 'server.crt');
      const key = join(dir, 'server.key');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          key,
          '-out',
          crt,
          '-days',
          '2',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=DNS:localhost,IP:127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
      chmodSync(key, 0o600);
      giveToServer(key);
      giveToServer(crt);
      conf.push('ssl = on', `ssl_cert_file = ${quoteLiteral(crt)}`, `ssl_key_file = ${quoteLiteral(key)}`);
    }
    writeFileSync(join(data, 'postgresql.auto.conf'), `${conf.join('\n')}\n`);
    writeFileSync(join(data, 'pg_hba.conf'), `${hba.join('\n')}\n`);
    giveToServer(join(data, 'postgresql.auto.conf'));
    giveToServer(join(data, 'pg_hba.conf'));

    // The port is free when we ask; another process may take it before the server binds: retry.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await pgCtlStart();
        break;
      } catch (err) {
        const clash = /could not bind|already in use|could not create any TCP\/IP sockets/i.test(readLog());
        if (!clash || attempt >= 5) throw new Error(`${(err as Error).message}\nserver log:\n${readLog()}`);
      }
    }
    running = true;
  } catch (err) {
    live.delete(entry);
    killNow(entry);
    throw err;
  }

  const adminClient = async (database = 'postgres') => {
    const client = new pg.Client({ host: dir, port, user: ADMIN_USER, database, ssl: false });
    client.on('error', () => {}); // terminated by a restart: the awaited call reports it
    await client.connect();
    return client;
  };

  const self: TestPostgres = {
    host: '127.0.0.1',
    port,
    adminUser: ADMIN_USER,
    adminPassword,
    dir,
    ssl,
    caFile: ssl ? join(dir, 'server.crt') : null,

    url(o = {}) {
      const user = o.user ?? ADMIN_USER;
      const password = o.password ?? (user === ADMIN_USER ? adminPassword : undefined);
      const auth = encodeURIComponent(user) + (password !== undefined ? `:${encodeURIComponent(password)}` : '');
      const query = o.params ? `?${new URLSearchParams(o.params).toString()}` : '';
      return `postgresql://${auth}@127.0.0.1:${port}/${encodeURIComponent(o.database ?? 'postgres')}${query}`;
    },

    async admin<R extends pg.QueryResultRow = Record<string, unknown>>(
      sql: string,
      params?: unknown[],
      o: { database?: string } = {},
    ): Promise<R[]> {
      const client = await adminClient(o.database);
      try {
        return (await client.query<R>(sql, params)).rows;
      } finally {
        await client.end().catch(() => {});
      }
    },

    async createDatabase(name) {
      await self.admin(`CREATE DATABASE ${quoteIdent(name)}`);
    },

    async createRole(name, password, o) {
      await self.admin(`CREATE ROLE ${quoteIdent(name)} LOGIN PASSWORD ${quoteLiteral(password)}`);
      if (o.canCreateSchema) {
        await self.admin(`GRANT CREATE ON DATABASE ${quoteIdent(o.database ?? 'postgres')} TO ${quoteIdent(name)}`);
      }
    },

    async clientBackends(o = {}) {
      const rows = await self.admin<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND ($1::text IS NULL OR usename = $1)`,
        [o.user ?? null],
      );
      return rows[0]?.n ?? 0;
    },

    async terminateConnections() {
      const rows = await self.admin<{ n: number }>(
        `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000))::int AS n FROM pg_stat_activity
          WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      );
      return rows[0]?.n ?? 0;
    },

    async stop() {
      if (!running) return;
      await run(bin, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop'], dir);
      running = false;
    },

    async start() {
      if (running) return;
      if (!live.has(entry)) throw new Error('this test PostgreSQL was removed');
      try {
        await pgCtlStart();
      } catch (err) {
        throw new Error(`${(err as Error).message}\nserver log:\n${readLog()}`);
      }
      running = true;
    },

    async restart() {
      await self.stop();
      await self.start();
    },

    async remove() {
      if (!live.has(entry)) return;
      live.delete(entry);
      running = false;
      killNow(entry);
    },

    log: readLog,
  };
  return self;
}
