/**
 * The sync slice against a fake client: the newest status wins whatever order replies and events
 * arrive in (and a reconnect takes the next one), 'sync.changed' reloads the chat list and the open
 * chat, failed calls leave plain words and clear busy.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SyncStatus } from '../../../../shared/types/domain';
import { countsText, filesText, movedText, rejectedText } from '../../../../shared/sync-text';
import { syncStatus } from '../../../../e2e/support/sync-status';

import { fake, emit, calls, resetFake } from '../../testing/fake-client';

vi.mock('../../client', async () => (await import('../../testing/fake-client')).fakeClientModule);

const { createAppStore, wireEvents } = await import('../../app/store');
let store: ReturnType<typeof createAppStore>;

const tick = () => new Promise((r) => setTimeout(r, 0));

const status = (p: Partial<SyncStatus> = {}): SyncStatus =>
  syncStatus({ url: 'postgres://me:•••@db.example:5432/hearth', seq: 0, ...p });

/** A reply the test releases when it wants (to make it arrive after events). */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

beforeEach(() => {
  resetFake();
  store = createAppStore();
  wireEvents(store.getState, fake.client.on as never);
});

describe('sync status: newest seq wins', () => {
  it('a reply read before newer events is dropped when it arrives after them', async () => {
    const reply = deferred<SyncStatus>();
    fake.state.replies['sync.status'] = () => reply.promise;
    const loading = store.getState().loadSyncStatus();
    emit('sync.status', status({ state: 'syncing', seq: 4 }));
    emit('sync.status', status({ state: 'idle', seq: 5, pending: 0, lastSyncAt: 1000 }));
    reply.resolve(status({ state: 'syncing', seq: 3, pending: 7 }));
    await loading;
    expect(store.getState().syncStatus).toMatchObject({ state: 'idle', seq: 5, lastSyncAt: 1000 });
  });

  it('events out of order: the older one is dropped; a newer reply replaces them', async () => {
    emit('sync.status', status({ state: 'error', seq: 9, lastError: 'The server refused the password.' }));
    emit('sync.status', status({ state: 'syncing', seq: 8 }));
    expect(store.getState().syncStatus).toMatchObject({ state: 'error', seq: 9 });
    fake.state.replies['sync.status'] = status({ state: 'idle', seq: 10 });
    await store.getState().loadSyncStatus();
    expect(store.getState().syncStatus).toMatchObject({ state: 'idle', seq: 10, lastError: null });
  });

  it('the same seq is taken again (a reply counts waiting rows as they are now)', () => {
    emit('sync.status', status({ seq: 2, pending: 5 }));
    emit('sync.status', status({ seq: 2, pending: 1 }));
    expect(store.getState().syncStatus?.pending).toBe(1);
  });

  it('after a reconnect the next status wins even with a lower seq (the host may have restarted)', async () => {
    emit('sync.status', status({ seq: 40 }));
    fake.state.replies['sync.status'] = status({ state: 'offline', seq: 1 });
    store.getState().onSyncReconnect();
    await tick();
    expect(store.getState().syncStatus).toMatchObject({ state: 'offline', seq: 1 });
    emit('sync.status', status({ seq: 0 }));
    expect(store.getState().syncStatus?.seq).toBe(1);
  });

  it('a status that cannot be read is said in plain words', async () => {
    fake.state.replies['sync.status'] = () => {
      throw new fake.ClientError('unknown_method', 'This version of Hearth does not know sync.status.');
    };
    await store.getState().loadSyncStatus();
    expect(store.getState().syncError).toEqual({
      action: 'load',
      message: 'This version of Hearth does not know sync.status.',
    });
  });
});

