/**
 * The backups slice against a fake client: nothing is read at start, the newest view wins whatever
 * order replies and events arrive in, a reconnect takes the next view; back up now, settings and
 * restore with busy flags and plain words; a restore (this window's or another's) keeps where the old
 * data went for the page after the reload, which shows it once. Also the words and the settings draft.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_BACKUP_SETTINGS, type BackupInfo, type BackupsView } from '../../../../shared/types/backups';
import { calls, emit, fake, resetFake } from '../../testing/fake-client';
import { countsText, percentDone, progressText } from './backup-words';
import { backupSettingsPatch, draftOf } from './backup-settings-draft';

vi.mock('../../client', async () => (await import('../../testing/fake-client')).fakeClientModule);

const { createAppStore, wireEvents } = await import('../../app/store');
let store: ReturnType<typeof createAppStore>;
let reload: ReturnType<typeof vi.fn>;
let storage: Map<string, string>;
const tick = () => new Promise((r) => setTimeout(r, 0));

const info = (p: Partial<BackupInfo> = {}): BackupInfo => ({
  name: 'hearth-20261203-091500-manual.tar.gz',
  createdAt: Date.UTC(2026, 11, 3, 9, 15),
  reason: 'manual',
  sizeBytes: 12_345,
  counts: { chats: 2, messages: 4, attachments: 1, images: 0 },
  appVersion: '1.0.0',
  schemaVersion: 9,
  ...p,
});

const view = (p: Partial<BackupsView> = {}): BackupsView => ({
  backups: [],
  folder: '/data/backups',
  settings: { ...DEFAULT_BACKUP_SETTINGS },
  running: null,
  lastRestore: null,
  lastError: null,
  unreadable: [],
  seq: 0,
  ...p,
});

beforeEach(() => {
  resetFake();
  storage = new Map();
  reload = vi.fn();
  vi.stubGlobal('location', { reload });
  vi.stubGlobal('sessionStorage', {
    getItem: (k: string) => storage.get(k) ?? null,
    setItem: (k: string, v: string) => void storage.set(k, v),
    removeItem: (k: string) => void storage.delete(k),
  });
  store = createAppStore();
  wireEvents(store.getState, fake.client.on as never);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the backups view', () => {
  it('is not read until asked; a late reply never replaces a newer event', async () => {
    expect(store.getState().backups).toBeNull();
    expect(calls('backups.list')).toHaveLength(0);
    let release!: (v: BackupsView) => void;
    fake.state.replies['backups.list'] = () => new Promise<BackupsView>((r) => (release = r));
    const loading = store.getState().loadBackups();
    emit('backups.changed', view({ seq: 3, running: { kind: 'backup', phase: 'files', done: 5, total: 10 } }));
    release(view({ seq: 1 }));
    await loading;
    expect(store.getState().backups?.running).toMatchObject({ phase: 'files', done: 5 });
    emit('backups.changed', view({ seq: 4, backups: [info()] }));
    expect(store.getState().backups?.backups).toHaveLength(1);
  });

  it('a reconnect reads again what was read, taking a smaller seq (the host restarted); not read before: not read', async () => {
    store.getState().onBackupsReconnect();
    expect(calls('backups.list')).toHaveLength(0);
    emit('backups.changed', view({ seq: 9 }));
    fake.state.replies['backups.list'] = view({ seq: 0, folder: '/elsewhere' });
    store.getState().onBackupsReconnect();
    await tick();
    expect(store.getState().backups?.folder).toBe('/elsewhere');
  });

  it('a failed read says so in plain words', async () => {
    fake.state.replies['backups.list'] = () => {
      throw new Error('socket hang up');
    };
    await store.getState().loadBackups();
    expect(store.getState().backupsError).toEqual({ action: 'load', message: 'Could not read the backups.' });
  });
});

describe('back up now and the settings', () => {
  it('is busy while the backup is written, then reads the list again', async () => {
    let release!: (b: BackupInfo) => void;
    fake.state.replies['backups.create'] = () => new Promise<BackupInfo>((r) => (release = r));
    fake.state.replies['backups.list'] = view({ seq: 5, backups: [info()] });
    const making = store.getState().createBackup();
    expect(store.getState().backupsBusy.create).toBe(true);
    release(info());
    expect(await making).toMatchObject({ name: info().name });
    await tick();
    expect(store.getState().backupsBusy.create).toBe(false);
    expect(store.getState().backups?.backups).toHaveLength(1);
  });

  it('a failed backup keeps its message; the next that works clears it', async () => {
    fake.state.replies['backups.create'] = () => {
      throw new fake.ClientError('disk_full', 'The backup failed: The disk holding the backups is full.');
    };
    expect(await store.getState().createBackup()).toBeNull();
    expect(store.getState().backupsError).toEqual({
      action: 'create',
      message: 'The backup failed: The disk holding the backups is full.',
    });
    fake.state.replies['backups.create'] = info();
    await store.getState().createBackup();
    expect(store.getState().backupsError).toBeNull();
  });

  it('a refused setting names what it was about in plain words', async () => {
    fake.state.replies['backups.configure'] = () => {
      throw new fake.ClientError(
        'invalid_input',
        'Invalid input for backups.configure: keepDaily: Number must be less than or equal to 365',
      );
    };
    expect(await store.getState().configureBackups({ keepDaily: 999 })).toBe(false);
    expect(store.getState().backupsError).toEqual({
      action: 'configure',
      field: 'keepDaily',
      message: 'Days to keep: Number must be less than or equal to 365',
    });
    expect(store.getState().backupsBusy.configure).toBe(false);
    fake.state.replies['backups.configure'] = view({ seq: 2, settings: { ...DEFAULT_BACKUP_SETTINGS, auto: false } });
    expect(await store.getState().configureBackups({ auto: false })).toBe(true);
    expect(store.getState().backups?.settings.auto).toBe(false);
    expect(store.getState().backupsError).toBeNull();
  });
});

describe('restore', () => {
  it('a refused archive: its reason and name, no reload, nothing kept for later', async () => {
    fake.state.replies['backups.restore'] = () => {
      throw new fake.ClientError(
        'invalid_input',
        'hearth-20260101-000000-manual.tar.gz cannot be restored: The archive is cut short.',
      );
    };
    expect(await store.getState().restoreBackup('hearth-20260101-000000-manual.tar.gz')).toBe(false);
    expect(store.getState().backupsError).toEqual({
      action: 'restore',
      name: 'hearth-20260101-000000-manual.tar.gz',
      message: 'hearth-20260101-000000-manual.tar.gz cannot be restored: The archive is cut short.',
    });
    expect(store.getState().backupsBusy.restore).toBe(false);
    expect(reload).not.toHaveBeenCalled();
    expect(storage.size).toBe(0);
  });

  it('this window’s restore: the path is kept, the page reloads and the next page shows it once, in Settings', async () => {
    fake.state.replies['backups.restore'] = { movedAside: '/data/before-restore-20261204-101500', backup: info() };
    expect(await store.getState().restoreBackup(info().name)).toBe(true);
    expect(calls('backups.restore')).toEqual([{ name: info().name }]);
    expect(reload).toHaveBeenCalledTimes(1);

    const next = createAppStore();
    next.getState().resumeAfterRestore();
    expect(next.getState().restoreNote).toEqual({ movedAside: '/data/before-restore-20261204-101500', mine: true });
    expect(next.getState().view).toBe('settings');
    const again = createAppStore();
    again.getState().resumeAfterRestore();
    expect(again.getState().restoreNote).toBeNull();
  });

  it('data.restored reloads at once, even before the reply', () => {
    fake.state.replies['backups.restore'] = () => new Promise(() => {});
    void store.getState().restoreBackup(info().name);
    emit('data.restored', { movedAside: '/data/before-restore-1' });
    expect(reload).toHaveBeenCalledTimes(1);
    const next = createAppStore();
    next.getState().resumeAfterRestore();
    expect(next.getState().restoreNote).toEqual({ movedAside: '/data/before-restore-1', mine: true });
  });

  it('another window’s restore: this page reloads too and says so in Settings → Data, staying where it was', () => {
    emit('data.restored', { movedAside: '/data/before-restore-2' });
    expect(reload).toHaveBeenCalledTimes(1);
    const next = createAppStore();
    next.getState().resumeAfterRestore();
    expect(next.getState().restoreNote).toEqual({ movedAside: '/data/before-restore-2', mine: false });
    expect(next.getState().view).toBe('chat');
    next.getState().dismissRestoreNote();
    expect(next.getState().restoreNote).toBeNull();
  });

  it('without sessionStorage (or when it refuses) a restore still reloads', async () => {
    vi.stubGlobal('sessionStorage', {
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
    });
    expect(() => emit('data.restored', { movedAside: '/x' })).not.toThrow();
    expect(reload).toHaveBeenCalledTimes(1);
    store.getState().resumeAfterRestore();
    expect(store.getState().restoreNote).toBeNull();
  });
});

describe('words', () => {
  it('progress: the phase, a whole percent, or none while the total is unknown', () => {
    expect(progressText({ kind: 'backup', phase: 'database', done: 0, total: 0 })).toBe(
      'Backing up: copying the database…',
    );
    expect(progressText({ kind: 'backup', phase: 'files', done: 2, total: 3 })).toBe('Backing up: copying files, 66%');
    expect(progressText({ kind: 'restore', phase: 'verifying', done: 10, total: 10 })).toBe(
      'Restoring: checking, 100%',
    );
    expect(progressText({ kind: 'restore', phase: 'restoring', done: 0, total: 0 })).toBe('Restoring: restoring…');
    expect(percentDone({ done: 12, total: 0 })).toBeNull();
    expect(percentDone({ done: 20, total: 10 })).toBe(100);
  });

  it('counts: one and many', () => {
    expect(countsText({ chats: 1, messages: 2, attachments: 1, images: 0 })).toBe(
      '1 chat · 2 messages · 1 attachment · 0 images',
    );
  });

  it('the settings draft: only what changed; empty folder → default; wrong values in plain words', () => {
    const current = { ...DEFAULT_BACKUP_SETTINGS, folder: '/mnt/usb' };
    expect(backupSettingsPatch(draftOf(current), current)).toEqual({ patch: {} });
    expect(backupSettingsPatch({ folder: ' ', keepDaily: '10', keepWeekly: '4' }, current)).toEqual({
      patch: { folder: null, keepDaily: 10 },
    });
    expect(backupSettingsPatch({ folder: 'D:\\Backups', keepDaily: '7', keepWeekly: '0' }, current)).toEqual({
      patch: { folder: 'D:\\Backups', keepWeekly: 0 },
    });
    expect(backupSettingsPatch({ folder: 'backups', keepDaily: '7', keepWeekly: '4' }, current)).toEqual({
      error: 'Give the backup folder as a full path (for example /mnt/usb/hearth-backups).',
    });
    expect(backupSettingsPatch({ folder: '', keepDaily: '0', keepWeekly: '4' }, current)).toMatchObject({
      error: 'Keep daily backups for 1 to 365 days.',
    });
    expect(backupSettingsPatch({ folder: '', keepDaily: '7', keepWeekly: '1.5' }, current)).toMatchObject({
      error: 'Keep weekly backups for 0 to 520 weeks.',
    });
  });
});
