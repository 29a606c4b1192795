/**
 * Chats from other apps (ChatGPT, Open WebUI), normalised to one shape and written in one go.
 * Each chat carries an import key ("<format>:<source id>") so importing the same file twice adds
 * nothing. Message trees are kept (branches), with new ids; parents are written before children.
 */
import type { ImportReport } from '../../../../shared/types/domain';
import type { ImportContext } from './hearth-json';
import { uuidv7 } from '../../../../shared/uuidv7';

export interface ImportedMessage {
  /** Id in the source file; parentId refers to these. */
  sourceId: string;
  parentId: string | null;
  role: 'user' | 'assistant';
  content: string;
  model: string | null;
  createdAt: number;
}

export interface ImportedChat {
  importKey: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  pinned?: boolean;
  archived?: boolean;
  /** Source id of the leaf shown in the source app, if any. */
  currentLeaf: string | null;
  messages: ImportedMessage[];
}

/** What a source parser hands over: the chats and what it left out, with reasons. */
export interface ParsedImport {
  format: string;
  chats: ImportedChat[];
  skipped: ImportReport['skipped'];
}

/** Write inside the caller's transaction. */
export function writeImportedChats(ctx: ImportContext, parsed: ParsedImport): ImportReport {
  const { repo } = ctx;
  const report: ImportReport = {
    format: parsed.format,
    chatsImported: 0,
    messagesImported: 0,
    skipped: [...parsed.skipped],
  };
  for (const chat of parsed.chats) {
    const existing = repo.importedChat(chat.importKey);
    if (existing) {
      report.skipped.push({
        what: `chat "${chat.title}"`,
        why: existing.deleted
          ? 'already imported, then deleted (restore it from the deleted chats instead)'
          : 'already imported',
      });
      continue;
    }
    const chatId = uuidv7(chat.createdAt);
    repo.insertChat({
      id: chatId,
      title: chat.title,
      model: null,
      createdAt: chat.createdAt,
      updatedAt: chat.updatedAt,
      pinned: chat.pinned ?? false,
      archived: chat.archived ?? false,
      importKey: chat.importKey,
    });
    report.chatsImported++;
    ctx.createdChats?.push(chatId);
    const newIds = new Map<string, string>();
    for (const m of parentsFirst(chat.messages)) {
      const id = uuidv7(m.createdAt);
      const parent = m.parentId ? (newIds.get(m.parentId) ?? null) : null;
      repo.insertMessage({
        id,
        chatId,
        parentId: parent,
        role: m.role,
        content: m.content,
        model: m.model,
        status: 'done',
        createdAt: m.createdAt,
        updatedAt: m.createdAt,
      });
      newIds.set(m.sourceId, id);
      report.messagesImported++;
    }
    const leaf = chat.currentLeaf ? newIds.get(chat.currentLeaf) : undefined;
    if (leaf) repo.setCurrentLeaf(chatId, leaf);
  }
  return report;
}

/** Breadth-first from the roots, children in the order given; a message whose parent is unknown is a root. */
function parentsFirst(messages: ImportedMessage[]): ImportedMessage[] {
  const ids = new Set(messages.map((m) => m.sourceId));
  const children = new Map<string | null, ImportedMessage[]>();
  for (const m of messages) {
    const key = m.parentId && ids.has(m.parentId) ? m.parentId : null;
    const list = children.get(key) ?? [];
    list.push(m);
    children.set(key, list);
  }
  const out: ImportedMessage[] = [];
  const queue = [...(children.get(null) ?? [])];
  const seen = new Set<string>();
  for (let i = 0; i < queue.length; i++) {
    const m = queue[i]!;
    if (seen.has(m.sourceId)) continue;
    seen.add(m.sourceId);
    out.push(m.parentId && ids.has(m.parentId) ? m : { ...m, parentId: null });
    queue.push(...(children.get(m.sourceId) ?? []));
  }
  return out;
}

/** Seconds (or milliseconds) since the epoch as milliseconds; fallback when missing. */
export function toMs(value: unknown, fallback: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0) return fallback;
  if (n > 1e17) return Math.round(n / 1e6); // nanoseconds
  if (n > 1e14) return Math.round(n / 1e3); // microseconds
  if (n > 1e11) return Math.round(n); // already milliseconds
  return Math.round(n * 1000);
}

/** Count skips per reason for one chat, then report each reason once. */
export class SkipTally {
  private readonly counts = new Map<string, number>();
  add(why: string): void {
    this.counts.set(why, (this.counts.get(why) ?? 0) + 1);
  }
  flush(title: string, into: ImportReport['skipped']): void {
    for (const [why, n] of this.counts) {
      into.push({ what: `${n} message${n === 1 ? '' : 's'} in "${title}"`, why });
    }
    this.counts.clear();
  }
}
