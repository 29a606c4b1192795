/**
 * Composition root of the plain-Node services, shared by the Electron shell, `serve` and the CLI.
 * Everything it touches (data dir, env, flags, secrets key, fetch, native binding) is injected.
 */
import { join } from 'node:path';
import type { AppInfo } from '../../shared/types/domain';
import { createHandlers, createRouter, type Router } from './api';
import { ChatService } from './chats/chat-service';
import { ModelService } from './models/model-service';
import { GenerationManager } from './chats/generation';
import type { Flags } from './config/config';
import { EventHub } from './events';
import type { FetchLike } from './providers/provider';
import { SecretBox } from './secrets/secret-box';
import { SyncRepo } from './store/sync-repo';
import { SyncService, type SyncServiceDeps } from './sync/sync-service';
import { SettingsService } from './settings-service';
import { openDatabase, prepareDataDir, type Db } from './store/database';
import { ChatRepo } from './store/chat-repo';
import { FolderRepo } from './store/folder-repo';
import { TagRepo } from './store/tag-repo';
import { SearchService } from './search/search-service';
import { SearchRepo } from './store/search-repo';
import { OrganisationService } from './chats/organisation-service';
import { SettingsRepo } from './store/settings-repo';
import { HybridClock } from './util/hlc';
import { createFileLogger, createLogger, levelFrom, LOG_LEVELS, teeLogger, type Logger } from './util/logger';
import { AttachmentService } from './attachments/attachment-service';
import { AttachmentRepo } from './store/attachment-repo';
import { ExportRepo } from './store/export-repo';
import { ImportRepo } from './store/import-repo';
import { DataService } from './chats/importers/data-service';
import { OllamaRuntime, type OllamaRuntimeOptions } from './ollama/ollama-runtime';
import { ImageRepo } from './store/image-repo';
import { ImageService } from './images/image-service';
import { ImageBackends } from './images/image-backends';
import { GalleryFiles } from './images/gallery-files';
import { createImageClient } from './images/clients';
import { DesktopService } from './desktop/desktop-service';
import { QuickService } from './desktop/quick-service';
import type { DesktopHost } from './desktop/desktop-host';
import { BackupService, type BackupServiceDeps } from './backups/backup-service';

import { APP_VERSION } from './version';

export { APP_VERSION };

export interface AppServicesOptions {
  dataDir: string;
  host: AppInfo['host'];
  env?: Record<string, string | undefined>;
  flags?: Flags;
  /** 32-byte key for secrets at rest. */
  secretsKey: Buffer;
  fetch?: FetchLike;
  nativeBinding?: string;
  log?: Logger;
  generation?: { persistEveryMs?: number; coalesceMs?: number };
  /** The packaged app's resources folder (Electron's process.resourcesPath; serve: the repo's resources/). */
  resourcesDir?: string;
  /**
   * The desktop shell's native file dialog for the bundled Ollama's program (resolves to the chosen
   * path, or null when cancelled). Absent in serve and the CLI: there only --ollama-path and
   * HEARTH_OLLAMA_PATH name a program, never a caller of the API.
   */
  chooseOllamaExecutable?: (current: string | null) => Promise<string | null>;
  /** The desktop app: show the log file in the file manager (shell.showItemInFolder). */
  openLogFolder?: (file: string) => Promise<void>;
  /**
   * The desktop shell's abilities (shortcut, clipboard, windows, login item, updater). Absent in serve
   * and the CLI. A getter, because the shell builds its windows after the services.
   */
  desktopHost?: DesktopHost;
  /**
   * The host's restore: close these services, run `swap`, open new ones on the same folder (serve: in
   * place, with the same event hub; the desktop app: a relaunch). Absent in the CLI.
   */
  reopen?: BackupServiceDeps['reopen'];
  /** An event hub that outlives these services (serve keeps its WebSocket listeners across a restore). */
  events?: EventHub;
  /** Backup timings (tests). */
  backups?: Pick<BackupServiceDeps, 'firstCheckMs' | 'checkEveryMs' | 'now'>;
  /** Image backends: A1111 progress polling interval (tests make it short). */
  images?: { pollMs?: number };
  /** Tuning for the Ollama runtime manager (tests: poll interval, supervisor timings). */
  /** Sync timings (tests run them faster). */
  sync?: Partial<Pick<SyncServiceDeps, 'intervalMs' | 'debounceMs'>>;
  ollama?: Partial<Pick<OllamaRuntimeOptions, 'pollMs' | 'probeTimeoutMs' | 'supervisor' | 'home' | 'childEnv'>>;
}

