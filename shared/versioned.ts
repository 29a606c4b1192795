/**
 * One rule for every row the app shows: newest version wins. Rows (chats, messages, folders, tags)
 * carry the version their store wrote (a hybrid-logical-clock stamp that sorts as text); replies
 * to calls and events travel separately and may arrive in any order, so a client applies a row only
 * when it is newer than the one it holds, and a deletion is a versioned tombstone. A list that
 * arrives late is merged with the rows held (each the newest seen), so a row changed, created or
 * deleted meanwhile by an event stays as the event left it. Whole answers that are not rows carry
 * `asOf`, and only the newest is taken (LatestReply). Used by the renderer's slices and the CLI.
 */

export interface Versioned {
  id: string;
  version: string;
}

/** Is `next` newer than `held`? Nothing held: yes. */
export function isNewer(next: string, held: string | null | undefined): boolean {
  return held == null || next > held;
}

/**
 * What a `RowBook` knows of one row: its newest version, and the row itself, or `deleted` (a
 * tombstone), or neither (a version seen in an event that did not carry the whole row).
 */
type Entry<T> = { version: string; row: T | null; deleted: boolean };

/**
 * The newest version of every row seen, from replies and events alike, with tombstones for
 * deletions. Slices keep one book per kind of row and derive what they show from it.
 */
export class RowBook<T extends Versioned> {
  private readonly entries = new Map<string, Entry<T>>();

  /** The row as newest known; null when deleted, only noted, or never seen. */
  get(id: string): T | null {
    return this.entries.get(id)?.row ?? null;
  }

  version(id: string): string | null {
    return this.entries.get(id)?.version ?? null;
  }

  isDeleted(id: string): boolean {
    return this.entries.get(id)?.deleted ?? false;
  }

  /** Take `row` if it is newer than what is held; true when it was taken. */
  apply(row: T): boolean {
    if (!isNewer(row.version, this.version(row.id))) return false;
    this.entries.set(row.id, { version: row.version, row, deleted: false });
    return true;
  }

  /** A deletion at `version`; true when it is newer than what is held. */
  remove(id: string, version: string): boolean {
    if (!isNewer(version, this.version(id))) return false;
    this.entries.set(id, { version, row: null, deleted: true });
    return true;
  }

  /**
   * A version seen for a row from an event that carries only some of its fields, applied with
   * `change` to the row when it is held. When it is not, the version is remembered, so a reply
   * with an older copy is known to be stale (`merge` says so). True when the version was newer.
   */
  note(id: string, version: string, change?: (row: T) => T): boolean {
    const e = this.entries.get(id);
    if (e && !isNewer(version, e.version)) return false;
    const row = e?.row && change ? { ...change(e.row), version } : null;
    this.entries.set(id, { version, row, deleted: false });
    return true;
  }

  /**
   * Rows of a reply, each replaced by the newer copy held, left out when deleted since; rows the
   * reply brings that are newer are taken into the book. `stale` is true when the reply holds an
   * older copy of a row whose newer state is known only by its version: read it again.
   */
  merge(rows: readonly T[]): { rows: T[]; stale: boolean } {
    const out: T[] = [];
    let stale = false;
    for (const r of rows) {
      this.apply(r);
      const e = this.entries.get(r.id)!;
      if (e.deleted) continue;
      if (e.row) out.push(e.row);
      else {
        stale = true; // only a newer version is known: show the copy we have, and read again
        out.push(r);
      }
    }
    return { rows: out, stale };
  }

  /** Every row held (not deleted) that `keep` accepts. */
  rows(keep: (row: T) => boolean = () => true): T[] {
    const out: T[] = [];
    for (const e of this.entries.values()) if (e.row && keep(e.row)) out.push(e.row);
    return out;
  }

  /**
   * Keep a changed copy of a held row at the same version (streamed text, which is not a stored
   * version of its own). Returns the new row, or null when none is held.
   */
  patch(id: string, fn: (row: T) => T): T | null {
    const e = this.entries.get(id);
    if (!e?.row) return null;
    const row = fn(e.row);
    this.entries.set(id, { ...e, row });
    return row;
  }

  /** Forget one row entirely (a row shown before it was stored, whose write failed). */
  forget(id: string): void {
    this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * Newest-reply-wins for whole answers that are not rows (model lists, folder and tag counts): a
 * reply is taken only when its `asOf` is newer than the last one taken.
 */
export class LatestReply {
  private asOf: string | null = null;
  /** True when the reply stamped `asOf` is newer than the last one taken (and it is now the last). */
  take(asOf: string): boolean {
    if (!isNewer(asOf, this.asOf)) return false;
    this.asOf = asOf;
    return true;
  }
}
