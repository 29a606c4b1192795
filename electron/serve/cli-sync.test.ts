/**
 * `hearth sync` without a PostgreSQL server: how to set it up when no connection string is set or
 * sync is off (exit 1), --status (password hidden, sources named), --enable/--disable kept in the
 * data folder, a database that cannot be reached said in one line (exit 1, no stack), and the text
 * of a run's report.
 */
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../shared/types/domain';
import { startFakeOllama, type FakeOllama } from '../../e2e/support/fake-ollama';
import { makeTempDir, removeTempDirs } from '../../e2e/support/services';
import { runCli } from './cli';
import { NO_URL_MESSAGE, OFF_MESSAGE, reportText, statusText } from './cli-sync';
import { syncStatus } from '../../e2e/support/sync-status';

let fake: FakeOllama;
beforeAll(async () => {
  fake = await startFakeOllama();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.reset();
  removeTempDirs();
});

async function run(argv: string[], env: Record<string, string | undefined> = {}) {
  let out = '';
  let err = '';
  const code = await runCli({
    argv,
    env: { OLLAMA_BASE_URL: fake.url, ...env }, // never the machine's own DATABASE_URL
    cwd: makeTempDir(), // no .env there
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    staticDir: makeTempDir(),
    onSignal: () => {},
  });
  return { code, stdout: out, stderr: err };
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

const noStack = (s: string) => expect(s).not.toMatch(/^\s+at /m);

describe('hearth sync (no PostgreSQL)', () => {
  it('with no connection string, says how to set one and exits 1', async () => {
    const dataDir = makeTempDir();
    for (const args of [['sync'], ['sync', '--enable']]) {
      const r = await run([...args, '--data-dir', dataDir]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`hearth: ${NO_URL_MESSAGE}\n`);
      expect(r.stderr).toContain('DATABASE_URL');
      expect(r.stderr).toContain('Settings → Sync');
      expect(r.stderr).toContain('hearth sync --enable');
    }
  });

  it('with DATABASE_URL but sync off, says how to turn it on and exits 1', async () => {
    const r = await run(['sync', '--data-dir', makeTempDir()], { DATABASE_URL: 'postgres://ann:pw@127.0.0.1:9/h' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`hearth: ${OFF_MESSAGE}\n`);
  });

  it('--status shows every fact, the password hidden and where settings come from', async () => {
    const r = await run(['sync', '--status', '--data-dir', makeTempDir()], {
      DATABASE_URL: 'postgres://ann:s3cret-pw@127.0.0.1:9/hearth',
      HEARTH_SYNC_PASSPHRASE: 'correct horse battery',
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('s3cret-pw');
    expect(r.stdout).not.toContain('correct horse');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual([
      'State',
      'URL',
      'Schema',
      'Device',
      'Encrypted',
      'Attachments',
      'Last sync',
      'Pending',
      'Waiting',
      'Last error',
    ]);
    expect(r.stdout).toMatch(/^State:\s+off$/m);
    expect(r.stdout).toMatch(/^URL:\s+postgres:\/\/ann:.*@127\.0\.0\.1:9\/hearth \(from DATABASE_URL\)$/m);
    expect(r.stdout).toMatch(/^Schema:\s+hearth$/m);
    expect(r.stdout).toMatch(/^Device:\s+\S/m);
    expect(r.stdout).toMatch(/^Encrypted:\s+yes \(from HEARTH_SYNC_PASSPHRASE\)$/m);
    expect(r.stdout).toMatch(/^Last sync:\s+never$/m);
    expect(r.stdout).toMatch(/^Pending:\s+0 rows waiting to go up$/m);
    expect(r.stdout).toMatch(/^Waiting:\s+0 rows waiting for rows they refer to$/m);
    expect(r.stdout).toMatch(/^Last error:\s+none$/m);
  });

  it('--status with nothing set: no URL, not encrypted', async () => {
    const r = await run(['sync', '--status', '--data-dir', makeTempDir()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^URL:\s+not set$/m);
    expect(r.stdout).toMatch(/^Encrypted:\s+no$/m);
  });

  it('--enable and --disable are kept in the data folder', async () => {
    const dataDir = makeTempDir();
    const env = { DATABASE_URL: 'postgres://ann:pw@127.0.0.1:9/hearth' };
    const on = await run(['sync', '--enable', '--status', '--data-dir', dataDir], env);
    expect(on.code).toBe(0);
    expect(on.stdout).toMatch(/^State:\s+on, idle$/m);
    expect((await run(['sync', '--status', '--data-dir', dataDir], env)).stdout).toMatch(/^State:\s+on, idle$/m);
    const off = await run(['sync', '--disable', '--data-dir', dataDir], env);
    expect(off).toMatchObject({ code: 0, stdout: 'Sync is off.\n' });
    expect((await run(['sync', '--status', '--data-dir', dataDir], env)).stdout).toMatch(/^State:\s+off$/m);
  });

  it('a database that cannot be reached: one line in plain words on stderr, exit 1, no stack', async () => {
    const port = await closedPort();
    const r = await run(['sync', '--enable', '--data-dir', makeTempDir()], {
      DATABASE_URL: `postgres://ann:s3cret-pw@127.0.0.1:${port}/hearth`,
      HEARTH_DEBUG: '1', // even then: the failure is the database's, not Hearth's
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^hearth: .+\n$/m);
    expect(r.stderr).not.toContain('s3cret-pw');
    noStack(r.stderr);
  });

  it('usage errors exit 2; --help shows the sync usage', async () => {
    expect((await run(['sync', '--enable', '--disable'])).code).toBe(2);
    expect((await run(['sync', 'now'])).code).toBe(2);
    const help = await run(['sync', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: hearth sync');
    expect((await run(['--help'])).stdout).toMatch(/^ {2}sync\s+Sync once with PostgreSQL/m);
  });
});

describe('sync reports in words', () => {
  const status = (p: Partial<SyncStatus>): SyncStatus =>
    syncStatus({ url: 'postgres://ann:•••@db:5432/hearth', seq: 3, ...p });
  const report = { at: 0, up: { chat: 3, message: 12 }, down: {}, filesUp: 2, filesDown: 0, rejected: 1, ms: 1234 };

  it('a run: what moved, files, rows set aside, rows waiting, where and how long', () => {
    expect(reportText(report, status({ waiting: 2 }))).toBe(
      [
        'up: 3 chats, 12 messages · down: nothing',
        'files: 2 up, 0 down',
        '1 row set aside (damaged, or from a newer Hearth)',
        '2 rows wait for rows they refer to',
        'Synced with postgres://ann:•••@db:5432/hearth (schema hearth) in 1.2 s.',
        '',
      ].join('\n'),
    );
    expect(reportText({ ...report, up: {}, filesUp: 0, rejected: 0 }, status({}))).toBe(
      'up: nothing · down: nothing\nSynced with postgres://ann:•••@db:5432/hearth (schema hearth) in 1.2 s.\n',
    );
  });

  it('the status: last sync with its age, the last error and the last run', () => {
    const now = Date.UTC(2025, 0, 1, 12);
    const text = statusText(
      status({
        lastSyncAt: now - 5 * 60_000,
        lastError: 'The database refused the password.',
        pending: 1,
        encrypted: true,
        passphraseSource: 'settings',
        lastReport: report,
      }),
      now,
    );
    expect(text).toMatch(/^Last sync:\s+.+ \(5 min ago\)$/m);
    expect(text).toMatch(/^Pending:\s+1 row waiting to go up$/m);
    expect(text).toMatch(/^Encrypted:\s+yes \(from Settings\)$/m);
    expect(text).toMatch(/^Last error:\s+The database refused the password\.$/m);
    expect(text).toMatch(
      /^Last run:\s+up: 3 chats, 12 messages · down: nothing; files: 2 up, 0 down; 1 row set aside .+$/m,
    );
  });
});
