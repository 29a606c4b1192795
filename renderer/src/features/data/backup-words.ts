/**
 * Backups in words for Settings → Data: why a backup was made, what it holds, when (in the user's
 * locale) and how far a backup or restore in progress has got.
 */
import type { BackupCounts, BackupReason, BackupsView } from '../../../../shared/types/backups';

export const REASON_WORDS: Record<BackupReason, string> = {
  daily: 'Daily',
  manual: 'Made by you',
  'pre-migration': 'Before an update',
};

const PHASE_WORDS: Record<NonNullable<BackupsView['running']>['phase'], string> = {
  database: 'copying the database',
  files: 'copying files',
  verifying: 'checking',
  restoring: 'restoring',
};

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** "3 chats · 41 messages · 2 attachments · 0 images". */
export function countsText(c: BackupCounts): string {
  return [
    count(c.chats, 'chat'),
    count(c.messages, 'message'),
    count(c.attachments, 'attachment'),
    count(c.images, 'image'),
  ].join(' · ');
}

/** Date and time in the user's locale (and time zone). */
export function whenText(ms: number, locale?: string): string {
  return new Date(ms).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Whole percent done, or null while the total is not known yet (an indeterminate bar). */
export function percentDone(p: { done: number; total: number }): number | null {
  if (!(p.total > 0)) return null;
  return Math.max(0, Math.min(100, Math.floor((p.done / p.total) * 100)));
}

/** "Backing up: copying files, 40%" / "Restoring: checking…". */
export function progressText(running: NonNullable<BackupsView['running']>): string {
  const what = running.kind === 'restore' ? 'Restoring' : 'Backing up';
  const pct = percentDone(running);
  return `${what}: ${PHASE_WORDS[running.phase]}${pct === null ? '…' : `, ${pct}%`}`;
}
