/**
 * The meeting point: one PostgreSQL schema holding every synced row once, at its newest version.
 *
 *   rows     (kind, id) → version, device, deleted, payload (JSON, or ciphertext with a passphrase),
 *            and seq: a server-assigned number, bigger for every change, that devices pull after.
 *   blobs    attachment bytes by content address.
 *   devices  who syncs here, when they were last seen and how far they have pulled.
 *   meta     the encryption parameters (salt, verifier), when a passphrase is in use.
 *
 * Pushes take one advisory lock per schema for their transaction, so changes are numbered in the
 * order they commit: a device that has seen seq N has seen every change numbered below N, and no
 * clock, however skewed, can hide a row. A row is replaced only by a newer version (device id
 * breaking a tie), so pushing the same batch twice — after a cut connection — changes nothing.
 * Versions and device ids compare byte-wise (COLLATE "C"), as they do on the devices.
 */
import type { Client } from 'pg';
import { AppError } from '../../../shared/types/errors';

export const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

export interface WireRow {
  kind: string;
  id: string;
  version: string;
  deviceId: string;
  deleted: boolean;
  /** JSON text, or "e1:" + base64 ciphertext. */
  payload: string;
}

export interface StoredRow extends WireRow {
  seq: number;
}

interface ServerMigration {
  version: number;
  name: string;
  sql: (s: string) => string;
}

const SERVER_MIGRATIONS: ServerMigration[] = [
  {
    version: 1,
    name: 'rows, blobs, devices, meta',
    sql: (s) => `
      CREATE SEQUENCE ${s}.row_seq;
      CREATE TABLE ${s}.rows (
        kind text NOT NULL,
        id text NOT NULL,
        seq bigint NOT NULL,
        version text COLLATE "C" NOT NULL,
        device_id text COLLATE "C" NOT NULL,
        deleted boolean NOT NULL,
        payload text NOT NULL,
        PRIMARY KEY (kind, id)
      );
      CREATE UNIQUE INDEX rows_by_seq ON ${s}.rows (seq);
      CREATE TABLE ${s}.blobs (
        address text PRIMARY KEY,
        size bigint NOT NULL,
        bytes bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE ${s}.devices (
        device_id text PRIMARY KEY,
        name text NOT NULL,
        pulled_to bigint NOT NULL DEFAULT 0,
        last_seen timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE ${s}.meta (
        key text PRIMARY KEY,
        value text NOT NULL
      );
    `,
  },
];

export const SERVER_SCHEMA_VERSION = SERVER_MIGRATIONS[SERVER_MIGRATIONS.length - 1]!.version;

