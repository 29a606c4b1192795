/**
 * Which backups to keep: the newest of each of the last `keepDaily` days that have one, and the newest
 * of each of the last `keepWeekly` weeks (Monday to Sunday) that have one — one backup may count for
 * both —, the newest backup always, and for 30 days a backup made before a database migration (the
 * way back if an update goes wrong) or made by the user (Back up now, `hearth backup`): only the
 * automatic daily ones are thinned. Days and weeks are UTC, as in the archives' names.
 *
 *   backupsToDelete(backups, { keepDaily, keepWeekly }, now) → the names to delete
 */
import type { BackupReason } from '../../../shared/types/backups';

/** Backups made by the user or before a migration are kept this long whatever the daily/weekly rule says. */
export const KEEP_CHOSEN_MS = 30 * 24 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetainedBackup {
  name: string;
  createdAt: number;
  reason: BackupReason;
}

const dayOf = (t: number) => Math.floor(t / DAY_MS);
/** Weeks start on Monday: 1970-01-01 was a Thursday, so shift by 3 days. */
const weekOf = (t: number) => Math.floor((dayOf(t) + 3) / 7);

export function backupsToDelete(
  backups: readonly RetainedBackup[],
  keep: { keepDaily: number; keepWeekly: number },
  now: number,
): string[] {
  const newestFirst = [...backups].sort((a, b) => b.createdAt - a.createdAt || (a.name < b.name ? 1 : -1));
  const kept = new Set<string>();
  const days = new Set<number>();
  const weeks = new Set<number>();
  for (const b of newestFirst) {
    const day = dayOf(b.createdAt);
    const week = weekOf(b.createdAt);
    if (!days.has(day) && days.size < keep.keepDaily) {
      days.add(day);
      kept.add(b.name);
    }
    if (!weeks.has(week) && weeks.size < keep.keepWeekly) {
      weeks.add(week);
      kept.add(b.name);
    }
    if (b.reason !== 'daily' && now - b.createdAt < KEEP_CHOSEN_MS) kept.add(b.name);
  }
  if (newestFirst[0]) kept.add(newestFirst[0].name);
  return newestFirst.filter((b) => !kept.has(b.name)).map((b) => b.name);
}
