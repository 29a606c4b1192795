/**
 * What a restore leaves for the page that comes after it: the folder the previous data was moved to,
 * kept in sessionStorage across the reload a restore causes and read once; and that reload.
 */

const KEY = 'hearth.restore.movedAside';

export interface RestoreNote {
  /** Where the data that was replaced now is. */
  movedAside: string;
  /** This window asked for the restore (it opens Settings after the reload to say so). */
  mine: boolean;
}

/** Keep the note for the page after the reload (nothing happens where there is no sessionStorage). */
export function rememberRestore(note: RestoreNote): void {
  try {
    globalThis.sessionStorage?.setItem(KEY, JSON.stringify(note));
  } catch {
    // Storage refused (private mode, quota): the path is in Hearth's log and beside the data.
  }
}

/** The note a restore left, once: reading it removes it. */
export function takeRestoreNote(): RestoreNote | null {
  try {
    const storage = globalThis.sessionStorage;
    const raw = storage?.getItem(KEY);
    if (!raw) return null;
    storage.removeItem(KEY);
    const v = JSON.parse(raw) as Partial<RestoreNote> | null;
    return typeof v?.movedAside === 'string' && v.movedAside
      ? { movedAside: v.movedAside, mine: v.mine === true }
      : null;
  } catch {
    return null;
  }
}

/** Everything on screen belongs to the data that was replaced: read it all again. */
export function reloadPage(): void {
  globalThis.location?.reload();
}
