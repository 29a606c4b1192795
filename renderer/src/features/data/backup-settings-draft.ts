/**
 * The backup settings form's draft (what is typed: the folder, days and weeks to keep) and the change
 * it makes to the saved settings, or what is wrong with it in plain words.
 */
import type { BackupSettings } from '../../../../shared/types/backups';

export interface BackupSettingsDraft {
  folder: string;
  keepDaily: string;
  keepWeekly: string;
}

export type BackupSettingsPatch = Partial<Pick<BackupSettings, 'folder' | 'keepDaily' | 'keepWeekly'>>;

export const draftOf = (s: Pick<BackupSettings, 'folder' | 'keepDaily' | 'keepWeekly'>): BackupSettingsDraft => ({
  folder: s.folder ?? '',
  keepDaily: String(s.keepDaily),
  keepWeekly: String(s.keepWeekly),
});

/** A full path on Linux, macOS or Windows. */
const ABSOLUTE = /^(\/|[A-Za-z]:[\\/]|\\\\)/;

/** Only what changed; an empty folder goes back to the data folder's backups/. */
export function backupSettingsPatch(
  draft: BackupSettingsDraft,
  current: BackupSettings,
): { patch: BackupSettingsPatch } | { error: string } {
  const daily = Number(draft.keepDaily);
  if (draft.keepDaily.trim() === '' || !Number.isInteger(daily) || daily < 1 || daily > 365)
    return { error: 'Keep daily backups for 1 to 365 days.' };
  const weekly = Number(draft.keepWeekly);
  if (draft.keepWeekly.trim() === '' || !Number.isInteger(weekly) || weekly < 0 || weekly > 520)
    return { error: 'Keep weekly backups for 0 to 520 weeks.' };
  const folder = draft.folder.trim() || null;
  if (folder !== null && !ABSOLUTE.test(folder))
    return { error: 'Give the backup folder as a full path (for example /mnt/usb/hearth-backups).' };
  const patch: BackupSettingsPatch = {};
  if (daily !== current.keepDaily) patch.keepDaily = daily;
  if (weekly !== current.keepWeekly) patch.keepWeekly = weekly;
  if (folder !== current.folder) patch.folder = folder;
  return { patch };
}
