/** The test PostgreSQL (e2e/support/postgres.ts) does what sync tests lean on: restart, cut connections, clean up. */
import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPostgres } from '../../../e2e/support/postgres';
import { usePostgres } from '../../../e2e/support/use-postgres';

const cluster = usePostgres();

async function connected(url: string): Promise<pg.Client & { errors: Error[] }> {
  const client = Object.assign(new pg.Client({ connectionString: url }), { errors: [] as Error[] });
  client.on('error', (err) => client.errors.push(err));
  await client.connect();
  return client;
}

describe('test PostgreSQL', () => {
  it('is PostgreSQL 13 or newer on loopback, with password auth for the superuser', async () => {
    const pgc = cluster();
    const client = await connected(pgc.url());
    const { rows } = await client.query<{ v: number; u: string }>(
      `SELECT current_setting('server_version_num')::int AS v, current_user AS u`,
    );
    await client.end();
    expect(rows[0]!.v).toBeGreaterThanOrEqual(130000);
    expect(rows[0]!.u).toBe(pgc.adminUser);
    await expect(connected(pgc.url({ password: 'wrong' }))).rejects.toMatchObject({ code: '28P01' });
  });

  it('makes databases and roles; a role without canCreateSchema connects but may not create', async () => {
    const pgc = cluster();
    await pgc.createDatabase('harness_db');
    await pgc.createRole('maker', 'maker-pw', { canCreateSchema: true, database: 'harness_db' });
    await pgc.createRole('reader', 'reader-pw', { canCreateSchema: false });
    const maker = await connected(pgc.url({ database: 'harness_db', user: 'maker', password: 'maker-pw' }));
    await maker.query('CREATE SCHEMA made_here');
    await maker.end();
    const reader = await connected(pgc.url({ database: 'harness_db', user: 'reader', password: 'reader-pw' }));
    await expect(reader.query('CREATE SCHEMA not_here')).rejects.toMatchObject({ code: '42501' });
    await reader.end();
  });

  it('terminateConnections cuts every client but its own, and counts them', async () => {
    const pgc = cluster();
    const a = await connected(pgc.url());
    const b = await connected(pgc.url());
    expect(await pgc.clientBackends()).toBe(2);
    expect(await pgc.terminateConnections()).toBe(2);
    await expect(a.query('SELECT 1')).rejects.toThrow();
    await expect(b.query('SELECT 1')).rejects.toThrow();
    expect(await pgc.clientBackends()).toBe(0);
    await Promise.all([a.end().catch(() => {}), b.end().catch(() => {})]);
  });

  it('restart keeps port and data; stop refuses connections until start', async () => {
    const pgc = cluster();
    await pgc.admin('CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)');
    const before = await connected(pgc.url());
    await pgc.restart();
    await expect(before.query('SELECT 1')).rejects.toThrow();
    await before.end().catch(() => {});
    const after = await connected(pgc.url());
    expect((await after.query('SELECT x FROM kept')).rows).toEqual([{ x: 42 }]);
    await after.end();

    await pgc.stop();
    await expect(connected(pgc.url())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await pgc.start();
    const again = await connected(pgc.url());
    await again.end();
  });

  it('ssl: only TLS clients get in; remove() deletes the folder', async () => {
    const started = Date.now();
    const tls = await startPostgres({ ssl: true });
    try {
      expect(Date.now() - started).toBeLessThan(10_000);
      await expect(connected(tls.url())).rejects.toThrow(/no encryption/);
      const client = await connected(tls.url({ params: { sslmode: 'verify-full', sslrootcert: tls.caFile! } }));
      const { rows } = await client.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      expect(rows).toEqual([{ ssl: true }]);
      await client.end();
    } finally {
      await tls.remove();
    }
    expect(existsSync(tls.dir)).toBe(false);
  });
});