describe('sync.changed', () => {
  it('reloads the chat list and the open chat, once for a burst', async () => {
    fake.state.replies['chats.list'] = { chats: [], hasMore: false };
    fake.state.replies['folders.list'] = { folders: [], asOf: '1' };
    fake.state.replies['tags.list'] = { tags: [], asOf: '1' };
    store.setState({ activeChatId: 'c1' });
    emit('sync.changed', { rows: 500 });
    emit('sync.changed', { rows: 500 });
    emit('sync.changed', { rows: 120 });
    expect(calls('chats.list')).toHaveLength(1);
    await tick();
    expect(calls('chats.get')).toEqual([{ id: 'c1' }]);
  });

  it('another burst after the interval reloads again', async () => {
    vi.useFakeTimers();
    try {
      fake.state.replies['chats.list'] = { chats: [], hasMore: false };
      emit('sync.changed', { rows: 300 });
      emit('sync.changed', { rows: 300 });
      expect(calls('chats.list')).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1500);
      expect(calls('chats.list')).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('calls: busy and errors in plain words', () => {
  it('configure takes the status it returns and clears a previous configure error', async () => {
    fake.state.replies['sync.configure'] = status({ state: 'idle', enabled: true, seq: 3 });
    store.setState({ syncError: { action: 'configure', message: 'old' } });
    expect(await store.getState().configureSync({ enabled: true })).toBe(true);
    expect(calls('sync.configure')).toEqual([{ enabled: true }]);
    expect(store.getState().syncStatus).toMatchObject({ enabled: true, seq: 3 });
    expect(store.getState().syncError).toBeNull();
  });

  it('a refused configure surfaces its message, keeps the status, and is no longer busy', async () => {
    emit('sync.status', status({ enabled: false, state: 'off', seq: 1 }));
    const reply = deferred<SyncStatus>();
    fake.state.replies['sync.configure'] = () => reply.promise;
    const saving = store.getState().configureSync({ enabled: true });
    expect(store.getState().syncBusy.configure).toBe(true);
    reply.reject(new fake.ClientError('invalid_input', 'Set a connection string first.'));
    expect(await saving).toBe(false);
    expect(store.getState().syncBusy.configure).toBe(false);
    expect(store.getState().syncError).toEqual({ action: 'configure', message: 'Set a connection string first.' });
    expect(store.getState().syncStatus).toMatchObject({ enabled: false, seq: 1 });
  });

  it('a contract check becomes words about the field', async () => {
    fake.state.replies['sync.configure'] = () => {
      throw new fake.ClientError(
        'invalid_input',
        'Invalid input for sync.configure: passphrase: use at least 8 characters',
      );
    };
    await store.getState().configureSync({ passphrase: 'short' });
    expect(store.getState().syncError?.message).toBe('Passphrase: use at least 8 characters');
  });

  it('an error that is not from the app gets a fallback sentence, never a stack', async () => {
    fake.state.replies['sync.configure'] = () => {
      throw new TypeError("Cannot read properties of undefined (reading 'x')");
    };
    await store.getState().configureSync({ deviceName: 'desk' });
    expect(store.getState().syncError?.message).toBe('Could not save the sync settings.');
  });

  it('test keeps its answer (a failed connection is an answer, not an error)', async () => {
    fake.state.replies['sync.test'] = { ok: false, reason: 'auth', message: 'The server refused the password.' };
    const r = await store.getState().testSync({ url: 'postgres://me:pw@db/h' });
    expect(r).toMatchObject({ ok: false });
    expect(calls('sync.test')).toEqual([{ url: 'postgres://me:pw@db/h' }]);
    expect(store.getState().syncTestResult).toMatchObject({ message: 'The server refused the password.' });
    expect(store.getState().syncError).toBeNull();
    expect(store.getState().syncBusy.test).toBe(false);
    store.getState().clearSyncTest();
    expect(store.getState().syncTestResult).toBeNull();
  });

  it('sync now: busy while it runs, its failure in words, then the status is read again', async () => {
    const run = deferred<never>();
    fake.state.replies['sync.now'] = () => run.promise;
    fake.state.replies['sync.status'] = status({ state: 'offline', seq: 7, lastError: 'The server did not answer.' });
    const running = store.getState().syncNow();
    expect(store.getState().syncBusy.now).toBe(true);
    run.reject(new fake.ClientError('backend_unreachable', 'The server did not answer.'));
    expect(await running).toBeNull();
    expect(store.getState().syncBusy.now).toBe(false);
    expect(store.getState().syncError).toEqual({ action: 'now', message: 'The server did not answer.' });
    await tick();
    expect(store.getState().syncStatus).toMatchObject({ state: 'offline', seq: 7 });
  });
});

describe('a run in words', () => {
  it('counts per kind, files and rows set aside', () => {
    expect(countsText({})).toBe('nothing');
    expect(countsText({ message: 12, chat: 3, chat_tag: 1 })).toBe('3 chats, 12 messages, 1 tag link');
    expect(movedText({ up: { chat: 1 }, down: {} })).toBe('up: 1 chat · down: nothing');
    expect(filesText({ filesUp: 0, filesDown: 0 })).toBe('');
    expect(filesText({ filesUp: 2, filesDown: 1 })).toBe('files: 2 up, 1 down');
    expect(rejectedText({ rejected: 0 })).toBe('');
    expect(rejectedText({ rejected: 2 })).toBe('2 rows set aside (damaged, or from a newer Hearth)');
  });
});
