/** Everything the contract's handlers may use: the services, composed in app-services.ts. */
import type { AppInfo } from '../../../shared/types/domain';
import type { ChatService } from '../chats/chat-service';
import type { ModelService } from '../models/model-service';
import type { AttachmentService } from '../attachments/attachment-service';
import type { DataService } from '../chats/importers/data-service';
import type { RemoteImageOptions } from '../media/remote-image';
import type { OrganisationService } from '../chats/organisation-service';
import type { SettingsService } from '../settings-service';
import type { Logger } from '../util/logger';
import type { OllamaRuntime } from '../ollama/ollama-runtime';
import type { SyncService } from '../sync/sync-service';
import type { ImageService } from '../images/image-service';
import type { EventHub } from '../events';
import type { BackupService } from '../backups/backup-service';
import type { DesktopService } from '../desktop/desktop-service';
import type { QuickService } from '../desktop/quick-service';

export interface RouterDeps {
  chats: ChatService;
  models: ModelService;
  settings: SettingsService;
  organisation: OrganisationService;
  attachments: AttachmentService;
  data: DataService;
  info: () => AppInfo;
  log: Logger;
  /** Events to every window (settings.changed). */
  events: EventHub;
  /** The Ollama runtime manager (status, start/stop of the bundled server, its log). */
  ollama: OllamaRuntime;
  /** Sync with PostgreSQL. */
  sync: SyncService;
  /** Image generation: backends, jobs, the gallery. */
  images: ImageService;
  /** Desktop settings and the shell's abilities (none in serve). */
  desktop: DesktopService;
  /** Backups of the data folder, and restore. */
  backups: BackupService;
  /** The quick prompt's chats ("Quick" folder, or temporary). */
  quick: QuickService;
  /** Hearth's own log file and its level. */
  logFile: { path: string; level: string };
  /** The desktop app shows the log in the file manager; absent in serve and the CLI. */
  openLogFolder?: (file: string) => Promise<void>;
  /** The desktop app's native file dialog for the bundled Ollama's program; absent in serve and the CLI. */
  chooseOllamaExecutable?: (current: string | null) => Promise<string | null>;
  /** Options for media.fetchImage (allowPrivate for tests or LAN image hosts). */
  media?: RemoteImageOptions;
}
