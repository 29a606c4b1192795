/** The sync's connection string, its plain-words errors and the connection test, against real PostgreSQL. */
import { createServer, type Server, type Socket } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/types/errors';
import { usePostgres } from '../../../e2e/support/use-postgres';
import { explainPgError, parseSyncUrl, testConnection } from './connection';

const plain = usePostgres();
const tls = usePostgres({ ssl: true });

const DB = 'hearth_sync';

beforeAll(async () => {
  const pgc = plain();
  await pgc.createDatabase(DB);
  await pgc.createRole('alice', 'alice-pw', { canCreateSchema: true, database: DB });
  await pgc.createRole('bob', 'bob-pw', { canCreateSchema: false });
  await pgc.createRole('carol', 'carol-pw', { canCreateSchema: true, database: DB });
  await pgc.createRole('dave', 'dave-pw', { canCreateSchema: true, database: DB });
  await pgc.createDatabase('closed_db');
  await pgc.admin('REVOKE CONNECT ON DATABASE closed_db FROM PUBLIC');
  await pgc.admin('ALTER ROLE dave SET default_transaction_read_only = on');
  await tls().createDatabase(DB);
  await tls().createRole('alice', 'alice-pw', { canCreateSchema: true, database: DB });
});

const as = (user: string, extra: { database?: string; params?: Record<string, string> } = {}) =>
  plain().url({ user, password: `${user}-pw`, database: DB, ...extra });

