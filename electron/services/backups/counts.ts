/**
 * What a backup holds, counted in its database: live chats and their messages, attachments, gallery
 * images. `countRows` in one go (restore's check); `countRowsInSteps` the same figures counted a slice
 * of messages at a time with the event loop free in between (a backup while Hearth serves: one
 * count over a million messages would stall every request for a second).
 */
import type { Database } from 'better-sqlite3';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { BackupCounts } from '../../../shared/types/backups';

const LIVE_MESSAGES = 'SELECT count(*) FROM messages m JOIN chats c ON c.id = m.chat_id WHERE c.deleted = 0';
/** Messages per step: a few milliseconds of work. */
const STEP = 20_000;

function counter(db: Database) {
  return (sql: string, ...params: unknown[]) => {
    try {
      return (
        (db
          .prepare(sql)
          .pluck()
          .get(...params) as number) ?? 0
      );
    } catch {
      return 0; // a table an older schema does not have
    }
  };
}

function others(db: Database): Omit<BackupCounts, 'messages'> {
  const n = counter(db);
  return {
    chats: n('SELECT count(*) FROM chats WHERE deleted = 0'),
    attachments: n('SELECT count(*) FROM attachments'),
    images: n('SELECT count(*) FROM images WHERE deleted = 0'),
  };
}

export function countRows(db: Database): BackupCounts {
  return { ...others(db), messages: counter(db)(LIVE_MESSAGES) };
}

export async function countRowsInSteps(db: Database): Promise<BackupCounts> {
  const n = counter(db);
  const max = n('SELECT coalesce(max(rowid), 0) FROM messages');
  let messages = 0;
  for (let lo = 0; lo < max; lo += STEP) {
    messages += n(`${LIVE_MESSAGES} AND m.rowid > ? AND m.rowid <= ?`, lo, lo + STEP);
    await yieldToLoop();
  }
  return { ...others(db), messages };
}
