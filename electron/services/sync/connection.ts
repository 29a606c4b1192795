/**
 * The sync's PostgreSQL connection as the user gives it: a connection string read into a
 * node-postgres config, errors put in plain words that say what to do, and a connection test
 * that checks everything a sync will need without creating anything.
 *
 * sslmode follows libpq (https://www.postgresql.org/docs/current/libpq-ssl.html), not
 * node-postgres's own reading, which treats prefer, require and verify-ca as verify-full:
 *   disable, allow   no TLS (node-postgres cannot fall back from one to the other within a connect)
 *   prefer, require  TLS, the certificate not checked (with sslrootcert, require checks it as verify-ca)
 *   verify-ca        TLS, the certificate checked against sslrootcert, the host name not
 *   verify-full      TLS, certificate and host name checked (sslrootcert, else the system's CAs)
 *   none given       no TLS, as node-postgres does; a server that insists answers tls_required
 * `prefer` never falls back to an unencrypted connection: against a server without TLS it
 * fails with tls_unavailable, whose message says to use sslmode=disable.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { userInfo } from 'node:os';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { AppError } from '../../../shared/types/errors';

/** Schema names Hearth accepts: lower-case, no quoting needed, at most 63 bytes. */
export const SYNC_SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** PostgreSQL 13 is the oldest Hearth syncs with. */
export const MIN_SERVER_VERSION_NUM = 130000;

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_TEST_TIMEOUT_MS = 5_000;

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
const SSL_MODES: readonly string[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** Where a connection goes, for messages. */
export interface SyncTarget {
  host: string;
  port: number;
  database: string;
  user: string;
}

export interface ParsedSyncUrl {
  config: pg.ClientConfig;
  /** The connection string with the password shown as •••, for Settings and logs. */
  display: string;
  target: SyncTarget;
  sslmode: SslMode;
}

export type PgProblem =
  | 'unreachable'
  | 'timeout'
  | 'wrong_password'
  | 'no_database'
  | 'no_privilege'
  | 'tls_required'
  | 'tls_unavailable'
  | 'server_too_old'
  | 'other';

export interface ExplainedPgError {
  reason: PgProblem;
  message: string;
}

export type ConnectionTestResult =
  { ok: true; serverVersion: string; schemaExists: boolean } | { ok: false; reason: PgProblem; message: string };

const EXAMPLE = 'postgresql://user:password@host:5432/database';

function invalid(message: string): AppError {
  return new AppError('invalid_input', message);
}

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw invalid(`The ${what} in the connection string has a stray "%": write a literal % as %25.`);
  }
}

function readPemFile(path: string, param: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'permission denied' : String(code);
    throw invalid(`Can't read ${path}, named by ${param} in the connection string: ${why}.`);
  }
}

/** `password=…` in the query shown as •••, everything else as written. */
function maskedSearch(search: string): string {
  if (!search) return '';
  const parts = search
    .slice(1)
    .split('&')
    .map((pair) => (/^password=/i.test(pair) ? 'password=•••' : pair));
  return `?${parts.join('&')}`;
}

/**
 * Read a `postgres://` or `postgresql://` connection string (as Neon, Supabase or a self-hosted
 * server give it). Throws AppError('invalid_input') in plain words for anything else.
 */
