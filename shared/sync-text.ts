/**
 * A sync run's counts in words, the same in Settings → Sync, the sync indicator and `hearth sync`:
 * "up: 3 chats, 12 messages · down: nothing", files moved, rows set aside.
 */
import type { SyncCounts, SyncRunReport } from './types/domain';

type Kind = keyof SyncCounts;

/** Kinds in the order people care about them, with their singular and plural names. */
const KINDS: [Kind, string, string][] = [
  ['chat', 'chat', 'chats'],
  ['message', 'message', 'messages'],
  ['attachment', 'attachment', 'attachments'],
  ['folder', 'folder', 'folders'],
  ['tag', 'tag', 'tags'],
  ['chat_tag', 'tag link', 'tag links'],
];

export const plural = (n: number, one: string, many: string): string =>
  `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** "3 chats, 12 messages", or "nothing". */
export function countsText(counts: SyncCounts): string {
  const parts = KINDS.filter(([k]) => (counts[k] ?? 0) > 0).map(([k, one, many]) => plural(counts[k]!, one, many));
  return parts.length ? parts.join(', ') : 'nothing';
}

/** "up: 3 chats, 12 messages · down: nothing". */
export function movedText(report: Pick<SyncRunReport, 'up' | 'down'>): string {
  return `up: ${countsText(report.up)} · down: ${countsText(report.down)}`;
}

/** "files: 2 up, 1 down", or '' when no file moved. */
export function filesText(report: Pick<SyncRunReport, 'filesUp' | 'filesDown'>): string {
  if (!report.filesUp && !report.filesDown) return '';
  return `files: ${report.filesUp.toLocaleString('en')} up, ${report.filesDown.toLocaleString('en')} down`;
}

/** "2 rows set aside (damaged, or from a newer Hearth)", or '' when none were. */
export function rejectedText(report: Pick<SyncRunReport, 'rejected'>): string {
  if (!report.rejected) return '';
  return `${plural(report.rejected, 'row', 'rows')} set aside (damaged, or from a newer Hearth)`;
}