/** A port nothing listens on: bound by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('testConnection against a real PostgreSQL', () => {
  it('OK: reports the version and whether the schema exists, creating nothing, and closes its connection', async () => {
    const result = await testConnection(as('alice'), 'hearth');
    expect(result).toEqual({ ok: true, serverVersion: expect.stringMatching(/^1[3-9]/), schemaExists: false });
    expect(await plain().admin(`SELECT 1 FROM pg_namespace WHERE nspname = 'hearth'`, [], { database: DB })).toEqual(
      [],
    );
    await plain().admin('CREATE SCHEMA made_by_admin AUTHORIZATION alice', [], { database: DB });
    expect(await testConnection(as('alice'), 'made_by_admin')).toMatchObject({ ok: true, schemaExists: true });
    // postgres:// is the same thing
    expect(await testConnection(as('alice').replace(/^postgresql:/, 'postgres:'), 'hearth')).toMatchObject({
      ok: true,
    });

    const deadline = Date.now() + 3000;
    while ((await plain().clientBackends({ user: 'alice' })) > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await plain().clientBackends({ user: 'alice' })).toBe(0);
  });

  it('unreachable: a closed port', async () => {
    const port = await closedPort();
    const result = await testConnection(`postgresql://alice:x@127.0.0.1:${port}/${DB}`, 'hearth');
    expect(result).toEqual({
      ok: false,
      reason: 'unreachable',
      message: `Can't reach 127.0.0.1:${port} — is PostgreSQL running and listening on that address?`,
    });
  });

  it('timeout: a server that accepts and never answers', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((s) => sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    try {
      const result = await testConnection(`postgresql://alice:x@127.0.0.1:${port}/${DB}`, 'hearth', { timeoutMs: 300 });
      expect(result).toMatchObject({ ok: false, reason: 'timeout' });
      expect(!result.ok && result.message).toMatch(
        new RegExp(`^127\\.0\\.0\\.1:${port} did not answer within 0\\.3 s`),
      );
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('wrong password, missing password, unknown user', async () => {
    expect(await testConnection(plain().url({ user: 'alice', password: 'nope', database: DB }), 'hearth')).toEqual({
      ok: false,
      reason: 'wrong_password',
      message:
        'PostgreSQL refused the password for user "alice". Check it in the connection string (characters like @ / ? # % must be percent-encoded).',
    });
    const none = await testConnection(`postgresql://alice@127.0.0.1:${plain().port}/${DB}`, 'hearth');
    expect(none).toMatchObject({ ok: false, reason: 'wrong_password' });
    expect(!none.ok && none.message).toMatch(
      /asks for a password for user "alice", but the connection string has none/,
    );
    // scram hides whether the role exists: it is a refused password too
    expect(await testConnection(plain().url({ user: 'nobody', password: 'x', database: DB }), 'hearth')).toMatchObject({
      ok: false,
      reason: 'wrong_password',
    });
  });

  it('no_database: names it and how to create it', async () => {
    expect(await testConnection(as('alice', { database: 'nope' }), 'hearth')).toEqual({
      ok: false,
      reason: 'no_database',
      message: 'The database "nope" does not exist on 127.0.0.1 — create it (createdb nope) or use another name.',
    });
  });

  it('no_privilege: a role that may not create the schema gets the GRANT to run', async () => {
    expect(await testConnection(as('bob'), 'hearth')).toEqual({
      ok: false,
      reason: 'no_privilege',
      message:
        'User "bob" may not create the schema "hearth" in database "hearth_sync": grant it with GRANT CREATE ON DATABASE hearth_sync TO bob, or have an administrator create the schema.',
    });
    // After the grant it passes.
    await plain().admin(`GRANT CREATE ON DATABASE ${DB} TO bob`);
    expect(await testConnection(as('bob'), 'hearth')).toMatchObject({ ok: true, schemaExists: false });
    await plain().admin(`REVOKE CREATE ON DATABASE ${DB} FROM bob`);
    // Or, as README says, an administrator makes the schema and grants its use.
    await plain().admin('CREATE SCHEMA hearth_bob; GRANT USAGE, CREATE ON SCHEMA hearth_bob TO bob', [], {
      database: DB,
    });
    expect(await testConnection(as('bob'), 'hearth_bob')).toMatchObject({ ok: true, schemaExists: true });
  });

  it("no_privilege: an existing schema the user may not use, or another user's tables in it", async () => {
    const pgc = plain();
    await pgc.admin('CREATE SCHEMA alices AUTHORIZATION alice; CREATE TABLE alices.rows (id int)', [], {
      database: DB,
    });
    await pgc.admin('ALTER TABLE alices.rows OWNER TO alice', [], { database: DB });
    const denied = await testConnection(as('carol'), 'alices');
    expect(denied).toEqual({
      ok: false,
      reason: 'no_privilege',
      message:
        'User "carol" may not use the schema "alices" in database "hearth_sync" (it belongs to "alice"): an administrator can grant it with GRANT USAGE, CREATE ON SCHEMA alices TO carol.',
    });
    await pgc.admin('GRANT USAGE, CREATE ON SCHEMA alices TO carol', [], { database: DB });
    const tables = await testConnection(as('carol'), 'alices');
    expect(tables).toMatchObject({ ok: false, reason: 'no_privilege' });
    expect(!tables.ok && tables.message).toMatch(/may not use the tables in the schema "alices" \(rows\)/);
    await pgc.admin('GRANT SELECT, INSERT, UPDATE, DELETE ON alices.rows TO carol', [], { database: DB });
    expect(await testConnection(as('carol'), 'alices')).toMatchObject({ ok: true, schemaExists: true });
  });

  it('no_privilege: no CONNECT on the database; a read-only session', async () => {
    expect(await testConnection(as('alice', { database: 'closed_db' }), 'hearth')).toEqual({
      ok: false,
      reason: 'no_privilege',
      message:
        'User "alice" may not connect to database "closed_db": an administrator can allow it with GRANT CONNECT ON DATABASE closed_db TO alice.',
    });
    expect(await testConnection(as('dave'), 'hearth')).toMatchObject({
      ok: false,
      reason: 'no_privilege',
      message: expect.stringMatching(/accepts only reads here/),
    });
  });

  it('TLS: a TLS-only server refuses a plain client with the fix; sslmode=require and verify-full get in', async () => {
    const server = tls();
    const url = (params?: Record<string, string>) =>
      server.url({ user: 'alice', password: 'alice-pw', database: DB, ...(params ? { params } : {}) });
    expect(await testConnection(url(), 'hearth')).toEqual({
      ok: false,
      reason: 'tls_required',
      message: 'This server only accepts encrypted connections: add ?sslmode=require to the connection string.',
    });
    expect(await testConnection(url({ sslmode: 'require' }), 'hearth')).toMatchObject({ ok: true });
    expect(await testConnection(url({ sslmode: 'prefer' }), 'hearth')).toMatchObject({ ok: true });
    const unverified = await testConnection(url({ sslmode: 'verify-full' }), 'hearth');
    expect(unverified).toMatchObject({ ok: false, reason: 'other' });
    expect(!unverified.ok && unverified.message).toMatch(
      /certificate of 127\.0\.0\.1 could not be verified: it is self-signed.*sslrootcert=.*sslmode=require/,
    );
    expect(await testConnection(url({ sslmode: 'verify-full', sslrootcert: server.caFile! }), 'hearth')).toMatchObject({
      ok: true,
    });
    expect(await testConnection(url({ sslmode: 'verify-ca', sslrootcert: server.caFile! }), 'hearth')).toMatchObject({
      ok: true,
    });
  });

  it('TLS asked of a server without it: tls_unavailable', async () => {
    const result = await testConnection(as('alice', { params: { sslmode: 'require' } }), 'hearth');
    expect(result).toMatchObject({ ok: false, reason: 'tls_unavailable' });
    expect(!result.ok && result.message).toMatch(/does not offer encrypted connections.*sslmode=disable/);
  });

  it('a bad connection string or schema name is invalid input, thrown', async () => {
    await expect(testConnection('mysql://alice:pw@localhost/db', 'hearth')).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(testConnection(as('alice'), 'Hearth')).rejects.toBeInstanceOf(AppError);
    await expect(testConnection(as('alice'), 'a-b')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(testConnection(as('alice'), 'x'.repeat(64))).rejects.toMatchObject({ code: 'invalid_input' });
  });
});

describe('parseSyncUrl', () => {
  const bad = (url: string) => {
    try {
      parseSyncUrl(url);
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('invalid_input');
      return (err as AppError).message;
    }
    throw new Error(`accepted ${url}`);
  };

  it('reads what Neon, Supabase and self-hosted servers hand out', () => {
    const neon = parseSyncUrl(
      'postgresql://alex:AbC123dEf@ep-cool-darkness-123456.us-east-2.aws.neon.tech/dbname?sslmode=require&channel_binding=require',
    );
    expect(neon.config).toMatchObject({
      host: 'ep-cool-darkness-123456.us-east-2.aws.neon.tech',
      port: 5432,
      user: 'alex',
      password: 'AbC123dEf',
      database: 'dbname',
      ssl: { rejectUnauthorized: false },
      enableChannelBinding: true,
    });
    expect(neon.sslmode).toBe('require');
    const supabase = parseSyncUrl(
      'postgres://postgres.abcdefgh:p%40ss%2Fw%23rd@aws-0-eu-central-1.pooler.supabase.com:5432/postgres',
    );
    expect(supabase.config).toMatchObject({ user: 'postgres.abcdefgh', password: 'p@ss/w#rd', port: 5432, ssl: false });
    expect(supabase.target).toEqual({
      host: 'aws-0-eu-central-1.pooler.supabase.com',
      port: 5432,
      database: 'postgres',
      user: 'postgres.abcdefgh',
    });
    const local = parseSyncUrl('postgresql://me:pw@[::1]:5433');
    expect(local.config).toMatchObject({ host: '::1', port: 5433, database: 'me', ssl: false });
  });

  it('sslmode as libpq means it', () => {
    const ssl = (mode: string) => parseSyncUrl(`postgresql://u:p@db.example.com/d?sslmode=${mode}`).config.ssl;
    expect(ssl('disable')).toBe(false);
    expect(ssl('allow')).toBe(false);
    expect(ssl('prefer')).toEqual({ rejectUnauthorized: false });
    expect(ssl('require')).toEqual({ rejectUnauthorized: false });
    expect(ssl('no-verify')).toEqual({ rejectUnauthorized: false });
    expect(ssl('verify-full')).toEqual({}); // Node's defaults: chain and host name checked
    expect(parseSyncUrl('postgresql://u:p@db.example.com/d').config.ssl).toBe(false);
    expect(parseSyncUrl('postgresql://u:p@db.example.com/d?ssl=true').config.ssl).toEqual({});
    expect(bad('postgresql://u:p@h/d?sslmode=verify-ca')).toMatch(/verify-ca needs .*sslrootcert=/);
    expect(bad('postgresql://u:p@h/d?sslmode=always')).toMatch(/sslmode=always is not one Hearth knows/);
    expect(bad('postgresql://u:p@h/d?sslmode=require&sslrootcert=/no/such/ca.crt')).toBe(
      "Can't read /no/such/ca.crt, named by sslrootcert in the connection string: there is no such file.",
    );
    expect(parseSyncUrl('postgresql://u:p@h/d?connect_timeout=3').config.connectionTimeoutMillis).toBe(3000);
  });

  it('display hides the password, wherever it is written', () => {
    const parsed = parseSyncUrl('postgresql://alice:s3cr%40t@db.example.com:5432/hearth?sslmode=require');
    expect(parsed.display).toBe('postgresql://alice:•••@db.example.com:5432/hearth?sslmode=require');
    const inQuery = parseSyncUrl('postgres://db.example.com/hearth?user=alice&password=s3cret&sslmode=require');
    expect(inQuery.display).toBe('postgres://db.example.com/hearth?user=alice&password=•••&sslmode=require');
    expect(inQuery.config).toMatchObject({ user: 'alice', password: 's3cret' });
    expect(parseSyncUrl('postgresql://alice@db.example.com/hearth').display).toBe(
      'postgresql://alice@db.example.com/hearth',
    );
    for (const p of [parsed, inQuery]) expect(p.display).not.toMatch(/s3c/);
  });

  it('refuses anything else in plain words', () => {
    expect(bad('')).toMatch(/^Enter a PostgreSQL connection string/);
    expect(bad('mysql://u:p@h/d')).toMatch(
      /^That is not a PostgreSQL connection string: it starts with postgresql:\/\//,
    );
    expect(bad('https://db.example.com')).toMatch(/not a PostgreSQL connection string/);
    expect(bad('host=db.example.com dbname=hearth user=alice')).toMatch(/as a URL/);
    expect(bad('postgresql://postgres:[YOUR-PASSWORD]@db.abc.supabase.co:5432/postgres')).toMatch(
      /Replace the password placeholder/,
    );
    expect(bad('postgresql://u:p@host1:5432,host2:5432/d')).toMatch(/several hosts/);
    expect(bad('postgresql://u:p@h:99999/d')).toMatch(/port .* from 1 to 65535/);
    expect(bad('postgresql://u:pa#ss@h/d')).toMatch(/%23/);
    expect(bad('postgresql://u:pa/ss@h/d')).toMatch(/must be percent-encoded \(\/ as %2F/);
    expect(bad('postgresql://u:p@h/d?connect_timeout=soon')).toMatch(/connect_timeout is in seconds/);
    expect(bad('postgresql://u:p@h/d?channel_binding=require')).toMatch(/needs an encrypted connection/);
    // The input (and so the password) is never echoed back.
    expect(bad('mysql://u:hunter2@h/d')).not.toMatch(/hunter2/);
  });
});

describe('explainPgError without a server', () => {
  it('names what it knows: from the target, a connection string, or the error itself', () => {
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND db.exmaple.com'), {
      code: 'ENOTFOUND',
      hostname: 'db.exmaple.com',
    });
    expect(explainPgError(dns)).toEqual({
      reason: 'unreachable',
      message: `Can't find the host "db.exmaple.com" — check its spelling, and that this computer is online.`,
    });
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), {
      code: 'ECONNREFUSED',
      address: '10.0.0.5',
      port: 5432,
    });
    expect(explainPgError(refused).message).toBe(
      "Can't reach 10.0.0.5:5432 — is PostgreSQL running and listening on that address?",
    );
    // Node's happy-eyeballs connect wraps each address's failure.
    const both = Object.assign(new AggregateError([refused, refused], ''), { code: undefined });
    expect(explainPgError(both, 'postgresql://a:b@localhost/db').message).toBe(
      "Can't reach localhost:5432 — is PostgreSQL running and listening on that address?",
    );
    expect(
      explainPgError(Object.assign(new Error('x'), { code: 'EHOSTUNREACH' }), { host: '10.0.0.5', port: 5432 }),
    ).toMatchObject({
      reason: 'unreachable',
      message: expect.stringMatching(/^Can't reach 10\.0\.0\.5:5432: there is no route/),
    });
    const missing = Object.assign(new Error('database "hearth" does not exist'), { code: '3D000' });
    expect(explainPgError(missing, 'postgresql://a:b@db.example.com/hearth').message).toBe(
      'The database "hearth" does not exist on db.example.com — create it (createdb hearth) or use another name.',
    );
    const denied = Object.assign(new Error('permission denied for database x'), { code: '42501', severity: 'ERROR' });
    expect(explainPgError(denied, { user: 'alice', database: 'x', schema: 'hearth' }).message).toBe(
      'User "alice" may not create the schema "hearth" in database "x": grant it with GRANT CREATE ON DATABASE x TO alice, or have an administrator create the schema.',
    );
    expect(explainPgError(new AppError('invalid_input', 'Plain already.'))).toEqual({
      reason: 'other',
      message: 'Plain already.',
    });
    expect(explainPgError(Object.assign(new Error('too many'), { code: '53300' })).message).toMatch(
      /^the PostgreSQL server has no free connections left/,
    );
  });
});