export function parseSyncUrl(url: string): ParsedSyncUrl {
  const text = url.trim();
  if (text === '') throw invalid(`Enter a PostgreSQL connection string, like ${EXAMPLE}.`);
  const scheme = /^(postgres(?:ql)?):\/\//i.exec(text);
  if (!scheme) {
    if (/(^|\s)(host|dbname|user)\s*=/i.test(text)) {
      throw invalid(`Write the connection as a URL, like ${EXAMPLE}, not as key=value settings.`);
    }
    throw invalid(`That is not a PostgreSQL connection string: it starts with postgresql://, like ${EXAMPLE}.`);
  }
  if (/\[your[-_ ]?password\]|<password>|\[password\]/i.test(text)) {
    throw invalid(
      'Replace the password placeholder (like [YOUR-PASSWORD]) in the connection string with the password.',
    );
  }
  const authority = text.slice(scheme[0].length).split(/[/?#]/, 1)[0] ?? '';
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostPort.includes(',')) {
    throw invalid('The connection string names several hosts; Hearth connects to one. Keep only the primary server.');
  }
  if (text.includes('#')) {
    throw invalid('The connection string contains "#": in a password, write it as %23.');
  }
  // A later "@" means the password holds a / or ?, which ended the host part early: not a port problem.
  const atLater = (text.slice(scheme[0].length + authority.length).split('?')[0] ?? '').includes('@');
  const writtenPort = /^(?:\[[^\]]*\]|[^:]*):(.+)$/.exec(hostPort)?.[1];
  if (!atLater && writtenPort !== undefined && !(/^\d{1,5}$/.test(writtenPort) && Number(writtenPort) <= 65535)) {
    throw invalid(`The port in the connection string must be a number from 1 to 65535, not "${writtenPort}".`);
  }
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw invalid(
      `This connection string can't be read. It should look like ${EXAMPLE}; characters such as / ? # @ or % ` +
        'in the user name or password must be percent-encoded (/ as %2F, ? as %3F, # as %23, @ as %40, % as %25).',
    );
  }
  const q = u.searchParams;

  let host = q.get('host') ?? decode(u.hostname.replace(/^\[(.*)\]$/, '$1'), 'host');
  if (host === '') host = 'localhost';
  const socket = host.startsWith('/');
  const portText = q.get('port') ?? u.port;
  const port = portText === '' ? 5432 : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw invalid(`The port in the connection string must be a number from 1 to 65535, not "${portText}".`);
  }
  let user = q.get('user') ?? decode(u.username, 'user name');
  if (user === '') {
    user = process.env.PGUSER ?? '';
    if (user === '') {
      try {
        user = userInfo().username;
      } catch {
        throw invalid(`Add the user name to the connection string: ${EXAMPLE}.`);
      }
    }
  }
  const password = q.get('password') ?? (u.password === '' ? undefined : decode(u.password, 'password'));
  const path = decode(u.pathname.replace(/^\//, ''), 'database name');
  if (path.includes('/')) throw invalid(`The database name cannot contain "/": ${EXAMPLE}.`);
  const database = q.get('dbname') ?? (path || user);

  const modeParam = q.get('sslmode');
  const legacySsl = q.get('ssl');
  let sslmode: SslMode;
  if (modeParam !== null) {
    const mode = modeParam === 'no-verify' ? 'require' : modeParam.toLowerCase();
    if (!SSL_MODES.includes(mode)) {
      throw invalid(
        `sslmode=${modeParam} is not one Hearth knows: use disable, prefer, require, verify-ca or verify-full.`,
      );
    }
    sslmode = mode as SslMode;
  } else if (legacySsl === 'true' || legacySsl === '1') {
    sslmode = 'verify-full';
  } else {
    sslmode = 'disable';
  }
  const rootCert = q.get('sslrootcert');
  const ca = rootCert && rootCert !== 'system' ? readPemFile(rootCert, 'sslrootcert') : undefined;
  const noIdentityCheck = () => undefined;
  let tls: ConnectionOptions | false;
  switch (sslmode) {
    case 'disable':
    case 'allow':
      tls = false;
      break;
    case 'prefer':
      tls = { rejectUnauthorized: false };
      break;
    case 'require':
      tls = ca ? { ca, checkServerIdentity: noIdentityCheck } : { rejectUnauthorized: false };
      break;
    case 'verify-ca':
      if (!ca) {
        throw invalid(
          'sslmode=verify-ca needs the certificate of the authority that signed the server’s: add sslrootcert=/path/to/ca.crt ' +
            '(with a certificate from a public authority, use sslmode=verify-full).',
        );
      }
      tls = { ca, checkServerIdentity: noIdentityCheck };
      break;
    case 'verify-full':
      tls = ca ? { ca } : {};
      break;
  }
  // A Unix socket is local: libpq ignores sslmode there, and so do we.
  if (socket) tls = false;
  if (tls) {
    const cert = q.get('sslcert');
    const key = q.get('sslkey');
    if (cert) tls.cert = readPemFile(cert, 'sslcert');
    if (key) tls.key = readPemFile(key, 'sslkey');
  }

  const config: pg.ClientConfig = {
    host,
    port,
    user,
    database,
    ssl: tls,
    connectionTimeoutMillis: DEFAULT_CONNECT_TIMEOUT_MS,
    keepAlive: true,
    application_name: q.get('application_name') ?? 'Hearth',
  };
  if (password !== undefined) config.password = password;
  const timeout = q.get('connect_timeout');
  if (timeout !== null) {
    const seconds = Number(timeout);
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw invalid(`connect_timeout is in seconds: a number, not "${timeout}".`);
    }
    // libpq: 0 waits for ever, and anything shorter than 2 s counts as 2 s.
    config.connectionTimeoutMillis = seconds === 0 ? 0 : Math.max(2, seconds) * 1000;
  }
  const options = q.get('options');
  if (options) config.options = options;
  const binding = q.get('channel_binding');
  if (binding === 'require' && !tls) {
    throw invalid('channel_binding=require needs an encrypted connection: add sslmode=require (or verify-full).');
  }
  if ((binding === 'require' || binding === 'prefer') && tls) config.enableChannelBinding = true;

  const userPart = u.username || u.password ? `${u.username}${u.password ? ':•••' : ''}@` : '';
  const display = `${scheme[1]!.toLowerCase()}://${userPart}${u.host}${u.pathname}${maskedSearch(u.search)}`;
  return { config, display, target: { host, port, database, user }, sslmode };
}

