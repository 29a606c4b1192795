/**
 * Backups while Hearth runs: daily (and at start when the newest is older than a day), on demand,
 * and from the copy taken before a database migration; retention; the list with counts; restore.
 *
 *   view()                  the list (manifests read once per file), folder, settings, progress
 *   create(reason)          one backup at a time: SQLite's online backup API copies the live database
 *                           in small steps (answers keep streaming), then the archive is written with
 *                           attachments and images; retention runs after each
 *   fromPreMigrationCopy(f) the database copy openDatabase made before migrating → a full backup
 *   configure(patch)        automatic on/off, retention, folder (absolute; must be writable)
 *   restore(name)           checks the archive whole into a staging folder while Hearth keeps running,
 *                           then hands the swap to the host (`reopen`), which closes the services, moves
 *                           the current data aside, puts the backup in place and opens again
 *   start() / stop()        the daily timer
 *
 * Settings key `backups`; progress and changes go out as `backups.changed` (seq orders them).
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, accessSync, constants as fsc } from 'node:fs';
import { rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import Database from 'better-sqlite3';
import { BACKUP_NAME } from '../../../shared/backup-contract';
import {
  DEFAULT_BACKUP_SETTINGS,
  type BackupCounts,
  type BackupInfo,
  type BackupReason,
  type BackupSettings,
  type BackupsView,
} from '../../../shared/types/backups';
import type { MethodParsedInput } from '../../../shared/contract';
import { AppError } from '../../../shared/types/errors';
import type { EventHub } from '../events';
import type { Db } from '../store/database';
import type { SettingsRepo } from '../store/settings-repo';
import type { Logger } from '../util/logger';
import { inside } from '../util/safe-path';
import { BackupError, collectFiles, endsWhole, readManifest, writeArchive, type BackupManifest } from './archive';
import { countRowsInSteps } from './counts';
import { runBackupWorker } from './backup-worker-run';
import { workerEntry } from '../util/worker-entry';
import { backupsToDelete } from './retention';
import { readLastRestore, stageArchive, stamp, swapIn, type Staged } from './restore';

export const DAY_MS = 24 * 60 * 60 * 1000;
/** How often the daily timer looks whether a backup is due. */
const CHECK_EVERY_MS = 60 * 60 * 1000;
/** A first look this long after start (start-up has enough to do). */
const FIRST_CHECK_MS = 60 * 1000;
/** Progress events at most this often. */
const PROGRESS_EVERY_MS = 200;

export interface BackupServiceDeps {
  db: Db;
  dataDir: string;
  settings: SettingsRepo;
  events: EventHub;
  log: Logger;
  appVersion: string;
  deviceId: string;
  nativeBinding?: string;
  now?: () => number;
  /** Timings (tests make them short). */
  firstCheckMs?: number;
  checkEveryMs?: number;
  /**
   * The host's way to restore: close the services, run `swap` (which moves the current data aside and
   * puts the backup in place), open again. Absent in the CLI (`hearth restore FILE` works on a closed store).
   */
  reopen?: (swap: () => Promise<{ movedAside: string }>) => Promise<{ movedAside: string }>;
}

export function backupName(createdAt: number, reason: BackupReason, n = 1): string {
  return `hearth-${stamp(createdAt)}${n > 1 ? `-${n}` : ''}-${reason}.tar.gz`;
}

function plain(err: unknown): string {
  const code = (err as { code?: string })?.code;
  if (code === 'ENOSPC') return 'The disk holding the backups is full; free some space or choose another folder.';
  if (code === 'EACCES' || code === 'EPERM') return 'Hearth may not write to the backup folder; choose another one.';
  if (code === 'ENOENT') return 'The backup folder is not there (a disk that is not connected?); choose another one.';
  return err instanceof Error ? err.message : String(err);
}

export class BackupService {
  private seq = 0;
  private running: BackupsView['running'] = null;
  private current: Promise<BackupInfo> | null = null;
  private lastError: string | null = null;
  private cache = new Map<string, { key: string; info: BackupInfo | null }>();
  private timers: NodeJS.Timeout[] = [];
  private lastProgress = 0;
  private closed = false;

  constructor(private readonly d: BackupServiceDeps) {}

