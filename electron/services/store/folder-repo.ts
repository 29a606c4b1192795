/**
 * Folders in SQLite. Deleting a folder tombstones it and moves its chats out (none is deleted);
 * chat counts are live chats that are not archived, as the sidebar shows them.
 */
import type { Folder } from '../../../shared/types/domain';
import { AppError } from '../../../shared/types/errors';
import type { Db } from './database';
import type { HybridClock } from '../util/hlc';
import { uuidv7 } from '../../../shared/uuidv7';

interface FolderRow {
  id: string;
  name: string;
  sort: number;
  chat_count: number;
  version: string;
}

const toFolder = (r: FolderRow): Folder => ({
  id: r.id,
  name: r.name,
  sort: r.sort,
  chatCount: r.chat_count,
  version: r.version,
});

export class FolderRepo {
  constructor(
    private readonly db: Db,
    private readonly clock: HybridClock,
    private readonly deviceId: string,
    private readonly now: () => number = Date.now,
  ) {}

  list(): Folder[] {
    const rows = this.db
      .prepare(
        `SELECT f.id, f.name, f.sort, f.version,
           (SELECT COUNT(*) FROM chats c WHERE c.folder_id = f.id AND c.deleted = 0 AND c.archived = 0) AS chat_count
         FROM folders f WHERE f.deleted = 0 ORDER BY f.sort, f.name COLLATE NOCASE, f.id`,
      )
      .all() as FolderRow[];
    return rows.map(toFolder);
  }

  get(id: string): Folder | null {
    return this.list().find((f) => f.id === id) ?? null;
  }

  exists(id: string): boolean {
    return !!this.db.prepare(`SELECT 1 FROM folders WHERE id = ? AND deleted = 0`).get(id);
  }

  create(name: string): Folder {
    this.assertNameFree(name);
    const id = uuidv7();
    const t = this.now();
    const { next } = this.db
      .prepare(`SELECT COALESCE(MAX(sort), 0) + 1 AS next FROM folders WHERE deleted = 0`)
      .get() as { next: number };
    this.db
      .prepare(
        `INSERT INTO folders (id, name, sort, created_at, updated_at, version, device_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, name, next, t, t, this.clock.tick(), this.deviceId);
    return this.get(id)!;
  }

  rename(id: string, name: string): Folder {
    this.assertNameFree(name, id);
    const changed = this.db
      .prepare(`UPDATE folders SET name = ?, updated_at = ?, version = ?, device_id = ? WHERE id = ? AND deleted = 0`)
      .run(name, this.now(), this.clock.tick(), this.deviceId, id).changes;
    if (!changed) throw missing();
    return this.get(id)!;
  }

  /** Tombstones the folder and moves its chats out of it, in one transaction. Returns the moved chat ids. */
  delete(id: string): string[] {
    return this.db.transaction(() => {
      const changed = this.db
        .prepare(
          `UPDATE folders SET deleted = 1, updated_at = ?, version = ?, device_id = ? WHERE id = ? AND deleted = 0`,
        )
        .run(this.now(), this.clock.tick(), this.deviceId, id).changes;
      if (!changed) throw missing();
      const moved = this.db.prepare(`SELECT id FROM chats WHERE folder_id = ?`).all(id) as { id: string }[];
      this.db
        .prepare(`UPDATE chats SET folder_id = NULL, version = ?, device_id = ? WHERE folder_id = ?`)
        .run(this.clock.tick(), this.deviceId, id);
      return moved.map((r) => r.id);
    })();
  }

  private assertNameFree(name: string, exceptId?: string): void {
    const clash = this.db
      .prepare(`SELECT id FROM folders WHERE deleted = 0 AND name = ? COLLATE NOCASE AND id != ?`)
      .get(name, exceptId ?? '') as { id: string } | undefined;
    if (clash) throw new AppError('conflict', `There is already a folder called "${name}". Pick another name.`);
  }
}

const missing = () => new AppError('not_found', 'That folder does not exist (it may have been deleted).');
