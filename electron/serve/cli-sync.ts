/**
 * `hearth sync`: one sync with PostgreSQL from a terminal (what moved, files, rows set aside), or
 * with --status the settings and state Settings → Sync shows. Through the same contract methods as
 * the app. A CLI command never syncs in the background: it runs once and closes its connections.
 */
import type { ParseArgsConfig } from 'node:util';
import type { MethodName, MethodOutput } from '../../shared/contract';
import { filesText, movedText, plural, rejectedText } from '../../shared/sync-text';
import type { SyncRunReport, SyncStatus } from '../../shared/types/domain';
import { AppError } from '../../shared/types/errors';
import type { AppServices } from '../services/app-services';
import type { CliIo } from './cli';

export const SYNC_USAGE = `Usage: hearth sync [options]

Runs one sync with the PostgreSQL database set in DATABASE_URL or Settings → Sync and prints
what moved: rows up and down per kind, attachment files, rows set aside.

Options:
  --status               Show sync's settings and state instead: URL (password hidden), schema,
                         device, encryption, last sync, rows waiting
  --enable               Turn sync on (the app and serve then sync in the background too), then sync
  --disable              Turn sync off (nothing is deleted, here or in the database)
  --data-dir D           Hearth's data folder (default $HEARTH_DATA_DIR or the OS's app-data folder)

Environment: DATABASE_URL (postgres://user:password@host:5432/database) wins over Settings;
HEARTH_SYNC_PASSPHRASE sets the end-to-end encryption passphrase.
`;

export const NO_URL_MESSAGE =
  'Sync has no PostgreSQL database to meet at. Set DATABASE_URL (postgres://user:password@host:5432/database) ' +
  "or enter a connection string in the app's Settings → Sync, then turn sync on there or with `hearth sync --enable`.";
export const OFF_MESSAGE = "Sync is off. Turn it on with `hearth sync --enable` (or in the app's Settings → Sync).";

export interface SyncCliDeps {
  parse(
    args: string[],
    options: ParseArgsConfig['options'],
  ): { values: Record<string, unknown>; positionals: string[] };
  open(values: Record<string, unknown>): AppServices;
  usageError(message: string): Error;
}

export async function syncCommand(io: CliIo, args: string[], deps: SyncCliDeps): Promise<number> {
  const { values, positionals } = deps.parse(args, {
    status: { type: 'boolean' },
    enable: { type: 'boolean' },
    disable: { type: 'boolean' },
  });
  if (values.help || positionals[0] === 'help') {
    io.stdout.write(SYNC_USAGE);
    return 0;
  }
  if (positionals.length) throw deps.usageError(`sync takes no arguments (got "${positionals[0]}"); see --help.`);
  if (values.enable && values.disable) throw deps.usageError('Choose one of --enable and --disable.');
  const s = deps.open(values);
  try {
    let status = await call(s, 'sync.status', {});
    if (values.disable) {
      status = await call(s, 'sync.configure', { enabled: false });
      if (!values.status) {
        io.stdout.write('Sync is off.\n');
        return 0;
      }
    }
    if (values.enable) {
      if (!status.url) return fail(io, NO_URL_MESSAGE);
      status = await call(s, 'sync.configure', { enabled: true });
    }
    if (values.status) {
      io.stdout.write(statusText(status));
      return 0;
    }
    if (!status.url) return fail(io, NO_URL_MESSAGE);
    if (!status.enabled) return fail(io, OFF_MESSAGE);
    // A failed run throws an AppError whose message is the plain words; the CLI prints it, exit 1.
    const report = await call(s, 'sync.now', {});
    if (!report) return fail(io, OFF_MESSAGE);
    io.stdout.write(reportText(report, await call(s, 'sync.status', {})));
    return 0;
  } finally {
    await s.close();
  }
}

function fail(io: CliIo, message: string): number {
  io.stderr.write(`hearth: ${message}\n`);
  return 1;
}

async function call<M extends MethodName>(s: AppServices, method: M, input: unknown): Promise<MethodOutput<M>> {
  const r = await s.router.call(method, input);
  if (!r.ok) throw new AppError(r.error.code, r.error.message);
  return r.value as MethodOutput<M>;
}

/** What one run moved, then where to and how long it took. */
export function reportText(report: SyncRunReport, status: SyncStatus): string {
  const lines = [movedText(report), filesText(report), rejectedText(report)];
  if (status.waiting) lines.push(`${plural(status.waiting, 'row waits', 'rows wait')} for rows they refer to`);
  const secs = (report.ms / 1000).toFixed(report.ms < 10_000 ? 1 : 0);
  lines.push(`Synced with ${status.url ?? 'the database'} (schema ${status.schema}) in ${secs} s.`);
  return lines.filter(Boolean).join('\n') + '\n';
}

const STATE_TEXT: Record<SyncStatus['state'], string> = {
  off: 'off',
  idle: 'on, idle',
  syncing: 'syncing',
  offline: 'offline (the database cannot be reached)',
  error: 'error',
};

/** `hearth sync --status`: one fact a line, labels aligned. */
export function statusText(st: SyncStatus, now = Date.now()): string {
  const source = (src: 'env' | 'settings' | null, env: string) =>
    src === 'env' ? ` (from ${env})` : src === 'settings' ? ' (from Settings)' : '';
  const rows: [string, string][] = [
    ['State', st.enabled && !st.url ? 'off (no connection string)' : STATE_TEXT[st.state]],
    ['URL', st.url ? st.url + source(st.urlSource, 'DATABASE_URL') : 'not set'],
    ['Schema', st.schema],
    ['Device', st.deviceName],
    ['Encrypted', st.encrypted ? 'yes' + source(st.passphraseSource, 'HEARTH_SYNC_PASSPHRASE') : 'no'],
    ['Attachments', st.maxAttachmentMb ? `up to ${st.maxAttachmentMb} MB` : 'not synced'],
    ['Last sync', st.lastSyncAt ? `${new Date(st.lastSyncAt).toLocaleString()} (${ago(st.lastSyncAt, now)})` : 'never'],
    ['Pending', `${plural(st.pending, 'row', 'rows')} waiting to go up`],
    ['Waiting', `${plural(st.waiting, 'row', 'rows')} waiting for rows they refer to`],
    ['Last error', st.lastError ?? 'none'],
  ];
  if (st.lastReport) {
    const r = st.lastReport;
    const extra = [filesText(r), rejectedText(r)].filter(Boolean).join('; ');
    rows.push(['Last run', movedText(r) + (extra ? `; ${extra}` : '')]);
  }
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${(k + ':').padEnd(width)}${v}`).join('\n') + '\n';
}

function ago(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400 * 2) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}
