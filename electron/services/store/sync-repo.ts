/**
 * The device's side of sync, all in SQLite: the outbox of rows written here while sync is on
 * (filled by triggers, see migration 4), the inbox of pulled rows waiting for what they refer to,
 * the cursor (the server sequence pulled up to) and the settling rule for a pulled row: the newer
 * HLC version wins, the device id breaks a tie, so every device ends with the same row.
 *
 * Rows travel as (kind, id, version, device, deleted, payload): the payload holds every other
 * column by name, so a device with an older or newer schema keeps what it knows. Everything pulled
 * is checked here as hostile input: ids have one shape, values are plain, an attachment's file name
 * is rebuilt from its id, and a row that does not fit is set aside with the reason instead of
 * stopping the sync.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './database';
import type { HybridClock } from '../util/hlc';
import { isEntityId } from '../../../shared/ids';

export type SyncKind = 'folder' | 'tag' | 'chat' | 'message' | 'chat_tag' | 'attachment' | 'image';

/** Parents first, so most pulled rows apply on the first pass. */
export const SYNC_KINDS: readonly SyncKind[] = ['folder', 'tag', 'chat', 'message', 'chat_tag', 'attachment', 'image'];

/** Kinds whose rows carry a file (sent once per content, fetched by its address). */
export const FILE_KINDS: ReadonlySet<SyncKind> = new Set(['attachment', 'image']);
const FILE_FOLDERS: Partial<Record<SyncKind, string>> = { attachment: 'attachments', image: 'images' };

export type Payload = Record<string, string | number | null>;

export interface SyncRow {
  kind: SyncKind;
  id: string;
  version: string;
  deviceId: string;
  deleted: boolean;
  payload: Payload;
}

export interface PulledRow extends SyncRow {
  seq: number;
}

/** What a drain changed, for the events windows need. */
export interface Applied {
  kind: SyncKind;
  id: string;
  deleted: boolean;
  /** The chat the row belongs to (the chat itself for 'chat'). */
  chatId: string | null;
  messageId: string | null;
  /** An attachment's content address (its file is fetched by it). */
  blob?: string;
}

export interface Rejected {
  kind: string;
  id: string;
  why: string;
}

interface KindInfo {
  table: string;
  /** Key columns; the wire id is them joined with ':' */
  key: string[];
  /** Columns that name another row: it must be here first (null is fine). */
  refs: { column: string; table: string }[];
}

const KINDS: Record<SyncKind, KindInfo> = {
  folder: { table: 'folders', key: ['id'], refs: [] },
  tag: { table: 'tags', key: ['id'], refs: [] },
  chat: { table: 'chats', key: ['id'], refs: [{ column: 'folder_id', table: 'folders' }] },
  message: {
    table: 'messages',
    key: ['id'],
    refs: [
      { column: 'chat_id', table: 'chats' },
      { column: 'parent_id', table: 'messages' },
    ],
  },
  chat_tag: {
    table: 'chat_tags',
    key: ['chat_id', 'tag_id'],
    refs: [
      { column: 'chat_id', table: 'chats' },
      { column: 'tag_id', table: 'tags' },
    ],
  },
  attachment: {
    table: 'attachments',
    key: ['id'],
    refs: [
      { column: 'chat_id', table: 'chats' },
      { column: 'message_id', table: 'messages' },
    ],
  },
  // Gallery images: chat_id/message_id name the chat turn they were made for, but the gallery keeps
  // an image whose chat is gone, so they are not references that must arrive first.
  image: { table: 'images', key: ['id'], refs: [] },
};

const META_COLUMNS = new Set(['version', 'device_id', 'deleted']);
const VERSION_PATTERN = /^\d{13}-[0-9a-f]{4,8}-[A-Za-z0-9_-]{1,64}$/;
const EXT_PATTERN = /^[a-z0-9]{1,10}$/;

export const isSyncKind = (k: unknown): k is SyncKind => typeof k === 'string' && k in KINDS;

