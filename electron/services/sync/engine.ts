/**
 * One sync run: push what this device wrote (in batches, parents first), then pull what others
 * wrote since this device's cursor and settle it row by row. Every step can be cut at any point:
 * a pushed batch is unqueued only after the server committed it (pushing it again changes nothing),
 * and a pulled page is taken into the inbox together with the cursor that follows it.
 *
 * Work on the SQLite side runs in short transactions with a turn of the event loop between them,
 * so a large first pull never holds up a streaming answer or a request.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { inside } from '../util/safe-path';
import { contentAddress, open, seal, type SyncKey } from './e2e-crypto';
import type { SyncServer, StoredRow, WireRow } from './sync-server';
import {
  FILE_KINDS,
  SYNC_KINDS,
  type Applied,
  type Payload,
  type PulledRow,
  type Rejected,
  type SyncKind,
  type SyncRepo,
  type SyncRow,
} from '../store/sync-repo';

export const PUSH_BATCH = 500;
export const PULL_PAGE = 1000;
const DRAIN_BATCH = 500;

export type KindCounts = Partial<Record<SyncKind, number>>;

export interface SyncReport {
  up: KindCounts;
  down: KindCounts;
  /** Attachment files sent / fetched. */
  filesUp: number;
  filesDown: number;
  /** Pulled rows set aside as unreadable (with why), and rows still waiting for what they refer to. */
  rejected: Rejected[];
  waiting: number;
}

