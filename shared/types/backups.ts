/** Backups: whole archives of a Hearth data folder (database, attachments, images) and their settings. */

export type BackupReason = 'daily' | 'manual' | 'pre-migration';

export interface BackupCounts {
  chats: number;
  messages: number;
  attachments: number;
  images: number;
}

export interface BackupInfo {
  /** The archive's file name in the backup folder (what restore takes). */
  name: string;
  createdAt: number;
  reason: BackupReason;
  sizeBytes: number;
  counts: BackupCounts;
  appVersion: string;
  schemaVersion: number;
}

export interface BackupSettings {
  /** Daily backups while Hearth runs (and at start when the last is older than a day). */
  auto: boolean;
  /** Keep the newest backup of this many days … */
  keepDaily: number;
  /** … and of this many weeks before them. */
  keepWeekly: number;
  /** Another folder for the archives (another disk); null: `<data>/backups`. */
  folder: string | null;
}

export interface BackupProgress {
  phase: 'database' | 'files' | 'verifying' | 'restoring';
  /** Bytes (files) or pages (database) done of total; total 0 while unknown. */
  done: number;
  total: number;
}

export interface BackupsView {
  backups: BackupInfo[];
  /** Where they are. */
  folder: string;
  settings: BackupSettings;
  /** A backup or restore in progress. */
  running: ({ kind: 'backup' | 'restore'; reason?: BackupReason } & BackupProgress) | null;
  /** Why the last automatic backup failed (cleared by the next that works). */
  lastError: string | null;
  /** The last restore into this data folder: when, and where the data that was there went (kept). */
  lastRestore: { at: number; movedAside: string } | null;
  /** Files in the folder that are not readable backups (damaged, or from something else): named, never used. */
  unreadable: string[];
  seq: number;
}

export const DEFAULT_BACKUP_SETTINGS: BackupSettings = { auto: true, keepDaily: 7, keepWeekly: 4, folder: null };
