/** Organising chats: restore after delete, the chat's own settings (pin, archive, folder, tags …), folders, tags, search. */
import { snapshotStamp } from '../util/hlc';
import type { MethodParsedInput } from '../../../shared/contract';
import type { Chat, Folder, SearchHit, TagCount } from '../../../shared/types/domain';
import { AppError } from '../../../shared/types/errors';
import type { EventHub } from '../events';
import type { SearchService } from '../search/search-service';
import type { ChatRepo } from '../store/chat-repo';
import type { FolderRepo } from '../store/folder-repo';
import type { TagRepo } from '../store/tag-repo';

const noChat = () => new AppError('not_found', 'That chat does not exist (it may have been deleted).');

export class OrganisationService {
  constructor(
    private readonly chats: ChatRepo,
    private readonly folders: FolderRepo,
    private readonly tags: TagRepo,
    private readonly search: SearchService,
    private readonly events: EventHub,
  ) {}

  restore(id: string): Chat {
    const chat = this.chats.restoreChat(id);
    if (!chat) throw new AppError('not_found', 'That chat can no longer be restored.');
    this.events.emit('chat.updated', { chat });
    return chat;
  }

  update(input: MethodParsedInput<'chats.update'>): Chat {
    const { id, tags, ...patch } = input;
    if (patch.folderId && !this.folders.exists(patch.folderId)) {
      throw new AppError('not_found', 'That folder does not exist any more; pick another one.');
    }
    const chat = this.chats.transaction(() => {
      if (!this.chats.getChat(id)) throw noChat();
      if (tags) this.chats.setTags(id, tags);
      return this.chats.updateChat(id, patch);
    });
    if (!chat) throw noChat();
    this.events.emit('chat.updated', { chat });
    if (patch.folderId !== undefined || patch.archived !== undefined) this.events.emit('folders.changed', {});
    return chat;
  }

  listFolders(): { folders: Folder[]; asOf: string } {
    const asOf = snapshotStamp();
    return { folders: this.folders.list(), asOf };
  }

  createFolder(name: string): Folder {
    const folder = this.folders.create(name);
    this.events.emit('folders.changed', {});
    return folder;
  }

  renameFolder(id: string, name: string): Folder {
    const folder = this.folders.rename(id, name);
    this.events.emit('folders.changed', {});
    return folder;
  }

  deleteFolder(id: string): { ok: true } {
    const moved = this.folders.delete(id);
    this.events.emit('folders.changed', {});
    // Windows showing a handful of moved chats update them; a big folder is re-read on folders.changed.
    if (moved.length <= 200) {
      for (const chatId of moved) {
        const chat = this.chats.getChat(chatId);
        if (chat) this.events.emit('chat.updated', { chat });
      }
    }
    return { ok: true };
  }

  listTags(): { tags: TagCount[]; asOf: string } {
    const asOf = snapshotStamp();
    return { tags: this.tags.list(), asOf };
  }

  searchMessages(query: string, limit?: number): { hits: SearchHit[] } {
    return { hits: this.search.query(query, limit ?? 50) };
  }
}