  private now(): number {
    return this.d.now?.() ?? Date.now();
  }

  settings(): BackupSettings {
    const s = this.d.settings.get<Partial<BackupSettings>>('backups') ?? {};
    return { ...DEFAULT_BACKUP_SETTINGS, ...(s && typeof s === 'object' ? s : {}) };
  }

  folder(): string {
    return this.settings().folder ?? join(this.d.dataDir, 'backups');
  }

  /** Every archive in the folder, newest first, and the names that are not readable backups. */
  async list(): Promise<{ backups: BackupInfo[]; unreadable: string[] }> {
    const folder = this.folder();
    let names: string[] = [];
    try {
      names = readdirSync(folder).filter((n) => BACKUP_NAME.test(n));
    } catch {
      // No folder yet: no backups.
    }
    const backups: BackupInfo[] = [];
    const unreadable: string[] = [];
    for (const name of names) {
      const file = join(folder, name);
      let st;
      try {
        st = statSync(file);
      } catch {
        continue;
      }
      const key = `${st.size}:${st.mtimeMs}`;
      let hit = this.cache.get(name);
      if (hit?.key !== key) {
        let info: BackupInfo | null = null;
        try {
          const m = await readManifest(file);
          // A copy cut short still starts with its manifest: its end tells (one small read).
          if (!(await endsWhole(file, m))) throw new BackupError('incomplete');
          info = {
            name,
            createdAt: m.createdAt,
            reason: m.reason,
            sizeBytes: st.size,
            counts: m.counts,
            appVersion: m.appVersion,
            schemaVersion: m.schemaVersion,
          };
        } catch {
          info = null;
        }
        hit = { key, info };
        this.cache.set(name, hit);
      }
      if (hit.info) backups.push(hit.info);
      else unreadable.push(name);
    }
    backups.sort((a, b) => b.createdAt - a.createdAt || (a.name < b.name ? 1 : -1));
    return { backups, unreadable: unreadable.sort() };
  }

  async view(): Promise<BackupsView> {
    const { backups, unreadable } = await this.list();
    return {
      backups,
      unreadable,
      folder: this.folder(),
      settings: this.settings(),
      running: this.running,
      lastError: this.lastError,
      lastRestore: readLastRestore(this.d.dataDir),
      seq: this.seq,
    };
  }

  private changed(): void {
    this.seq += 1;
    void this.view().then(
      (v) => this.d.events.emit('backups.changed', v),
      () => {},
    );
  }

  private progress(p: NonNullable<BackupsView['running']>, force = false): void {
    this.running = p;
    const t = Date.now();
    if (!force && t - this.lastProgress < PROGRESS_EVERY_MS) return;
    this.lastProgress = t;
    this.changed();
  }

  /** One backup now; a second request while one runs gets that one. */
  create(reason: BackupReason = 'manual', dbCopy?: string): Promise<BackupInfo> {
    if (this.current) return this.current;
    this.current = this.make(reason, dbCopy).finally(() => {
      this.current = null;
      this.running = null;
      this.changed();
    });
    return this.current;
  }

  private freeName(folder: string, createdAt: number, reason: BackupReason): string {
    for (let n = 1; ; n++) {
      const name = backupName(createdAt, reason, n);
      if (!existsSync(join(folder, name)) && !existsSync(join(folder, `${name}.partial`))) return name;
    }
  }

