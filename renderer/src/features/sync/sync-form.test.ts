/** Settings → Sync's form: only changed fields are sent, wrong ones are said in words; the indicator's words. */
import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../../shared/types/domain';
import { EMPTY_DRAFT, isDirty, passphraseProblem, syncPatch, testText } from './sync-form';
import { describeSync, indicatorText } from './status-words';
import { syncStatus } from '../../../../e2e/support/sync-status';

const status = (p: Partial<SyncStatus> = {}): SyncStatus =>
  syncStatus({ url: 'postgres://me:•••@db:5432/hearth', seq: 1, ...p });

describe('the sync form', () => {
  it('sends only what changed', () => {
    expect(isDirty(EMPTY_DRAFT)).toBe(false);
    expect(syncPatch(EMPTY_DRAFT, status())).toEqual({ patch: {} });
    const d = { url: ' postgres://a:b@h/d ', schema: 'hearth', deviceName: 'desk ', maxAttachmentMb: '20' };
    expect(isDirty(d)).toBe(true);
    expect(syncPatch(d, status())).toEqual({ patch: { url: 'postgres://a:b@h/d', deviceName: 'desk' } });
    expect(syncPatch({ ...EMPTY_DRAFT, schema: 'team_2', maxAttachmentMb: '0' }, status())).toEqual({
      patch: { schema: 'team_2', maxAttachmentMb: 0 },
    });
  });

  it('never sends a connection string when DATABASE_URL is in charge', () => {
    expect(syncPatch({ ...EMPTY_DRAFT, url: 'postgres://x@y/z' }, status({ urlSource: 'env' }))).toEqual({ patch: {} });
  });

  it('says what is wrong with a field', () => {
    expect(syncPatch({ ...EMPTY_DRAFT, schema: 'Team-A' }, status())).toEqual({
      error: expect.stringContaining('lower-case letters') as string,
    });
    for (const mb of ['-1', '2.5', 'lots', '1025', '']) {
      expect(syncPatch({ ...EMPTY_DRAFT, maxAttachmentMb: mb }, status())).toEqual({
        error: expect.stringContaining('whole number of MB') as string,
      });
    }
  });

  it('checks a new passphrase', () => {
    expect(passphraseProblem('short', 'short')).toBe('Use at least 8 characters.');
    expect(passphraseProblem('long enough', 'long enougH')).toMatch(/differ/);
    expect(passphraseProblem('long enough', 'long enough')).toBeNull();
  });

  it('puts a connection test in words', () => {
    expect(testText({ ok: true, serverVersion: '16.4', schemaExists: false }, 'hearth')).toBe(
      'Connected: PostgreSQL 16.4. The schema “hearth” will be created at the first sync.',
    );
    expect(testText({ ok: false, reason: 'wrong_password', message: 'The password was refused.' }, 'h')).toBe(
      'The password was refused.',
    );
  });
});

describe('the indicator in words', () => {
  const now = 1_000_000_000;
  it('synced with its time, syncing, offline, error', () => {
    expect(indicatorText(status({ lastSyncAt: now - 120_000, pending: 3 }), now)).toEqual({
      main: 'Synced',
      sub: '2 min ago · 3 to send',
    });
    expect(indicatorText(status({ state: 'syncing' }), now).main).toBe('Syncing…');
    expect(describeSync(status({ state: 'offline' }), now)).toBe('Sync offline, the database cannot be reached');
    expect(indicatorText(status({ state: 'offline', lastSyncAt: now - 3 * 3600_000 }), now).sub).toBe(
      'the database cannot be reached · synced 3 h ago',
    );
    expect(describeSync(status({ state: 'error', lastError: 'Wrong passphrase.' }), now)).toBe(
      'Sync error, Wrong passphrase.',
    );
  });
});
