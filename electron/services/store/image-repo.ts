/**
 * Gallery rows in SQLite (the files are ImageService's, under `<dataDir>/images`; a row holds the
 * file's relative path and what made it). Writes stamp a new sync version (HLC) and this device's
 * id; deleting leaves a tombstone so undo, export and sync see it.
 */
import type { GalleryImage, ImageBackendKind, ImageRequest } from '../../../shared/types/images';
import type { Statement } from 'better-sqlite3';
import type { HybridClock } from '../util/hlc';
import type { Db } from './database';

export interface ImageRow {
  id: string;
  prompt: string;
  negative_prompt: string;
  params: string;
  backend_kind: ImageBackendKind;
  backend_label: string;
  model: string | null;
  seed: number | null;
  info: string | null;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  /** Relative to the data folder: `images/<id>.<ext>`. */
  path: string;
  chat_id: string | null;
  message_id: string | null;
  created_at: number;
  version: string;
  deleted: number;
}

export interface NewImageRow {
  id: string;
  prompt: string;
  negativePrompt: string;
  params: ImageRequest;
  backendKind: ImageBackendKind;
  backendLabel: string;
  model: string | null;
  seed: number | null;
  info: unknown;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  path: string;
  chatId: string | null;
  messageId: string | null;
  createdAt: number;
}

const COLS = `id, prompt, negative_prompt, params, backend_kind, backend_label, model, seed, info, mime, size,
  width, height, path, chat_id, message_id, created_at, version, deleted`;

export function toGalleryImage(r: ImageRow): GalleryImage {
  return {
    id: r.id,
    prompt: r.prompt,
    negativePrompt: r.negative_prompt,
    params: parseJson(r.params, {}) as ImageRequest,
    backendKind: r.backend_kind,
    backendLabel: r.backend_label,
    model: r.model,
    seed: r.seed,
    info: r.info === null ? null : parseJson(r.info, null),
    mime: r.mime,
    size: r.size,
    width: r.width,
    height: r.height,
    chatId: r.chat_id,
    messageId: r.message_id,
    createdAt: r.created_at,
    version: r.version,
  };
}

/** A row as lists and events carry it: without the backend's info (images.get has it). */
export function listRow(image: GalleryImage): GalleryImage {
  return image.info === null ? image : { ...image, info: null };
}

function parseJson(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fallback;
  }
}

/** LIKE pattern for a search of the prompt: every word must appear (case-insensitive), % and _ literal. */
function likeTerms(query: string): string[] {
  return query
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 8)
    .map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
}

export class ImageRepo {
  constructor(
    private readonly db: Db,
    private readonly clock: HybridClock,
    private readonly deviceId: string,
  ) {}

  private insertStmt: Statement | null = null;

  insert(i: NewImageRow): GalleryImage {
    this.write(i);
    return this.get(i.id)!;
  }

  /** Store a row (its file is written already) with a new version; no read back (imports write many). */
  write(i: NewImageRow): void {
    this.insertStmt ??= this.db.prepare(
      `INSERT INTO images (id, prompt, negative_prompt, params, backend_kind, backend_label, model, seed, info,
         mime, size, width, height, path, chat_id, message_id, created_at, version, device_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertStmt.run(
      i.id,
      i.prompt,
      i.negativePrompt,
      JSON.stringify(i.params),
      i.backendKind,
      i.backendLabel,
      i.model,
      i.seed,
      i.info === undefined ? null : JSON.stringify(i.info),
      i.mime,
      i.size,
      i.width,
      i.height,
      i.path,
      i.chatId,
      i.messageId,
      i.createdAt,
      this.clock.tick(),
      this.deviceId,
    );
  }

  /** A live (not deleted) row. */
  get(id: string): GalleryImage | null {
    const row = this.row(id);
    return row && !row.deleted ? toGalleryImage(row) : null;
  }

  /** The row whatever its state (deleted ones too). */
  row(id: string): ImageRow | null {
    return (this.db.prepare(`SELECT ${COLS} FROM images WHERE id = ?`).get(id) as ImageRow | undefined) ?? null;
  }

  /**
   * Newest first; `before` pages on from a row; `query` keeps rows whose prompt holds every word.
   * Rows come without `info` (null): the viewer reads one image whole with get().
   */
  list(o: { query?: string; limit: number; before?: string }): { images: GalleryImage[]; total: number } {
    const where = ['deleted = 0'];
    const args: (string | number)[] = [];
    for (const term of likeTerms(o.query ?? '')) {
      where.push(`prompt LIKE ? ESCAPE '\\'`);
      args.push(term);
    }
    const total = (
      this.db.prepare(`SELECT count(*) AS n FROM images WHERE ${where.join(' AND ')}`).get(...args) as { n: number }
    ).n;
    const page = [...where];
    const pageArgs = [...args];
    if (o.before) {
      const anchor = this.row(o.before);
      if (anchor) {
        page.push('(created_at < ? OR (created_at = ? AND id < ?))');
        pageArgs.push(anchor.created_at, anchor.created_at, anchor.id);
      }
    }
    // The backend's info (A1111's is a few KB) stays out of list rows: images.get carries it.
    const rows = this.db
      .prepare(
        `SELECT ${COLS.replace('info,', 'NULL AS info,')} FROM images WHERE ${page.join(' AND ')}
         ORDER BY created_at DESC, id DESC LIMIT ?`,
      )
      .all(...pageArgs, o.limit) as ImageRow[];
    return { images: rows.map(toGalleryImage), total };
  }

  /** Tombstone (the file stays until the row is purged, so undo brings it back). */
  markDeleted(id: string): string | null {
    const version = this.clock.tick();
    const r = this.db
      .prepare('UPDATE images SET deleted = 1, version = ?, device_id = ? WHERE id = ? AND deleted = 0')
      .run(version, this.deviceId, id);
    return r.changes ? version : null;
  }

  restore(id: string): GalleryImage | null {
    const r = this.db
      .prepare('UPDATE images SET deleted = 0, version = ?, device_id = ? WHERE id = ? AND deleted = 1')
      .run(this.clock.tick(), this.deviceId, id);
    return r.changes ? this.get(id) : null;
  }

  /** Rows deleted before `cutoff` (by their version's time) whose files can go: [id, path]. */
  deletedBefore(cutoffMs: number): { id: string; path: string }[] {
    return (
      this.db.prepare('SELECT id, path, version FROM images WHERE deleted = 1').all() as {
        id: string;
        path: string;
        version: string;
      }[]
    )
      .filter((r) => versionTime(r.version) < cutoffMs)
      .map(({ id, path }) => ({ id, path }));
  }

  /** Every row (export), deleted ones left out. */
  all(): GalleryImage[] {
    return (
      this.db.prepare(`SELECT ${COLS} FROM images WHERE deleted = 0 ORDER BY created_at, id`).all() as ImageRow[]
    ).map(toGalleryImage);
  }

  /** Whether another live row points at the same file (imports may share one). */
  pathInUse(path: string, exceptId: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM images WHERE path = ? AND id != ? AND deleted = 0').get(path, exceptId);
  }

  /** The message an image turn was made for: its chat is still there. */
  chatIsLive(chatId: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM chats WHERE id = ? AND deleted = 0').get(chatId);
  }
}

/** The wall-clock part of an HLC version (`<13-digit ms>-…`), 0 when it does not parse. */
function versionTime(version: string): number {
  const n = Number(version.slice(0, 13));
  return Number.isFinite(n) ? n : 0;
}
