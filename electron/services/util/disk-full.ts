/**
 * A full disk, however it shows up (SQLite's SQLITE_FULL, ENOSPC or EDQUOT from a file write),
 * becomes one error a user can act on. Writes that fail this way are rolled back whole.
 */
import { AppError } from '../../../shared/types/errors';

export const DISK_FULL_MESSAGE =
  'The disk holding Hearth’s data is full, so nothing was saved. Free some space, then try again.';

export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return true;
  return err instanceof Error && /database or disk is full|ENOSPC|no space left on device/i.test(err.message);
}

/** The AppError for `err` when it is a full disk, else null. */
export function diskFullError(err: unknown, message = DISK_FULL_MESSAGE): AppError | null {
  return isDiskFull(err) ? new AppError('disk_full', message) : null;
}
