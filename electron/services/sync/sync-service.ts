/**
 * Sync as the app runs it: settings (the connection string and passphrase stored encrypted;
 * DATABASE_URL and HEARTH_SYNC_PASSPHRASE win), one run at a time in the background, started
 * after local changes (debounced), on an interval, and when another device's push is announced
 * over LISTEN/NOTIFY; a status the Settings page and the indicator show; and the events that put
 * pulled rows on screen.
 */
import { hostname } from 'node:os';
import pg from 'pg';
import type { SyncRunReport, SyncStatus } from '../../../shared/types/domain';
import type { GalleryImage } from '../../../shared/types/images';
import type { EventPayload } from '../../../shared/contract';
import { AppError } from '../../../shared/types/errors';
import type { EventHub } from '../events';
import type { SecretBox } from '../secrets/secret-box';
import type { ChatRepo } from '../store/chat-repo';
import type { SettingsRepo } from '../store/settings-repo';
import type { Applied, SyncRepo } from '../store/sync-repo';
import { listRow } from '../store/image-repo';
import type { Logger } from '../util/logger';
import { explainPgError, parseSyncUrl, testConnection } from './connection';
import { newKey, openKey, WrongPassphraseError, type KeyParams, type SyncKey } from './e2e-crypto';
import { runSync, type SyncReport } from './engine';
import { channelOf, SCHEMA_PATTERN, SyncServer } from './sync-server';

export const SYNC_INTERVAL_MS = 60_000;
export const LOCAL_CHANGE_DEBOUNCE_MS = 300;
/** Events that mean this device stored something (streamed deltas are not stored rows). */
const LOCAL_CHANGES: ReadonlySet<string> = new Set([
  'chat.updated',
  'chat.deleted',
  'message.done',
  'message.created',
  'message.updated',
  'folders.changed',
  'images.changed',
]);
/** More rows than this in one drained page: windows reload their lists instead of one event per row. */
const ANNOUNCE_LIMIT = 200;
const DEFAULT_SCHEMA = 'hearth';
const DEFAULT_MAX_ATTACHMENT_MB = 20;

export interface SyncPatch {
  url?: string | null;
  schema?: string;
  enabled?: boolean;
  deviceName?: string;
  passphrase?: string | null;
  maxAttachmentMb?: number;
  /** Paused: no background runs (interval, local changes, other devices' notices) until resumed; Sync now still runs once. */
  paused?: boolean;
}

export interface SyncServiceDeps {
  repo: SyncRepo;
  chats: ChatRepo;
  settings: SettingsRepo;
  secrets: SecretBox;
  events: EventHub;
  env: Record<string, string | undefined>;
  dataDir: string;
  log: Logger;
  /**
   * Run in the background (after local changes, on an interval, on NOTIFY): the app and serve. A CLI
   * command syncs only when asked.
   */
  background: boolean;
  /** Gallery rows, to announce pulled images (images.changed). */
  images?: { get(id: string): GalleryImage | null; row(id: string): { version: string; deleted: number } | null };
  /** Timings, shorter in tests. */
  intervalMs?: number;
  debounceMs?: number;
}

/** Plain words for anything a run can throw. */
function explain(err: unknown, url: string): string {
  if (err instanceof AppError) return err.message;
  if (err instanceof WrongPassphraseError) return `${err.message} Nothing was changed.`;
  return explainPgError(err, url).message;
}

export class SyncService {
  private running: Promise<SyncReport | null> | null = null;
  private again = false;
  private client: pg.Client | null = null;
  private listener: pg.Client | null = null;
  private keyCache: { passphrase: string; salt: string; key: SyncKey } | null = null;
  private interval: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private applying = false;
  private stopped = false;
  private seq = 0;
  private state: SyncStatus['state'] = 'off';
  private lastError: string | null = null;
  private lastReport: SyncRunReport | null = null;
  private lastSyncAt: number | null = null;

  constructor(private readonly d: SyncServiceDeps) {
    const last = d.repo.getState('lastReport');
    if (last) {
      try {
        this.lastReport = JSON.parse(last) as SyncRunReport;
        this.lastSyncAt = this.lastReport.at;
      } catch {
        // an unreadable record of the last run is only a status line
      }
    }
    this.lastError = d.repo.getState('lastError');
    this.state = d.repo.enabled && this.url() ? (this.lastError ? 'error' : 'idle') : 'off';
  }

  /** The last error, kept across restarts (the CLI's --status and the app after a restart show it). */
  private setError(message: string | null): void {
    this.lastError = message;
    this.d.repo.setState('lastError', message);
  }

