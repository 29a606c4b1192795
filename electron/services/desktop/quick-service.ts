/**
 * The quick prompt's chats. Each first question starts a chat: in a folder called "Quick" when quick
 * prompts are saved (the folder is made on first use, and found again by id, then by name, when the
 * user renames or deletes it), or, when saving is off, an archived chat (out of the chat list)
 * remembered as temporary. A temporary chat is deleted when the quick prompt is done with it
 * (quick.discard: a new quick chat, or the window's next session), and any left by a killed app are
 * deleted at the next start; one continued in the main window is kept (quick.keep: un-archived).
 */
import { QUICK_FOLDER_NAME } from '../../../shared/types/desktop';
import type { Chat } from '../../../shared/types/domain';
import type { ChatService } from '../chats/chat-service';
import type { OrganisationService } from '../chats/organisation-service';
import type { SettingsRepo } from '../store/settings-repo';
import type { Logger } from '../util/logger';

const TEMPORARY_KEY = 'quickTemporary';
const FOLDER_KEY = 'quickFolderId';

export class QuickService {
  constructor(
    private readonly d: {
      chats: ChatService;
      organisation: OrganisationService;
      settings: SettingsRepo;
      log: Logger;
      /** Whether quick prompts are saved (Settings → Desktop). */
      saving: () => boolean;
    },
  ) {}

  private temporary(): string[] {
    const v = this.d.settings.get<unknown>(TEMPORARY_KEY);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  }

  private setTemporary(ids: string[]): void {
    this.d.settings.set(TEMPORARY_KEY, ids.length ? ids : null);
  }

  /** Delete temporary quick chats an earlier run left behind (killed, or quit with the window open). */
  cleanUp(): number {
    const ids = this.temporary();
    let n = 0;
    for (const id of ids) if (this.remove(id)) n += 1;
    this.setTemporary([]);
    if (n) this.d.log.info(`${n} unsaved quick prompt chat(s) from an earlier run removed`);
    return n;
  }

  private remove(id: string): boolean {
    try {
      this.d.chats.delete(id);
      return true;
    } catch {
      return false; // already gone
    }
  }

  private folderId(): string {
    const { folders } = this.d.organisation.listFolders();
    const stored = this.d.settings.get<string>(FOLDER_KEY);
    const found = folders.find((f) => f.id === stored) ?? folders.find((f) => f.name === QUICK_FOLDER_NAME);
    const folder = found ?? this.d.organisation.createFolder(QUICK_FOLDER_NAME);
    if (folder.id !== stored) this.d.settings.set(FOLDER_KEY, folder.id);
    return folder.id;
  }

  start(id: string, model: string | undefined): Chat {
    const chat = this.d.chats.create(model, id);
    if (this.d.saving()) return this.d.organisation.update({ id: chat.id, folderId: this.folderId() });
    this.setTemporary([...this.temporary(), chat.id]);
    return this.d.organisation.update({ id: chat.id, archived: true });
  }

  keep(chatId: string): { ok: true } {
    const ids = this.temporary();
    if (ids.includes(chatId)) {
      this.setTemporary(ids.filter((x) => x !== chatId));
      this.d.organisation.update({ id: chatId, archived: false });
    }
    return { ok: true };
  }

  discard(chatId: string): { removed: boolean } {
    const ids = this.temporary();
    if (!ids.includes(chatId)) return { removed: false };
    this.setTemporary(ids.filter((x) => x !== chatId));
    return { removed: this.remove(chatId) };
  }
}