/** Is (version a, device a) newer than (version b, device b)? Text order is causal order for HLCs. */
export function isNewerRow(
  a: { version: string; deviceId: string },
  b: { version: string; deviceId: string },
): boolean {
  return a.version > b.version || (a.version === b.version && a.deviceId > b.deviceId);
}

function keyValues(kind: SyncKind, id: string): string[] | null {
  const parts = KINDS[kind].key.length === 1 ? [id] : id.split(':');
  if (parts.length !== KINDS[kind].key.length || !parts.every(isEntityId)) return null;
  return parts;
}

export class SyncRepo {
  private columns = new Map<string, Set<string>>();
  private stmts = new Map<string, Statement>();

  constructor(
    private readonly db: Db,
    private readonly clock: HybridClock,
    readonly deviceId: string,
  ) {
    for (const k of SYNC_KINDS) {
      const table = KINDS[k].table;
      const cols = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
      this.columns.set(table, new Set(cols.map((c) => c.name)));
    }
  }

  private stmt(sql: string): Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  // ---- state -------------------------------------------------------------------------------

  getState(key: string): string | null {
    const row = this.stmt('SELECT value FROM sync_state WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setState(key: string, value: string | null): void {
    if (value === null) this.stmt('DELETE FROM sync_state WHERE key = ?').run(key);
    else
      this.stmt(
        'INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ).run(key, value);
  }

  get enabled(): boolean {
    return this.getState('enabled') === '1';
  }

  /**
   * Turn queuing on and queue every row there is (this device's history has not gone up yet, or
   * went up to another database): the server keeps whichever version is newer, so rows it already
   * has cost a comparison, not a change.
   */
  enable(): void {
    this.db.transaction(() => {
      this.setState('enabled', '1');
      for (const kind of SYNC_KINDS) {
        const { table } = KINDS[kind];
        const id = kind === 'chat_tag' ? `chat_id || ':' || tag_id` : 'id';
        const where =
          kind === 'message'
            ? `WHERE status != 'streaming'`
            : kind === 'attachment'
              ? 'WHERE message_id IS NOT NULL OR deleted = 1'
              : 'WHERE true'; // an upsert after a SELECT needs a WHERE to parse
        this.db
          .prepare(
            `INSERT INTO sync_outbox (kind, id, version) SELECT '${kind}', ${id}, version FROM ${table} ${where}
             ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version`,
          )
          .run();
      }
    })();
  }

  /** Stop queuing; what was waiting to go up is forgotten (enabling again queues everything). */
  disable(): void {
    this.db.transaction(() => {
      this.setState('enabled', '0');
      this.db.prepare('DELETE FROM sync_outbox').run();
    })();
  }

  /** Point at another database: pull from its start, push everything again. */
  resetCursor(): void {
    this.db.transaction(() => {
      this.setState('cursor', null);
      this.db.prepare('DELETE FROM sync_inbox').run();
    })();
  }

  get cursor(): number {
    return Number(this.getState('cursor') ?? 0);
  }

  pendingCount(): number {
    return (this.stmt('SELECT count(*) AS n FROM sync_outbox').get() as { n: number }).n;
  }

  waitingCount(): number {
    return (this.stmt('SELECT count(*) AS n FROM sync_inbox').get() as { n: number }).n;
  }

  // ---- push --------------------------------------------------------------------------------

  /**
   * Up to `limit` queued rows, parents first, each kind in version order (the order they were
   * written). A queued row that is gone (erased) is dropped from the queue.
   */
  nextOutgoing(limit: number): SyncRow[] {
    const out: SyncRow[] = [];
    for (const kind of SYNC_KINDS) {
      if (out.length >= limit) break;
      const queued = this.stmt('SELECT id, version FROM sync_outbox WHERE kind = ? ORDER BY version LIMIT ?').all(
        kind,
        limit - out.length,
      ) as { id: string; version: string }[];
      for (const q of queued) {
        const row = this.readRow(kind, q.id);
        if (!row) {
          this.stmt('DELETE FROM sync_outbox WHERE kind = ? AND id = ?').run(kind, q.id);
          continue;
        }
        out.push(row);
      }
    }
    return out;
  }

  private readRow(kind: SyncKind, id: string): SyncRow | null {
    const info = KINDS[kind];
    const keys = keyValues(kind, id);
    if (!keys) return null;
    const where = info.key.map((k) => `${k} = ?`).join(' AND ');
    const row = this.stmt(`SELECT * FROM ${info.table} WHERE ${where}`).get(...keys) as
      Record<string, string | number | null> | undefined;
    if (!row) return null;
    const payload: Payload = {};
    for (const [col, value] of Object.entries(row)) {
      if (META_COLUMNS.has(col) || info.key.includes(col)) continue;
      payload[col] = value;
    }
    return {
      kind,
      id,
      version: String(row.version),
      deviceId: String(row.device_id),
      deleted: row.deleted === 1,
      payload,
    };
  }

  /** These went up: unqueue each one still at the version sent (a newer change stays queued). */
  markPushed(rows: readonly { kind: SyncKind; id: string; version: string }[]): void {
    const del = this.stmt('DELETE FROM sync_outbox WHERE kind = ? AND id = ? AND version = ?');
    this.db.transaction(() => {
      for (const r of rows) del.run(r.kind, r.id, r.version);
    })();
  }

  // ---- pull --------------------------------------------------------------------------------

  /**
   * Take a page of pulled rows into the inbox and move the cursor past them, in one transaction:
   * a cut connection either took the whole page or none of it, so nothing is missed or doubled.
   * Rows this device already has at the same or a newer version are not kept.
   */
  receive(rows: readonly PulledRow[], cursor: number): Rejected[] {
    const rejected: Rejected[] = [];
    this.db.transaction(() => {
      for (const r of rows) {
        const why = checkRow(r);
        if (why) {
          rejected.push({ kind: String(r.kind), id: String(r.id), why });
          continue;
        }
        const local = this.localVersion(r.kind, r.id);
        if (local && !isNewerRow(r, local)) continue;
        const waiting = this.stmt('SELECT version, device_id FROM sync_inbox WHERE kind = ? AND id = ?').get(
          r.kind,
          r.id,
        ) as { version: string; device_id: string } | undefined;
        if (waiting && !isNewerRow(r, { version: waiting.version, deviceId: waiting.device_id })) continue;
        this.stmt(
          `INSERT INTO sync_inbox (kind, id, seq, version, device_id, deleted, payload) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (kind, id) DO UPDATE SET seq = excluded.seq, version = excluded.version,
             device_id = excluded.device_id, deleted = excluded.deleted, payload = excluded.payload`,
        ).run(r.kind, r.id, r.seq, r.version, r.deviceId, r.deleted ? 1 : 0, JSON.stringify(r.payload));
      }
      this.setState('cursor', String(cursor));
    })();
    return rejected;
  }

  private localVersion(kind: SyncKind, id: string): { version: string; deviceId: string } | null {
    const info = KINDS[kind];
    const keys = keyValues(kind, id);
    if (!keys) return null;
    const where = info.key.map((k) => `${k} = ?`).join(' AND ');
    const row = this.stmt(`SELECT version, device_id FROM ${info.table} WHERE ${where}`).get(...keys) as
      { version: string; device_id: string } | undefined;
    return row ? { version: row.version, deviceId: row.device_id } : null;
  }

  private exists(table: string, id: string): boolean {
    return this.stmt(`SELECT 1 FROM ${table} WHERE id = ?`).get(id) !== undefined;
  }

  /**
   * Apply waiting rows of one kind whose references are here, `limit` at most, in one transaction.
   * Returns what changed, what was refused (dropped from the inbox), and how many it looked at.
   */
  drainKind(
    kind: SyncKind,
    afterSeq: number,
    limit: number,
  ): { applied: Applied[]; rejected: Rejected[]; lastSeq: number; seen: number } {
    const applied: Applied[] = [];
    const rejected: Rejected[] = [];
    let lastSeq = afterSeq;
    let seen = 0;
    this.db.transaction(() => {
      const rows = this.stmt(
        `SELECT kind, id, seq, version, device_id, deleted, payload FROM sync_inbox
         WHERE kind = ? AND seq > ? ORDER BY seq LIMIT ?`,
      ).all(kind, afterSeq, limit) as {
        kind: SyncKind;
        id: string;
        seq: number;
        version: string;
        device_id: string;
        deleted: number;
        payload: string;
      }[];
      for (const r of rows) {
        seen += 1;
        lastSeq = r.seq;
        const row: SyncRow = {
          kind,
          id: r.id,
          version: r.version,
          deviceId: r.device_id,
          deleted: r.deleted === 1,
          payload: JSON.parse(r.payload) as Payload,
        };
        let outcome: Applied | 'wait' | 'same';
        try {
          outcome = this.db.transaction(() => this.applyRow(row))();
        } catch (err) {
          rejected.push({ kind, id: r.id, why: err instanceof Error ? err.message : String(err) });
          this.stmt('DELETE FROM sync_inbox WHERE kind = ? AND id = ?').run(kind, r.id);
          continue;
        }
        if (outcome === 'wait') continue;
        this.stmt('DELETE FROM sync_inbox WHERE kind = ? AND id = ?').run(kind, r.id);
        this.clock.observe(row.version);
        if (outcome !== 'same') applied.push(outcome);
      }
      applied.push(...this.settleTagMoves());
    })();
    return { applied, rejected, lastSeq, seen };
  }

  /** Settle one pulled row against the local one. */
  private applyRow(row: SyncRow): Applied | 'wait' | 'same' {
    const info = KINDS[row.kind];
    const keys = keyValues(row.kind, row.id)!;
    const local = this.localVersion(row.kind, row.id);
    if (local && !isNewerRow(row, local)) return 'same';

    const values: Record<string, string | number | null> = {};
    const known = this.columns.get(info.table)!;
    for (const [col, value] of Object.entries(row.payload)) {
      if (known.has(col) && !META_COLUMNS.has(col) && !info.key.includes(col)) values[col] = value;
    }
    info.key.forEach((k, i) => (values[k] = keys[i]!));
    values.version = row.version;
    values.device_id = row.deviceId;
    values.deleted = row.deleted ? 1 : 0;

    for (const ref of info.refs) {
      const target = values[ref.column];
      if (target === null || target === undefined) continue;
      if (!isEntityId(target)) throw new Error(`${ref.column} is not an id`);
      if (!this.exists(ref.table, target)) return 'wait';
    }

    if (row.kind === 'message' && values.status === 'streaming') values.status = 'interrupted';
    const folder = FILE_FOLDERS[row.kind];
    if (folder) {
      const ext = /\.([a-z0-9]+)$/.exec(String(values.path ?? ''))?.[1];
      values.path = `${folder}/${keys[0]}.${ext && EXT_PATTERN.test(ext) ? ext : 'bin'}`;
    }
    if (row.kind === 'chat' && typeof values.import_key === 'string') {
      const other = this.stmt('SELECT id FROM chats WHERE import_key = ? AND id != ?').get(values.import_key, keys[0]);
      if (other) values.import_key = null; // imported on two devices: both stay, as two chats
    }
    if (row.kind === 'tag' && !row.deleted) this.settleTagName(keys[0]!, values);

    const cols = Object.keys(values);
    const updates = cols.filter((c) => !info.key.includes(c)).map((c) => `${c} = excluded.${c}`);
    this.stmt(
      `INSERT INTO ${info.table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})
       ON CONFLICT (${info.key.join(', ')}) DO UPDATE SET ${updates.join(', ')}`,
    ).run(values);

    const chatId =
      row.kind === 'chat' ? keys[0]! : row.kind === 'chat_tag' ? keys[0]! : ((values.chat_id as string) ?? null);
    const messageId =
      row.kind === 'message' ? keys[0]! : row.kind === 'attachment' ? (values.message_id as string) : null;
    const blob = FILE_KINDS.has(row.kind) ? row.payload.blob_address : undefined;
    return {
      kind: row.kind,
      id: row.id,
      deleted: row.deleted,
      chatId,
      messageId: messageId ?? null,
      ...(typeof blob === 'string' && /^[0-9a-f]{64}$/.test(blob) ? { blob } : {}),
    };
  }

  /**
   * Two devices made a tag of the same name (case-insensitively) with different ids. Both devices
   * keep the one with the smaller id: here, either the pulled one is stored as deleted, or the local
   * one is retired (a new version, so it goes up) and its chats are moved to the pulled one.
   */
  private settleTagName(id: string, values: Record<string, string | number | null>): void {
    const clash = this.stmt('SELECT id FROM tags WHERE name = ? AND id != ? AND deleted = 0').get(values.name, id) as
      { id: string } | undefined;
    if (!clash) return;
    if (clash.id < id) {
      values.deleted = 1;
      return;
    }
    const version = this.clock.tick();
    this.stmt('UPDATE tags SET deleted = 1, version = ?, device_id = ? WHERE id = ?').run(
      version,
      this.deviceId,
      clash.id,
    );
    const links = this.stmt('SELECT chat_id FROM chat_tags WHERE tag_id = ? AND deleted = 0').all(clash.id) as {
      chat_id: string;
    }[];
    this.pendingTagMoves.push({ from: clash.id, to: id, chats: links.map((l) => l.chat_id) });
  }

  private pendingTagMoves: { from: string; to: string; chats: string[] }[] = [];

  /** Finish tag merges once the surviving tag row is stored (at the end of each drained page). */
  private settleTagMoves(): Applied[] {
    const applied: Applied[] = [];
    const moves = this.pendingTagMoves.splice(0);
    if (moves.length === 0) return applied;
    this.db.transaction(() => {
      for (const m of moves) {
        for (const chat of m.chats) {
          const v1 = this.clock.tick();
          this.stmt(
            'UPDATE chat_tags SET deleted = 1, version = ?, device_id = ? WHERE chat_id = ? AND tag_id = ?',
          ).run(v1, this.deviceId, chat, m.from);
          const v2 = this.clock.tick();
          this.stmt(
            `INSERT INTO chat_tags (chat_id, tag_id, version, device_id, deleted) VALUES (?, ?, ?, ?, 0)
             ON CONFLICT (chat_id, tag_id) DO UPDATE SET deleted = 0, version = excluded.version, device_id = excluded.device_id`,
          ).run(chat, m.to, v2, this.deviceId);
          applied.push({ kind: 'chat_tag', id: `${chat}:${m.to}`, deleted: false, chatId: chat, messageId: null });
        }
      }
    })();
    return applied;
  }

  /** The file of an attachment or image row (the engine fetches it when missing here). */
  fileOf(kind: SyncKind, id: string): { path: string; deleted: boolean } | null {
    const table = kind === 'image' ? 'images' : kind === 'attachment' ? 'attachments' : null;
    if (!table) return null;
    const row = this.stmt(`SELECT path, deleted FROM ${table} WHERE id = ?`).get(id) as
      { path: string; deleted: number } | undefined;
    return row ? { path: row.path, deleted: row.deleted === 1 } : null;
  }
}

/** Why a pulled row cannot be taken as it is, or null. */
export function checkRow(r: PulledRow): string | null {
  if (!isSyncKind(r.kind)) return `unknown kind "${String(r.kind).slice(0, 40)}"`;
  if (typeof r.id !== 'string' || !keyValues(r.kind, r.id)) return 'the id has the wrong shape';
  if (typeof r.version !== 'string' || !VERSION_PATTERN.test(r.version)) return 'the version has the wrong shape';
  if (typeof r.deviceId !== 'string' || !isEntityId(r.deviceId)) return 'the device id has the wrong shape';
  if (typeof r.payload !== 'object' || r.payload === null || Array.isArray(r.payload)) return 'no payload';
  for (const [k, v] of Object.entries(r.payload)) {
    if (!/^[a-z_][a-z0-9_]{0,40}$/.test(k)) return `a column named "${k.slice(0, 40)}"`;
    if (v !== null && typeof v !== 'string' && typeof v !== 'number') return `column ${k} holds a ${typeof v}`;
  }
  return null;
}