// ---------------------------------------------------------------------------------------------

export interface ExplainTarget extends Partial<SyncTarget> {
  /** The sync schema, for privilege messages. */
  schema?: string;
  /** The connect timeout used, for the timeout message. */
  timeoutMs?: number;
}

interface ErrorLike {
  message?: string;
  code?: string;
  detail?: string;
  severity?: string;
  address?: string;
  port?: number;
  hostname?: string;
  errors?: unknown[];
  cause?: unknown;
}

const CERT_ERRORS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'it was signed by an authority this computer does not trust',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'it was signed by an authority this computer does not know',
  UNABLE_TO_GET_ISSUER_CERT: 'it was signed by an authority this computer does not know',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'it was signed by an authority this computer does not know',
  CERT_UNTRUSTED: 'it is not trusted',
  CERT_SIGNATURE_FAILURE: 'its signature does not match',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'it was issued for another host name',
};

const NETWORK_UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);

/** The error to read: Node's happy-eyeballs connect wraps each address's failure in an AggregateError. */
function unwrap(err: unknown): ErrorLike {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as ErrorLike;
  if (!e.code && Array.isArray(e.errors) && e.errors.length > 0) {
    const first = e.errors[0] as ErrorLike;
    return { ...first, message: first.message ?? e.message };
  }
  return e;
}

function targetOf(target: ExplainTarget | string | undefined): ExplainTarget {
  if (typeof target !== 'string') return target ?? {};
  try {
    return parseSyncUrl(target).target;
  } catch {
    return {};
  }
}

/** "alice" in double quotes, as PostgreSQL writes names; an SQL identifier quoted only when it must be. */
const dq = (name: string) => `"${name}"`;
const ident = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);

/**
 * Plain words for a failed connect or query, naming the host, port, database and user where
 * they are known (`target`: the parts, or the connection string itself).
 */