export interface EngineContext {
  server: SyncServer;
  repo: SyncRepo;
  key: SyncKey | null;
  dataDir: string;
  /** Attachments larger than this are not sent (their row is; the other device shows the file as missing). */
  maxBlobBytes: number;
  /** Rows that changed here, for the windows (called after each drained page). */
  onApplied?: (applied: Applied[]) => void;
  onProgress?: (p: { phase: 'push' | 'pull'; done: number; total?: number }) => void;
  /** Stop between steps (the run ends early; nothing is half-done). */
  signal?: AbortSignal;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

function bump(counts: KindCounts, kind: SyncKind, n = 1): void {
  counts[kind] = (counts[kind] ?? 0) + n;
}

const contextOf = (r: { kind: string; id: string; version: string }) => `${r.kind}:${r.id}:${r.version}`;

export function encodeRow(row: SyncRow, key: SyncKey | null): WireRow {
  const json = JSON.stringify(row.payload);
  const payload = key ? `e1:${seal(key, Buffer.from(json), contextOf(row)).toString('base64')}` : json;
  return { kind: row.kind, id: row.id, version: row.version, deviceId: row.deviceId, deleted: row.deleted, payload };
}

/** The row as the device can take it, or why not. */
export function decodeRow(row: StoredRow, key: SyncKey | null): PulledRow | Rejected {
  let json: string;
  if (row.payload.startsWith('e1:')) {
    if (!key) {
      return { kind: row.kind, id: row.id, why: 'encrypted, and no passphrase is set on this device' };
    }
    try {
      json = open(key, Buffer.from(row.payload.slice(3), 'base64'), contextOf(row)).toString();
    } catch (err) {
      return { kind: row.kind, id: row.id, why: (err as Error).message };
    }
  } else {
    if (key) return { kind: row.kind, id: row.id, why: 'not encrypted, though this database is' };
    json = row.payload;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch {
    return { kind: row.kind, id: row.id, why: 'the payload is not JSON' };
  }
  return {
    seq: row.seq,
    kind: row.kind as SyncKind,
    id: row.id,
    version: row.version,
    deviceId: row.deviceId,
    deleted: row.deleted,
    payload: payload as Payload,
  };
}

const isRejected = (r: PulledRow | Rejected): r is Rejected => 'why' in r;

export async function runSync(ctx: EngineContext): Promise<SyncReport> {
  const report: SyncReport = { up: {}, down: {}, filesUp: 0, filesDown: 0, rejected: [], waiting: 0 };
  await push(ctx, report);
  await pull(ctx, report);
  report.waiting = ctx.repo.waitingCount();
  return report;
}

async function push(ctx: EngineContext, report: SyncReport): Promise<void> {
  const { repo, server } = ctx;
  const total = repo.pendingCount();
  let done = 0;
  for (;;) {
    if (ctx.signal?.aborted) return;
    const rows = repo.nextOutgoing(PUSH_BATCH);
    if (rows.length === 0) return;
    for (const row of rows) {
      if (FILE_KINDS.has(row.kind) && !row.deleted) await attachBlob(ctx, row, report);
    }
    await server.push(rows.map((r) => encodeRow(r, ctx.key)));
    repo.markPushed(rows);
    for (const r of rows) bump(report.up, r.kind);
    done += rows.length;
    ctx.onProgress?.({ phase: 'push', done, total });
    await tick();
  }
}

/** Send an attachment's or image's file (once per content) and name it in the row's payload. */
async function attachBlob(ctx: EngineContext, row: SyncRow, report: SyncReport): Promise<void> {
  const file = typeof row.payload.path === 'string' ? inside(ctx.dataDir, row.payload.path) : null;
  if (!file || !existsSync(file)) return;
  const bytes = readFileSync(file);
  if (bytes.length > ctx.maxBlobBytes) return;
  const address = contentAddress(ctx.key, bytes);
  row.payload.blob_address = address;
  row.payload.blob_size = bytes.length;
  const missing = await ctx.server.missingBlobs([address]);
  if (missing.size === 0) return;
  await ctx.server.putBlob(address, ctx.key ? seal(ctx.key, bytes, `blob:${address}`) : bytes);
  report.filesUp += 1;
}

async function pull(ctx: EngineContext, report: SyncReport): Promise<void> {
  const { repo, server } = ctx;
  let done = 0;
  for (;;) {
    if (ctx.signal?.aborted) return;
    const page = await server.pull(repo.cursor, PULL_PAGE);
    if (page.length === 0) break;
    const decoded = page.map((r) => decodeRow(r, ctx.key));
    const rows = decoded.filter((r): r is PulledRow => !isRejected(r));
    report.rejected.push(...decoded.filter(isRejected));
    report.rejected.push(...repo.receive(rows, page[page.length - 1]!.seq));
    done += page.length;
    ctx.onProgress?.({ phase: 'pull', done });
    await drain(ctx, report);
  }
  await drain(ctx, report);
}

/** Apply waiting rows kind by kind, passing again while a pass made progress (a child after its parent). */
async function drain(ctx: EngineContext, report: SyncReport): Promise<void> {
  for (let pass = 0; pass < 50; pass += 1) {
    let progress = 0;
    for (const kind of SYNC_KINDS) {
      let after = -1;
      for (;;) {
        const r = ctx.repo.drainKind(kind, after, DRAIN_BATCH);
        if (r.seen === 0) break;
        after = r.lastSeq;
        report.rejected.push(...r.rejected);
        progress += r.applied.length + r.rejected.length;
        for (const a of r.applied) bump(report.down, a.kind);
        if (r.applied.length > 0) {
          await fetchFiles(ctx, r.applied, report);
          ctx.onApplied?.(r.applied);
        }
        await tick();
      }
    }
    if (progress === 0 || ctx.repo.waitingCount() === 0) return;
  }
}

async function fetchFiles(ctx: EngineContext, applied: Applied[], report: SyncReport): Promise<void> {
  for (const a of applied) {
    if (!FILE_KINDS.has(a.kind) || a.deleted || !a.blob) continue;
    const row = ctx.repo.fileOf(a.kind, a.id);
    const file = row ? inside(ctx.dataDir, row.path) : null;
    if (!file || existsSync(file)) continue;
    const stored = await ctx.server.getBlob(a.blob);
    if (!stored) continue;
    let bytes: Buffer;
    try {
      bytes = ctx.key ? open(ctx.key, stored, `blob:${a.blob}`) : stored;
    } catch (err) {
      report.rejected.push({ kind: a.kind, id: a.id, why: (err as Error).message });
      continue;
    }
    if (contentAddress(ctx.key, bytes) !== a.blob) {
      report.rejected.push({ kind: a.kind, id: a.id, why: 'the file does not match its address' });
      continue;
    }
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, bytes, { mode: 0o600 });
    report.filesDown += 1;
  }
}
