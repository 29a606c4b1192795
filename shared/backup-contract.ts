/**
 * Backups in the contract (spread into shared/contract.ts): the list with counts, a backup now, the
 * settings (automatic, retention, folder), and restore of a listed backup.
 */
import { z } from 'zod';
import { empty, out } from './contract-out';
import type { BackupInfo, BackupsView } from './types/backups';

/** hearth-<yyyymmdd>-<hhmmss>[-n]-<reason>.tar.gz: only names of this shape reach the file system. */
export const BACKUP_NAME = /^hearth-\d{8}-\d{6}(-\d{1,3})?-(daily|manual|pre-migration)\.tar\.gz$/;

export const backupMethods = {
  'backups.list': { input: empty, output: out<BackupsView>() },
  /** Make a backup now (resolves when it is written; progress arrives as backups.changed). */
  'backups.create': { input: empty, output: out<BackupInfo>() },
  'backups.configure': {
    input: z
      .object({
        auto: z.boolean().optional(),
        keepDaily: z.number().int().min(1).max(365).optional(),
        keepWeekly: z.number().int().min(0).max(520).optional(),
        /** An absolute folder path; null goes back to <data>/backups. */
        folder: z.string().trim().min(1).max(4096).nullable().optional(),
      })
      .strict(),
    output: out<BackupsView>(),
  },
  /**
   * Restore a listed backup: checked whole first (manifest, checksums, the database's integrity);
   * the current data is moved aside (kept; its folder is in the reply) and Hearth reopens on the
   * restored data. A damaged or foreign archive is refused and nothing changes.
   */
  'backups.restore': {
    input: z.object({ name: z.string().regex(BACKUP_NAME, 'must be the name of a listed backup') }).strict(),
    output: out<{ movedAside: string; backup: BackupInfo }>(),
  },
} as const;

export const backupEvents = {
  /** The list, the settings or the progress of a backup or restore changed. */
  'backups.changed': z.custom<BackupsView>(),
  /** The data was replaced by a restore: windows read everything again. */
  'data.restored': z.object({ movedAside: z.string() }),
} as const;