/** A 32-bit key for pg_advisory locks derived from the schema name (stable across devices). */
function lockKey(schema: string, what: string): number {
  let h = 0x811c9dc5;
  for (const ch of `${schema}:${what}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return h | 0;
}

export function channelOf(schema: string): string {
  return `hearth_sync_${schema}`;
}

export class SyncServer {
  constructor(
    readonly client: Client,
    readonly schema: string,
  ) {
    if (!SCHEMA_PATTERN.test(schema)) {
      throw new AppError('invalid_input', `"${schema}" cannot name a schema: use lower-case letters, digits and _.`);
    }
  }

  private get s(): string {
    return `"${this.schema}"`;
  }

  /**
   * Create the schema and bring it to this Hearth's version, one migration per transaction, under
   * a lock so two devices starting at once do not both migrate. A schema from a newer Hearth is
   * refused without touching it.
   */
  async migrate(): Promise<void> {
    const c = this.client;
    await c.query('SELECT pg_advisory_lock($1)', [lockKey(this.schema, 'migrate')]);
    try {
      const exists = await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.schema]);
      if (exists.rowCount === 0) await c.query(`CREATE SCHEMA ${this.s}`);
      await c.query(
        `CREATE TABLE IF NOT EXISTS ${this.s}.hearth_migrations (
           version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const { rows } = await c.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${this.s}.hearth_migrations`);
      const current = rows[0]?.v ?? 0;
      if (current > SERVER_SCHEMA_VERSION) {
        throw new AppError(
          'conflict',
          `The sync database was set up by a newer Hearth (server schema ${current}; this one knows ${SERVER_SCHEMA_VERSION}). Update Hearth on this device; nothing was changed.`,
        );
      }
      for (const m of SERVER_MIGRATIONS.filter((x) => x.version > current)) {
        await c.query('BEGIN');
        try {
          await c.query(m.sql(this.s));
          await c.query(`INSERT INTO ${this.s}.hearth_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
          await c.query('COMMIT');
        } catch (err) {
          await c.query('ROLLBACK').catch(() => {});
          throw err;
        }
      }
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [lockKey(this.schema, 'migrate')]).catch(() => {});
    }
  }

  async schemaVersion(): Promise<number> {
    const { rows } = await this.client.query<{ v: number | null }>(
      `SELECT max(version) AS v FROM ${this.s}.hearth_migrations`,
    );
    return rows[0]?.v ?? 0;
  }

  async getMeta(key: string): Promise<string | null> {
    const { rows } = await this.client.query<{ value: string }>(`SELECT value FROM ${this.s}.meta WHERE key = $1`, [
      key,
    ]);
    return rows[0]?.value ?? null;
  }

  /** Set `key` unless another device did first; returns the value that is stored. */
  async setMetaOnce(key: string, value: string): Promise<string> {
    await this.client.query(`INSERT INTO ${this.s}.meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [
      key,
      value,
    ]);
    return (await this.getMeta(key))!;
  }

  async rowCount(): Promise<number> {
    const { rows } = await this.client.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.s}.rows`);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Store the rows that are newer than the server's, in one transaction; returns how many changed.
   * Other devices listening hear of it when it commits.
   */
  async push(batch: readonly WireRow[]): Promise<number> {
    if (batch.length === 0) return 0;
    const c = this.client;
    await c.query('BEGIN');
    try {
      await c.query('SELECT pg_advisory_xact_lock($1)', [lockKey(this.schema, 'push')]);
      const res = await c.query<{ seq: string }>(
        `INSERT INTO ${this.s}.rows AS r (kind, id, version, device_id, deleted, payload, seq)
         SELECT k, i, v, d, x, p, nextval('${this.s}.row_seq')
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[]) AS t (k, i, v, d, x, p)
         ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, device_id = excluded.device_id,
           deleted = excluded.deleted, payload = excluded.payload, seq = excluded.seq
         WHERE (excluded.version, excluded.device_id) > (r.version, r.device_id)
         RETURNING seq`,
        [
          batch.map((r) => r.kind),
          batch.map((r) => r.id),
          batch.map((r) => r.version),
          batch.map((r) => r.deviceId),
          batch.map((r) => r.deleted),
          batch.map((r) => r.payload),
        ],
      );
      const changed = res.rowCount ?? 0;
      if (changed > 0) {
        const top = Math.max(...res.rows.map((r) => Number(r.seq)));
        await c.query('SELECT pg_notify($1, $2)', [channelOf(this.schema), String(top)]);
      }
      await c.query('COMMIT');
      return changed;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  /** Rows changed after `after`, in the order they were numbered. */
  async pull(after: number, limit: number): Promise<StoredRow[]> {
    const { rows } = await this.client.query<{
      seq: string;
      kind: string;
      id: string;
      version: string;
      device_id: string;
      deleted: boolean;
      payload: string;
    }>(
      `SELECT seq, kind, id, version, device_id, deleted, payload FROM ${this.s}.rows
       WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [after, limit],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      kind: r.kind,
      id: r.id,
      version: r.version,
      deviceId: r.device_id,
      deleted: r.deleted,
      payload: r.payload,
    }));
  }

  /** The highest sequence number given so far (0 when empty). */
  async head(): Promise<number> {
    const { rows } = await this.client.query<{ s: string | null }>(`SELECT max(seq) AS s FROM ${this.s}.rows`);
    return Number(rows[0]?.s ?? 0);
  }

  async missingBlobs(addresses: readonly string[]): Promise<Set<string>> {
    if (addresses.length === 0) return new Set();
    const { rows } = await this.client.query<{ address: string }>(
      `SELECT address FROM ${this.s}.blobs WHERE address = ANY($1::text[])`,
      [addresses],
    );
    const have = new Set(rows.map((r) => r.address));
    return new Set(addresses.filter((a) => !have.has(a)));
  }

  async putBlob(address: string, bytes: Buffer): Promise<void> {
    await this.client.query(
      `INSERT INTO ${this.s}.blobs (address, size, bytes) VALUES ($1, $2, $3) ON CONFLICT (address) DO NOTHING`,
      [address, bytes.length, bytes],
    );
  }

  async getBlob(address: string): Promise<Buffer | null> {
    const { rows } = await this.client.query<{ bytes: Buffer }>(
      `SELECT bytes FROM ${this.s}.blobs WHERE address = $1`,
      [address],
    );
    return rows[0]?.bytes ?? null;
  }

  async seenDevice(deviceId: string, name: string, pulledTo: number): Promise<void> {
    await this.client.query(
      `INSERT INTO ${this.s}.devices (device_id, name, pulled_to, last_seen) VALUES ($1, $2, $3, now())
       ON CONFLICT (device_id) DO UPDATE SET name = excluded.name, pulled_to = excluded.pulled_to, last_seen = now()`,
      [deviceId, name, pulledTo],
    );
  }

  async devices(): Promise<{ deviceId: string; name: string; pulledTo: number; lastSeen: number }[]> {
    const { rows } = await this.client.query<{ device_id: string; name: string; pulled_to: string; last_seen: Date }>(
      `SELECT device_id, name, pulled_to, last_seen FROM ${this.s}.devices ORDER BY last_seen DESC`,
    );
    return rows.map((r) => ({
      deviceId: r.device_id,
      name: r.name,
      pulledTo: Number(r.pulled_to),
      lastSeen: r.last_seen.getTime(),
    }));
  }
}