  private async make(reason: BackupReason, preMigrationCopy?: string): Promise<BackupInfo> {
    const folder = this.folder();
    const createdAt = this.now();
    let tmp: string | null = null;
    try {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      const name = this.freeName(folder, createdAt, reason);
      let dbCopy = preMigrationCopy;
      let counts: BackupCounts;
      let schemaVersion: number;
      if (!dbCopy) {
        tmp = join(folder, `.${name}.db.partial`);
        await rm(tmp, { force: true });
        this.progress({ kind: 'backup', reason, phase: 'database', done: 0, total: 0 }, true);
        ({ counts, schemaVersion } = await this.copyDatabase(tmp, (done, total) =>
          this.progress({ kind: 'backup', reason, phase: 'database', done, total }),
        ));
        dbCopy = tmp;
      } else {
        const copy = new Database(dbCopy, {
          readonly: true,
          fileMustExist: true,
          ...(this.d.nativeBinding ? { nativeBinding: this.d.nativeBinding } : {}),
        });
        try {
          counts = await countRowsInSteps(copy);
          schemaVersion = copy.pragma('user_version', { simple: true }) as number;
        } finally {
          copy.close();
        }
      }
      const manifest: BackupManifest = await writeArchive({
        out: join(folder, name),
        entries: collectFiles(this.d.dataDir, dbCopy),
        manifest: {
          createdAt,
          reason,
          appVersion: this.d.appVersion,
          schemaVersion,
          deviceId: this.d.deviceId,
          counts,
        },
        onProgress: (done, total) => this.progress({ kind: 'backup', reason, phase: 'files', done, total }),
      });
      const info: BackupInfo = {
        name,
        createdAt,
        reason,
        sizeBytes: statSync(join(folder, name)).size,
        counts: manifest.counts,
        appVersion: manifest.appVersion,
        schemaVersion: manifest.schemaVersion,
      };
      this.lastError = null;
      this.d.log.info(`backup written: ${join(folder, name)} (${info.sizeBytes} bytes)`);
      await this.prune();
      return info;
    } catch (err) {
      const message = plain(err);
      if (reason !== 'manual') this.lastError = message;
      this.d.log.warn(`backup failed: ${message}`);
      throw new AppError(
        (err as { code?: string })?.code === 'ENOSPC' ? 'disk_full' : 'internal',
        `The backup failed: ${message}`,
      );
    } finally {
      // Off the main thread: unlinking a copy of gigabytes takes the file system a while.
      if (tmp) await rm(tmp, { force: true }).catch(() => {});
    }
  }

  /**
   * The live database copied to `dest` with SQLite's online backup API, and the copy's counts: in a
   * worker thread with its own connection (the main thread stays free for requests and streams);
   * inline, in small steps, when the store is in memory or the worker cannot be found.
   */
  private async copyDatabase(
    dest: string,
    onProgress: (done: number, total: number) => void,
  ): Promise<{ counts: BackupCounts; schemaVersion: number }> {
    const dbFile = this.d.db.name;
    const entry = this.d.db.memory ? null : workerEntry('backup-worker');
    if (!entry) {
      await this.d.db.backup(dest, {
        progress: ({ totalPages, remainingPages }) => {
          onProgress(totalPages - remainingPages, totalPages);
          return 512;
        },
      });
      const copy = new Database(dest, { readonly: true, fileMustExist: true });
      try {
        return {
          counts: await countRowsInSteps(copy),
          schemaVersion: copy.pragma('user_version', { simple: true }) as number,
        };
      } finally {
        copy.close();
      }
    }
    const r = await runBackupWorker(
      entry,
      { kind: 'copy', dbFile, dest, nativeBinding: this.d.nativeBinding },
      onProgress,
    );
    return { counts: r.counts, schemaVersion: r.schemaVersion };
  }

  /** Delete what retention does not keep. */
  async prune(): Promise<string[]> {
    const { backups } = await this.list();
    const s = this.settings();
    const gone = backupsToDelete(backups, s, this.now());
    for (const name of gone) {
      const file = inside(this.folder(), name);
      if (file) await rm(file, { force: true });
      this.cache.delete(name);
    }
    if (gone.length)
      this.d.log.info(`${gone.length} old backup(s) removed (keeping ${s.keepDaily} daily, ${s.keepWeekly} weekly)`);
    return gone;
  }

  /** The copy openDatabase made before migrating becomes a full backup; the loose copy then goes. */
  async fromPreMigrationCopy(file: string): Promise<void> {
    try {
      await this.create('pre-migration', file);
      await rm(file, { force: true });
    } catch (err) {
      // The loose copy stays: it is still a way back.
      this.d.log.warn(`the copy made before migrating stays as ${file}: ${plain(err)}`);
    }
  }

