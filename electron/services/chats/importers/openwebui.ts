/**
 * Open WebUI's chat export: an array of `{id, title, chat: {history: {messages: {id: {id, parentId,
 * childrenIds, role, content, model, timestamp}}, currentId}, messages}, created_at, updated_at,
 * pinned, archived}` (times in seconds). Branches are kept through parentId; system and empty
 * messages are left out with a reason.
 */
import type { ImportedMessage, ParsedImport } from './imported-chat';
import { SkipTally, toMs } from './imported-chat';

interface OwuiMessage {
  id?: string;
  parentId?: string | null;
  childrenIds?: string[];
  role?: string;
  content?: unknown;
  model?: string;
  timestamp?: number;
}

interface OwuiChat {
  id?: string;
  title?: string;
  chat?: {
    id?: string;
    title?: string;
    models?: string[];
    history?: { messages?: Record<string, OwuiMessage>; currentId?: string | null };
    messages?: OwuiMessage[];
    timestamp?: number;
  };
  created_at?: number;
  updated_at?: number;
  pinned?: boolean | null;
  archived?: boolean | null;
}

export function looksLikeOpenWebUi(raw: unknown): boolean {
  const first = (Array.isArray(raw) ? raw[0] : raw) as OwuiChat | undefined;
  return (
    !!first &&
    typeof first === 'object' &&
    !!first.chat &&
    typeof first.chat === 'object' &&
    ('history' in first.chat || 'messages' in first.chat)
  );
}

export function parseOpenWebUi(raw: unknown, now = Date.now()): ParsedImport {
  const list = (Array.isArray(raw) ? raw : [raw]) as OwuiChat[];
  const result: ParsedImport = { format: 'openwebui', chats: [], skipped: [] };
  list.forEach((item, index) => {
    const title = (item?.title ?? item?.chat?.title ?? '').trim() || 'Untitled Open WebUI chat';
    const sourceId = item?.id ?? item?.chat?.id;
    if (!item?.chat || typeof item.chat !== 'object') {
      result.skipped.push({ what: `chat ${index + 1}`, why: 'has no "chat" object (not an Open WebUI chat)' });
      return;
    }
    if (!sourceId) {
      result.skipped.push({ what: `chat "${title}"`, why: 'has no id, so it could not be imported safely twice' });
      return;
    }
    const createdAt = toMs(item.created_at ?? item.chat.timestamp, now);
    // history.messages is the tree; older exports have only the flat `messages` list (one branch).
    let source: OwuiMessage[] = Object.values(item.chat.history?.messages ?? {});
    if (!source.length && Array.isArray(item.chat.messages)) {
      // A flat list without parent links is one branch, in order.
      source = item.chat.messages.map((m, i, all) =>
        m.parentId === undefined && i > 0 ? { ...m, parentId: all[i - 1]?.id ?? null } : m,
      );
    }
    const byId = new Map(source.filter((m) => m?.id).map((m) => [m.id!, m]));
    const tally = new SkipTally();
    const keptAncestor = (id: string | null | undefined): string | null => {
      const seen = new Set<string>();
      while (id && !seen.has(id)) {
        seen.add(id);
        const m = byId.get(id);
        if (!m) return null;
        if (kept.has(id)) return id;
        id = m.parentId ?? null;
      }
      return null;
    };
    const kept = new Set<string>();
    for (const m of byId.values()) {
      if (m.role !== 'user' && m.role !== 'assistant') tally.add('system messages are kept out of the chat');
      else if (typeof m.content !== 'string' || !m.content.trim()) tally.add('empty message');
      else kept.add(m.id!);
    }
    const messages: ImportedMessage[] = [];
    for (const m of byId.values()) {
      if (!kept.has(m.id!)) continue;
      messages.push({
        sourceId: m.id!,
        parentId: keptAncestor(m.parentId),
        role: m.role as 'user' | 'assistant',
        content: m.content as string,
        model: m.role === 'assistant' && m.model ? `openwebui/${m.model}` : null,
        createdAt: toMs(m.timestamp, createdAt),
      });
    }
    tally.flush(title, result.skipped);
    if (!messages.length) {
      result.skipped.push({ what: `chat "${title}"`, why: 'has no user or assistant messages' });
      return;
    }
    messages.sort((a, b) => a.createdAt - b.createdAt);
    result.chats.push({
      importKey: `openwebui:${sourceId}`,
      title,
      createdAt,
      updatedAt: messages.reduce((t, m) => Math.max(t, m.createdAt), toMs(item.updated_at, createdAt)),
      pinned: item.pinned === true,
      archived: item.archived === true,
      currentLeaf: keptAncestor(item.chat.history?.currentId),
      messages,
    });
  });
  return result;
}