export interface AppServices {
  router: Router;
  events: EventHub;
  settings: SettingsService;
  chats: ChatService;
  db: Db;
  info(): AppInfo;
  /** Attachments: files under <dataDir>/attachments, rows in SQLite. */
  attachments: AttachmentService;
  /** Import (Hearth JSON, ChatGPT, Open WebUI) and export (Hearth JSON, Markdown). */
  data: DataService;
  /** The Ollama runtime: which server (bundled or external), its status, the bundled server's supervisor. */
  ollama: OllamaRuntime;
  /** Sync with PostgreSQL (background runs start unless host is 'cli'). */
  sync: SyncService;
  /** Image generation and the gallery (<data>/images). */
  images: ImageService;
  /** Desktop settings; the shell calls desktop.start() once its windows exist. */
  desktop: DesktopService;
  /** Backups of the data folder. */
  backups: BackupService;
  /** Hearth's own log (<data>/logs/hearth.log). */
  logFile: string;
  /** Stops generations (keeping partial answers) and closes the database. */
  close(): Promise<void>;
}

export function createAppServices(o: AppServicesOptions): AppServices {
  // Owner only (0700); an existing folder the user named with other things in it keeps its mode.
  prepareDataDir(o.dataDir, { named: Boolean(o.flags?.dataDir || o.env?.HEARTH_DATA_DIR?.trim()) });
  const env = o.env ?? process.env;
  // The log file comes after the store opened: a store Hearth refuses to open is left exactly as it was.
  const opened = openDatabase({ file: join(o.dataDir, 'hearth.db'), nativeBinding: o.nativeBinding });
  const { level, invalid } = levelFrom(env.HEARTH_LOG_LEVEL, 'info');
  const fileLog = createFileLogger(join(o.dataDir, 'logs', 'hearth.log'), level);
  const log = teeLogger(o.log ?? createLogger(), fileLog);
  if (invalid) log.warn(`HEARTH_LOG_LEVEL="${invalid}" is not one of ${LOG_LEVELS.join(', ')}; logging at ${level}`);
  log.info(`Hearth ${APP_VERSION} starting (${o.host})`, { dataDir: o.dataDir, level });
  const { db, deviceId } = opened;
  if (opened.backupFile) log.info(`database backed up to ${opened.backupFile} before migrating`);
  if (opened.recoveredMessages)
    log.info(`${opened.recoveredMessages} answer(s) from an earlier run marked interrupted`);

  const events = o.events ?? new EventHub();
  const clock = new HybridClock(deviceId);
  const chatRepo = new ChatRepo(db, clock, deviceId);
  const secrets = new SecretBox(o.secretsKey);
  const settingsRepo = new SettingsRepo(db);
  const settings = new SettingsService(settingsRepo, secrets, o.flags ?? {}, o.env ?? process.env, {
    fetch: o.fetch,
    ollamaPathChooser: !!o.chooseOllamaExecutable,
  });
  const generation = new GenerationManager(chatRepo, events, log, o.generation);
  const attachments = new AttachmentService(new AttachmentRepo(db, clock, deviceId), o.dataDir);
  const purged = attachments.purgeUnsent();
  if (purged) log.info(`${purged} attached file(s) never sent were removed`);
  const gone = attachments.purgeDeletedChats();
  if (gone.chats) log.info(`${gone.chats} chat(s) deleted 30+ days ago purged, ${gone.files} file(s) removed`);
  const chats = new ChatService(chatRepo, settings, generation, events, attachments);
  const models = new ModelService(settings, generation, events);
  const data = new DataService(
    chatRepo,
    new ImportRepo(db, clock, deviceId),
    new ExportRepo(db),
    attachments,
    clock,
    deviceId,
    events,
    APP_VERSION,
    Date.now,
    { dbFile: join(o.dataDir, 'hearth.db'), nativeBinding: o.nativeBinding },
  );
  const organisation = new OrganisationService(
    chatRepo,
    new FolderRepo(db, clock, deviceId),
    new TagRepo(db),
    new SearchService(new SearchRepo(db)),
    events,
  );
  const info = (): AppInfo => ({
    name: 'Hearth',
    version: APP_VERSION,
    host: o.host,
    dataDir: o.dataDir,
    schemaVersion: opened.schemaVersion,
  });
  // HEARTH_MEDIA_ALLOW_PRIVATE=1 lets "Load image" reach loopback/LAN hosts (tests, a home image server).
  const media = { allowPrivate: (o.env ?? process.env).HEARTH_MEDIA_ALLOW_PRIVATE === '1' };
  const ollama = new OllamaRuntime({
    settings,
    events,
    dataDir: o.dataDir,
    env: o.env ?? process.env,
    resourcesDir: o.resourcesDir,
    log,
    fetch: o.fetch,
    ...o.ollama,
  });
  // Not awaited: start-up never waits for Ollama; 'ollama.status' events report how it goes.
  void ollama.start();
  const imageRepo = new ImageRepo(db, clock, deviceId);
  const sync = new SyncService({
    repo: new SyncRepo(db, clock, deviceId),
    images: imageRepo,
    chats: chatRepo,
    settings: settingsRepo,
    secrets,
    events,
    env: o.env ?? process.env,
    dataDir: o.dataDir,
    log,
    // In the background for the app and serve; a CLI command syncs only when asked (hearth sync).
    background: o.host !== 'cli',
    ...o.sync,
  });
  sync.start();
  const images = new ImageService({
    repo: imageRepo,
    files: new GalleryFiles(o.dataDir),
    backends: new ImageBackends(settingsRepo, secrets, env, createImageClient, { fetch: o.fetch, ...o.images }),
    events,
    chats,
    attachments,
    log,
  });
  chats.stopOther = (messageId) => images.stopMessage(messageId);
  const purgedImages = images.purgeDeleted();
  if (purgedImages) log.info(`${purgedImages} image file(s) deleted 30+ days ago removed`);
  const desktop = new DesktopService({
    settings: settingsRepo,
    events,
    log,
    version: APP_VERSION,
    host: o.desktopHost,
  });
  const quick = new QuickService({
    chats,
    organisation,
    settings: settingsRepo,
    log,
    saving: () => desktop.settings().saveQuickPrompts,
  });
  // The CLI only reads and writes what it is asked to; the app and serve tidy up after a killed run.
  if (o.host !== 'cli') quick.cleanUp();
  const backups = new BackupService({
    db,
    dataDir: o.dataDir,
    settings: settingsRepo,
    events,
    log,
    appVersion: APP_VERSION,
    deviceId,
    nativeBinding: o.nativeBinding,
    reopen: o.reopen,
    ...o.backups,
  });
  if (o.host !== 'cli') {
    // HEARTH_AUTO_BACKUP=0: no daily backups whatever the settings say (benchmarks; a server backed up otherwise).
    if (env.HEARTH_AUTO_BACKUP !== '0') backups.start();
    // Today's copy from before the migration becomes a full backup (in the background).
    if (opened.backupFile) void backups.fromPreMigrationCopy(opened.backupFile);
  }
  const router = createRouter(
    createHandlers({
      chats,
      models,
      settings,
      organisation,
      attachments,
      data,
      info,
      log,
      events,
      media,
      ollama,
      sync,
      images,
      desktop,
      quick,
      backups,
      logFile: { path: fileLog.file, level },
      openLogFolder: o.openLogFolder,
      chooseOllamaExecutable: o.chooseOllamaExecutable,
    }),
    log,
  );
  let closed = false;
  return {
    router,
    events,
    settings,
    chats,
    db,
    info,
    attachments,
    data,
    ollama,
    sync,
    images,
    desktop,
    backups,
    logFile: fileLog.file,
    async close() {
      if (closed) return;
      closed = true;
      await backups.stop();
      await sync.stop();
      await images.close();
      await generation.shutdown();
      await data.close();
      await ollama.close();
      db.close();
      log.info('Hearth stopped');
      fileLog.close();
    },
  };
}