  async configure(patch: MethodParsedInput<'backups.configure'>): Promise<BackupsView> {
    const next = { ...this.settings() };
    if (patch.folder !== undefined) {
      if (patch.folder !== null) {
        const folder = patch.folder;
        if (!isAbsolute(folder)) throw new AppError('invalid_input', 'Give the backup folder as a full path.');
        try {
          mkdirSync(folder, { recursive: true, mode: 0o700 });
          accessSync(folder, fsc.W_OK);
        } catch (err) {
          throw new AppError('invalid_input', `Hearth cannot use ${folder} for backups: ${plain(err)}`);
        }
      }
      next.folder = patch.folder;
      this.cache.clear();
    }
    if (patch.auto !== undefined) next.auto = patch.auto;
    if (patch.keepDaily !== undefined) next.keepDaily = patch.keepDaily;
    if (patch.keepWeekly !== undefined) next.keepWeekly = patch.keepWeekly;
    this.d.settings.set('backups', next);
    this.changed();
    if (patch.auto === true) this.schedule();
    return this.view();
  }

  /** Whether a daily backup is due: none yet, or the newest is a day old. */
  async due(): Promise<boolean> {
    const { backups } = await this.list();
    const newest = backups[0];
    return !newest || this.now() - newest.createdAt >= DAY_MS;
  }

  private async check(): Promise<void> {
    if (this.closed || !this.settings().auto || this.current) return;
    try {
      if (await this.due()) await this.create('daily');
    } catch {
      // lastError says why; the next check tries again.
    }
  }

  private schedule(): void {
    if (this.timers.length || this.closed) return;
    const first = setTimeout(() => void this.check(), this.d.firstCheckMs ?? FIRST_CHECK_MS);
    const every = setInterval(() => void this.check(), this.d.checkEveryMs ?? CHECK_EVERY_MS);
    first.unref?.();
    every.unref?.();
    this.timers.push(first, every);
  }

  /** Start the daily backups (the app and serve); removes what a killed backup left. */
  start(): void {
    try {
      for (const n of readdirSync(this.folder())) {
        if (n.endsWith('.partial')) rmSync(join(this.folder(), n), { force: true });
      }
    } catch {
      // no folder yet
    }
    if (this.settings().auto) this.schedule();
  }

  async stop(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    await this.current?.catch(() => {});
  }

  /** The archive's path for a listed name (never a path from elsewhere). */
  fileOf(name: string): string {
    const file = BACKUP_NAME.test(name) ? inside(this.folder(), name) : null;
    if (!file || !existsSync(file))
      throw new AppError('not_found', 'That backup is not in the backup folder any more.');
    return file;
  }

  async restore(name: string): Promise<{ movedAside: string; backup: BackupInfo }> {
    const file = this.fileOf(name);
    if (!this.d.reopen) {
      throw new AppError('unsupported', `Restore with the app closed: hearth restore "${file}".`);
    }
    if (this.current) throw new AppError('conflict', 'A backup is being written; restore when it is done.');
    let staged: Staged;
    this.progress({ kind: 'restore', phase: 'verifying', done: 0, total: 0 }, true);
    try {
      const entry = workerEntry('backup-worker');
      staged = await stageArchive({
        dataDir: this.d.dataDir,
        file,
        nativeBinding: this.d.nativeBinding,
        now: this.now(),
        // The integrity check and counts take seconds on a big store: in a worker, so serve keeps answering.
        ...(entry
          ? {
              inspect: (db: string) =>
                runBackupWorker(entry, { kind: 'check', file: db, nativeBinding: this.d.nativeBinding }),
            }
          : {}),
        onProgress: (done, total) => this.progress({ kind: 'restore', phase: 'verifying', done, total }),
      });
    } catch (err) {
      this.running = null;
      this.changed();
      throw new AppError(
        'invalid_input',
        `${name} cannot be restored: ${err instanceof BackupError ? err.message : plain(err)}`,
      );
    }
    const m = staged.manifest;
    const backup: BackupInfo = {
      name,
      createdAt: m.createdAt,
      reason: m.reason,
      sizeBytes: statSync(file).size,
      counts: m.counts,
      appVersion: m.appVersion,
      schemaVersion: m.schemaVersion,
    };
    this.progress({ kind: 'restore', phase: 'restoring', done: 0, total: 0 }, true);
    const { movedAside } = await this.d.reopen(() => swapIn(staged, this.now()));
    return { movedAside, backup };
  }
}