export function explainPgError(err: unknown, target?: ExplainTarget | string): ExplainedPgError {
  if (err instanceof AppError) return { reason: 'other', message: err.message };
  const t = targetOf(target);
  const e = unwrap(err);
  const code = e.code ?? '';
  const text = e.message ?? String(err);
  const host = t.host ?? e.hostname ?? e.address;
  const port = t.port ?? e.port;
  const where = host ? `${isIP(host) === 6 ? `[${host}]` : host}${port ? `:${port}` : ''}` : 'the PostgreSQL server';
  const on = host ? ` on ${host}` : '';
  const user = t.user ?? /user "([^"]+)"/.exec(text)?.[1];
  const forUser = user ? ` for user ${dq(user)}` : '';
  const database = t.database ?? /database "([^"]+)"/.exec(text)?.[1];
  const schema = t.schema;

  // The network.
  if (code === 'ECONNREFUSED') {
    return {
      reason: 'unreachable',
      message: `Can't reach ${where} — is PostgreSQL running and listening on that address?`,
    };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return {
      reason: 'unreachable',
      message: `Can't find the host ${host ? dq(host) : 'in the connection string'} — check its spelling, and that this computer is online.`,
    };
  }
  if (NETWORK_UNREACHABLE.has(code)) {
    return {
      reason: 'unreachable',
      message: `Can't reach ${where}: there is no route to that address — check the host, and your network or VPN.`,
    };
  }
  if (code === 'ETIMEDOUT' || /timeout expired|connection timeout|Query read timeout/i.test(text)) {
    const after = t.timeoutMs ? ` within ${Math.round(t.timeoutMs / 100) / 10} s` : '';
    return {
      reason: 'timeout',
      message: `${where} did not answer${after} — a firewall may be dropping the connection, or the server is down or overloaded.`,
    };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /Connection terminated unexpectedly/i.test(text)) {
    return {
      reason: 'unreachable',
      message: `The connection to ${where} was cut — the server may have restarted, or something on the way (a proxy or firewall) closed it.`,
    };
  }

  // TLS.
  if (/does not support SSL connections/i.test(text)) {
    return {
      reason: 'tls_unavailable',
      message: `${where} does not offer encrypted connections, but the connection string asks for them (sslmode): turn on ssl on the server, or use sslmode=disable on a network you trust.`,
    };
  }
  const certProblem = CERT_ERRORS[code];
  if (certProblem) {
    return {
      reason: 'other',
      message: `The certificate of ${host ?? 'the server'} could not be verified: ${certProblem}. Name the authority that signed it with sslrootcert=/path/to/ca.crt, or use sslmode=require to encrypt without checking it.`,
    };
  }

  // What the server said (SQLSTATE).
  switch (code) {
    case '28P01':
      return {
        reason: 'wrong_password',
        message: `PostgreSQL refused the password${forUser}. Check it in the connection string (characters like @ / ? # % must be percent-encoded).`,
      };
    case '28000':
      if (/no encryption/i.test(text)) {
        return {
          reason: 'tls_required',
          message: 'This server only accepts encrypted connections: add ?sslmode=require to the connection string.',
        };
      }
      if (/pg_hba\.conf/i.test(text)) {
        return {
          reason: 'no_privilege',
          message: `${where} does not let${user ? ` user ${dq(user)}` : ' this user'} connect${database ? ` to database ${dq(database)}` : ''} from this computer (no matching line in its pg_hba.conf) — an administrator must allow it.`,
        };
      }
      if (/role .* does not exist/i.test(text)) {
        return {
          reason: 'wrong_password',
          message: `There is no user ${user ? dq(user) : 'by that name'}${on} — check the user name in the connection string.`,
        };
      }
      return { reason: 'wrong_password', message: `PostgreSQL refused the login${forUser}: ${text}` };
    case '3D000': {
      const name = database ?? 'named in the connection string';
      return {
        reason: 'no_database',
        message: database
          ? `The database ${dq(database)} does not exist${on} — create it (createdb ${database}) or use another name.`
          : `The database ${name} does not exist${on} — create it or use another name.`,
      };
    }
    case '42501': {
      const who = user ? `User ${dq(user)}` : 'This user';
      const to = user ? ident(user) : '<user>';
      if (/CONNECT privilege/i.test(e.detail ?? '') || (e.severity === 'FATAL' && /for database/i.test(text))) {
        return {
          reason: 'no_privilege',
          message: `${who} may not connect to database ${dq(database ?? '?')}: an administrator can allow it with GRANT CONNECT ON DATABASE ${ident(database ?? '?')} TO ${to}.`,
        };
      }
      if (/permission denied for database/i.test(text)) {
        return {
          reason: 'no_privilege',
          message: createSchemaHint(user, database, schema),
        };
      }
      const inSchema = /permission denied for schema (\S+)/i.exec(text)?.[1] ?? null;
      if (inSchema) {
        return {
          reason: 'no_privilege',
          message: `${who} may not use the schema ${dq(inSchema)}: an administrator can grant it with GRANT USAGE, CREATE ON SCHEMA ${ident(inSchema)} TO ${to}.`,
        };
      }
      return {
        reason: 'no_privilege',
        message: `${who} lacks a privilege the sync needs (${text})${schema ? ` — if another user made the schema ${dq(schema)}, use a schema of your own` : ''}.`,
      };
    }
    case '53300':
      return {
        reason: 'other',
        message: `${where} has no free connections left (max_connections) — try again later, or ask its administrator.`,
      };
    case '57P03':
      return { reason: 'unreachable', message: `${where} is starting up or shutting down — try again in a moment.` };
    case '57P01':
    case '57P02':
    case '57P05':
      return {
        reason: 'unreachable',
        message: `${where} closed the connection (it is shutting down, or an administrator ended the session).`,
      };
    case '25006':
      return {
        reason: 'no_privilege',
        message: `${where} accepts only reads here (a standby, or a read-only user) — connect to the primary server.`,
      };
  }
  if (/password must be a string|SCRAM-SERVER-FIRST-MESSAGE/i.test(text)) {
    return {
      reason: 'wrong_password',
      message: `The server asks for a password${forUser}, but the connection string has none: write it as postgresql://${user ?? 'user'}:PASSWORD@${host ?? 'host'}/…`,
    };
  }
  if (/^[0-9A-Z]{5}$/.test(code)) return { reason: 'other', message: `PostgreSQL at ${where} answered: ${text}` };
  return { reason: 'other', message: `Could not talk to ${where}: ${text}` };
}

function createSchemaHint(user: string | undefined, database: string | undefined, schema: string | undefined): string {
  const who = user ? `User ${dq(user)}` : 'This user';
  const s = schema ? `the schema ${dq(schema)}` : 'its schema';
  const db = database ? ` in database ${dq(database)}` : '';
  const grant = `GRANT CREATE ON DATABASE ${ident(database ?? '<database>')} TO ${ident(user ?? '<user>')}`;
  return `${who} may not create ${s}${db}: grant it with ${grant}, or have an administrator create the schema.`;
}