  /** This device's side (outbox, inbox, cursor): for the CLI's status and for tests. */
  get repo(): SyncRepo {
    return this.d.repo;
  }

  // ---- settings ------------------------------------------------------------------------------

  private url(): { value: string; source: 'env' | 'settings' } | null {
    const env = this.d.env.DATABASE_URL?.trim();
    if (env) return { value: env, source: 'env' };
    const stored = this.d.settings.get<string>('syncUrl');
    if (!stored) return null;
    try {
      return { value: this.d.secrets.decrypt(stored), source: 'settings' };
    } catch {
      return null;
    }
  }

  private passphrase(): { value: string; source: 'env' | 'settings' } | null {
    const env = this.d.env.HEARTH_SYNC_PASSPHRASE;
    if (env) return { value: env, source: 'env' };
    const stored = this.d.settings.get<string>('syncPassphrase');
    if (!stored) return null;
    try {
      return { value: this.d.secrets.decrypt(stored), source: 'settings' };
    } catch {
      return null;
    }
  }

  private schema(): string {
    return this.d.settings.get<string>('syncSchema') ?? DEFAULT_SCHEMA;
  }

  private deviceName(): string {
    return this.d.settings.get<string>('syncDeviceName') ?? hostname();
  }

  /** Stored, so a pause outlives a restart (the tray's Pause sync, Settings → Sync). */
  private get paused(): boolean {
    return this.d.settings.get<boolean>('syncPaused') === true;
  }

  private maxAttachmentMb(): number {
    return this.d.settings.get<number>('syncMaxAttachmentMb') ?? DEFAULT_MAX_ATTACHMENT_MB;
  }

  status(): SyncStatus {
    const url = this.url();
    let shown: string | null = null;
    if (url) {
      try {
        shown = parseSyncUrl(url.value).display;
      } catch {
        shown = '(not a PostgreSQL connection string)';
      }
    }
    const pass = this.passphrase();
    return {
      state: this.state,
      enabled: this.d.repo.enabled,
      paused: this.paused,
      url: shown,
      urlSource: url?.source ?? null,
      schema: this.schema(),
      deviceName: this.deviceName(),
      encrypted: pass !== null,
      passphraseSource: pass?.source ?? null,
      maxAttachmentMb: this.maxAttachmentMb(),
      lastSyncAt: this.lastSyncAt,
      lastError: this.lastError,
      pending: this.d.repo.pendingCount(),
      waiting: this.d.repo.waitingCount(),
      lastReport: this.lastReport,
      live: this.listener !== null,
      seq: this.seq,
    };
  }

  private changed(state?: SyncStatus['state']): void {
    if (state) this.state = state;
    this.seq += 1;
    this.d.events.emit('sync.status', this.status());
  }

  async configure(patch: SyncPatch): Promise<SyncStatus> {
    const before = { url: this.url()?.value ?? null, schema: this.schema() };
    if (patch.url !== undefined) {
      if (patch.url !== null && patch.url.trim() !== '') parseSyncUrl(patch.url.trim()); // throws plain words
      this.d.settings.set('syncUrl', patch.url?.trim() ? this.d.secrets.encrypt(patch.url.trim()) : null);
    }
    if (patch.schema !== undefined) {
      if (!SCHEMA_PATTERN.test(patch.schema)) {
        throw new AppError('invalid_input', 'The schema name may use lower-case letters, digits and _ (up to 63).');
      }
      this.d.settings.set('syncSchema', patch.schema === DEFAULT_SCHEMA ? null : patch.schema);
    }
    if (patch.deviceName !== undefined) this.d.settings.set('syncDeviceName', patch.deviceName.trim() || null);
    if (patch.passphrase !== undefined) {
      this.d.settings.set('syncPassphrase', patch.passphrase ? this.d.secrets.encrypt(patch.passphrase) : null);
      this.keyCache = null;
    }
    if (patch.maxAttachmentMb !== undefined) this.d.settings.set('syncMaxAttachmentMb', patch.maxAttachmentMb);
    if (patch.paused !== undefined) {
      this.d.settings.set('syncPaused', patch.paused ? true : null);
      // Paused: hang up on other devices' notices too; resumed: catch up at once (start() below).
      if (patch.paused) await this.disconnect();
    }
    const after = { url: this.url()?.value ?? null, schema: this.schema() };
    if (before.url !== after.url || before.schema !== after.schema) {
      // Another meeting point: pull it from its start and send everything there too.
      this.d.repo.resetCursor();
      if (this.d.repo.enabled) this.d.repo.enable();
      await this.disconnect();
    }
    if (patch.enabled === true && !this.d.repo.enabled) {
      if (!this.url()) throw new AppError('invalid_input', 'Set a connection string first.');
      this.d.repo.enable();
    } else if (patch.enabled === false && this.d.repo.enabled) {
      this.d.repo.disable();
      await this.disconnect();
    }
    this.setError(null);
    this.changed(this.d.repo.enabled && this.url() ? 'idle' : 'off');
    if (this.d.repo.enabled && this.d.background && !this.stopped) this.start();
    return this.status();
  }

  /** Try a connection string (the stored one when none is given); changes nothing. */
  async test(url?: string, schema?: string) {
    const target = url?.trim() || this.url()?.value;
    if (!target) throw new AppError('invalid_input', 'Enter a connection string to test.');
    return testConnection(target, schema ?? this.schema());
  }

  // ---- running -------------------------------------------------------------------------------

  /** Begin background sync (when enabled): interval, local changes, LISTEN. */
  start(): void {
    if (!this.d.background) return;
    this.stopped = false;
    if (!this.unsubscribe) {
      this.unsubscribe = this.d.events.subscribe(({ event }) => {
        // Names first: every streamed delta passes here, and reading `enabled` is a query.
        if (!LOCAL_CHANGES.has(event) || this.applying || !this.d.repo.enabled || this.paused) return;
        this.schedule(this.d.debounceMs ?? LOCAL_CHANGE_DEBOUNCE_MS);
      });
    }
    if (!this.interval) {
      this.interval = setInterval(() => {
        if (this.d.repo.enabled && !this.paused) this.schedule(0);
      }, this.d.intervalMs ?? SYNC_INTERVAL_MS);
      this.interval.unref?.();
    }
    if (this.d.repo.enabled && this.url() && !this.paused) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      void this.syncNow().catch(() => {});
    }, ms);
    this.debounce.unref?.();
  }

  /**
   * One run now (or, if one is running, once more right after it). Resolves with its report; a
   * failure is kept as the status's lastError and thrown as an AppError with plain words.
   */
  syncNow(): Promise<SyncReport | null> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        this.schedule(0);
      }
    });
    return this.running;
  }

  private async run(): Promise<SyncReport | null> {
    const url = this.url();
    if (!this.d.repo.enabled || !url) {
      this.changed('off');
      return null;
    }
    const started = Date.now();
    this.changed('syncing');
    try {
      const server = await this.connect(url.value);
      const key = await this.keyFor(server);
      const report = await runSync({
        server,
        repo: this.d.repo,
        key,
        dataDir: this.d.dataDir,
        maxBlobBytes: this.maxAttachmentMb() * 1024 * 1024,
        onApplied: (applied) => this.announce(applied),
      });
      await server.seenDevice(this.d.repo.deviceId, this.deviceName(), this.d.repo.cursor);
      this.lastSyncAt = Date.now();
      this.lastReport = {
        at: this.lastSyncAt,
        up: report.up,
        down: report.down,
        filesUp: report.filesUp,
        filesDown: report.filesDown,
        rejected: report.rejected.length,
        ms: this.lastSyncAt - started,
      };
      this.d.repo.setState('lastReport', JSON.stringify(this.lastReport));
      for (const r of report.rejected.slice(0, 20)) this.d.log.warn(`sync: set aside ${r.kind} ${r.id}: ${r.why}`);
      this.setError(null);
      this.changed('idle');
      if (this.d.background && !this.paused) void this.listen(url.value);
      return report;
    } catch (err) {
      const message = explain(err, url.value);
      this.setError(message);
      // info, not warn: the caller shows it (the status, or the CLI's own error line).
      this.d.log.info(`sync failed: ${message}`);
      const offline = !(err instanceof AppError) && !(err instanceof WrongPassphraseError) && isConnectionError(err);
      await this.disconnect();
      this.changed(offline ? 'offline' : 'error');
      throw err instanceof AppError ? err : new AppError('backend_unreachable', message);
    }
  }

  private async connect(url: string): Promise<SyncServer> {
    if (!this.client) {
      const client = new pg.Client(parseSyncUrl(url).config);
      client.on('error', () => {
        // A dropped connection: the next run reconnects.
        if (this.client === client) this.client = null;
      });
      await client.connect();
      this.client = client;
    }
    const server = new SyncServer(this.client, this.schema());
    await server.migrate();
    return server;
  }

  /** The encryption key, checking the passphrase against the database's; set it up on first use. */
  private async keyFor(server: SyncServer): Promise<SyncKey | null> {
    const pass = this.passphrase();
    const stored = await server.getMeta('encryption');
    if (!pass) {
      if (stored) {
        throw new AppError(
          'unauthorized',
          'This sync database is end-to-end encrypted: enter its passphrase in Settings → Sync (or set HEARTH_SYNC_PASSPHRASE). Nothing was changed.',
        );
      }
      return null;
    }
    if (!stored) {
      if ((await server.rowCount()) > 0) {
        throw new AppError(
          'conflict',
          'This sync database already holds unencrypted history. Use another schema for an encrypted sync, or remove the passphrase. Nothing was changed.',
        );
      }
      const made = await newKey(pass.value);
      const winner = await server.setMetaOnce('encryption', JSON.stringify(made.params));
      if (winner === JSON.stringify(made.params)) {
        this.keyCache = { passphrase: pass.value, salt: made.params.salt, key: made.key };
        return made.key;
      }
      return this.openCached(pass.value, JSON.parse(winner) as KeyParams);
    }
    return this.openCached(pass.value, JSON.parse(stored) as KeyParams);
  }

  private async openCached(passphrase: string, params: KeyParams): Promise<SyncKey> {
    if (this.keyCache && this.keyCache.passphrase === passphrase && this.keyCache.salt === params.salt) {
      return this.keyCache.key;
    }
    const key = await openKey(passphrase, params);
    this.keyCache = { passphrase, salt: params.salt, key };
    return key;
  }

  /** Hear other devices' pushes as they commit (LISTEN/NOTIFY) and pull at once. */
  private async listen(url: string): Promise<void> {
    if (this.listener || this.stopped) return;
    const client = new pg.Client(parseSyncUrl(url).config);
    const drop = () => {
      if (this.listener === client) {
        this.listener = null;
        this.changed();
      }
      void client.end().catch(() => {});
    };
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', (n) => {
      if (Number(n.payload) > this.d.repo.cursor && !this.paused) this.schedule(0);
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${channelOf(this.schema())}"`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.listener = client;
      this.changed();
    } catch {
      void client.end().catch(() => {});
    }
  }

  /** Tell windows about pulled rows: each one for a small page, else one 'reload' for all. */
  private announce(applied: Applied[]): void {
    this.applying = true;
    try {
      if (applied.length > ANNOUNCE_LIMIT) {
        this.d.events.emit('sync.changed', { rows: applied.length });
        return;
      }
      let folders = false;
      const chats = new Set<string>();
      const messages = new Set<string>();
      const images: EventPayload<'images.changed'> = { added: [], deleted: [] };
      for (const a of applied) {
        if (a.kind === 'image') {
          const row = this.d.images?.row(a.id);
          const image = this.d.images?.get(a.id);
          if (image) images.added.push(listRow(image));
          else if (row?.deleted) images.deleted.push({ id: a.id, version: row.version });
          continue;
        }
        if (a.kind === 'folder' || a.kind === 'tag') folders = true;
        else if (a.kind === 'chat' || a.kind === 'chat_tag') {
          if (a.chatId) chats.add(a.chatId);
          folders = true;
        } else if (a.messageId) messages.add(a.messageId);
      }
      for (const id of chats) {
        const chat = this.d.chats.getChat(id);
        if (chat) this.d.events.emit('chat.updated', { chat });
        else {
          const gone = this.d.chats.getChat(id, { includeDeleted: true });
          if (gone) this.d.events.emit('chat.deleted', { id, version: gone.version });
        }
      }
      for (const id of messages) {
        const message = this.d.chats.getMessage(id);
        if (message) this.d.events.emit('message.updated', { message });
      }
      if (folders) this.d.events.emit('folders.changed', {});
      if (images.added.length || images.deleted.length) this.d.events.emit('images.changed', images);
    } finally {
      this.applying = false;
    }
  }

  private async disconnect(): Promise<void> {
    const c = this.client;
    const l = this.listener;
    this.client = null;
    this.listener = null;
    await Promise.all([c?.end().catch(() => {}), l?.end().catch(() => {})]);
  }

  /** Stop background work and close connections (a run in progress finishes its current step). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.interval) clearInterval(this.interval);
    if (this.debounce) clearTimeout(this.debounce);
    this.interval = this.debounce = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.running?.catch(() => {});
    await this.disconnect();
  }
}

function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return (
    typeof code === 'string' &&
    ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', '57P01', '57P03'].includes(
      code,
    )
  );
}