// ---------------------------------------------------------------------------------------------

interface ServerFacts {
  num: number;
  version: string;
  usr: string;
  db: string;
  read_only: string;
}

interface SchemaFacts {
  can_use: boolean;
  can_create: boolean;
  owner: string;
  blocked: string[];
}

/**
 * Connect and check what a sync needs — PostgreSQL 13 or newer, a writable server, and the schema:
 * either it exists and this user may use and create in it (and use its tables), or the user may
 * create it — without creating or changing anything. Always closes its connection. A malformed
 * connection string or schema name throws AppError('invalid_input'); everything else is an answer.
 */
export async function testConnection(
  url: string,
  schema: string,
  opts: { timeoutMs?: number } = {},
): Promise<ConnectionTestResult> {
  if (!SYNC_SCHEMA_PATTERN.test(schema)) {
    throw invalid(
      `"${schema}" cannot name a schema: use lower-case letters, digits and _ (up to 63), starting with a letter or _.`,
    );
  }
  const parsed = parseSyncUrl(url);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS;
  const target: ExplainTarget = { ...parsed.target, schema, timeoutMs };
  const client = new pg.Client({
    ...parsed.config,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    keepAlive: false,
  });
  client.on('error', () => {
    // A connection lost after connect fails the query in progress, which answers.
  });
  try {
    await client.connect();
    const facts = (
      await client.query<ServerFacts>(
        `SELECT current_setting('server_version_num')::int AS num, current_setting('server_version') AS version,
                current_user AS usr, current_database() AS db, current_setting('transaction_read_only') AS read_only`,
      )
    ).rows[0]!;
    const where = `${parsed.target.host}:${parsed.target.port}`;
    if (facts.num < MIN_SERVER_VERSION_NUM) {
      return {
        ok: false,
        reason: 'server_too_old',
        message: `${where} runs PostgreSQL ${facts.version}; Hearth needs PostgreSQL 13 or newer.`,
      };
    }
    if (facts.read_only === 'on') {
      return explained({ code: '25006', message: 'read-only' }, target);
    }
    target.user = facts.usr;
    target.database = facts.db;
    const who = `User ${dq(facts.usr)}`;
    const found = (
      await client.query<SchemaFacts>(
        `SELECT has_schema_privilege(n.oid, 'USAGE') AS can_use, has_schema_privilege(n.oid, 'CREATE') AS can_create,
                pg_get_userbyid(n.nspowner) AS owner,
                ARRAY(SELECT c.relname::text FROM pg_class c
                       WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'S')
                         AND NOT CASE WHEN c.relkind = 'S'
                               THEN has_sequence_privilege(c.oid, 'USAGE') AND has_sequence_privilege(c.oid, 'UPDATE')
                               ELSE has_table_privilege(c.oid, 'SELECT') AND has_table_privilege(c.oid, 'INSERT')
                                AND has_table_privilege(c.oid, 'UPDATE') AND has_table_privilege(c.oid, 'DELETE') END
                       ORDER BY c.relname) AS blocked
           FROM pg_namespace n WHERE n.nspname = $1`,
        [schema],
      )
    ).rows[0];
    if (found) {
      if (!found.can_use || !found.can_create) {
        return {
          ok: false,
          reason: 'no_privilege',
          message: `${who} may not use the schema ${dq(schema)} in database ${dq(facts.db)} (it belongs to ${dq(found.owner)}): an administrator can grant it with GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${ident(facts.usr)}.`,
        };
      }
      if (found.blocked.length > 0) {
        return {
          ok: false,
          reason: 'no_privilege',
          message: `${who} may not use the tables in the schema ${dq(schema)} (${found.blocked.join(', ')}): another user's sync lives there. Use a schema of your own, or have ${dq(found.owner)} grant access.`,
        };
      }
    } else {
      const may = (
        await client.query<{ may: boolean }>(`SELECT has_database_privilege(current_database(), 'CREATE') AS may`)
      ).rows[0]!;
      if (!may.may) {
        return { ok: false, reason: 'no_privilege', message: createSchemaHint(facts.usr, facts.db, schema) };
      }
    }
    return { ok: true, serverVersion: facts.version, schemaExists: found !== undefined };
  } catch (err) {
    return explained(err, target);
  } finally {
    await client.end().catch(() => {});
  }
}

function explained(err: unknown, target: ExplainTarget): ConnectionTestResult {
  const { reason, message } = explainPgError(err, target);
  return { ok: false, reason, message };
}
