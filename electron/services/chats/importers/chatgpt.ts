/**
 * ChatGPT's data export (`conversations.json`): an array of conversations, each a `mapping` of
 * nodes `{id, message, parent, children}` forming a tree, with `current_node` the leaf on screen.
 * Kept: user and assistant text (branches included). Left out, with reasons: system, tool and
 * hidden nodes, empty ones, non-text content, and images (the export holds only pointers to them).
 * Children of a left-out node hang from its nearest kept ancestor.
 */
import type { ImportedChat, ImportedMessage, ParsedImport } from './imported-chat';
import { SkipTally, toMs } from './imported-chat';

interface ChatGptNode {
  id?: string;
  message?: {
    id?: string;
    author?: { role?: string };
    content?: { content_type?: string; parts?: unknown[]; text?: string };
    create_time?: number | null;
    recipient?: string;
    metadata?: { is_visually_hidden_from_conversation?: boolean; model_slug?: string };
  } | null;
  parent?: string | null;
  children?: string[];
}

interface ChatGptConversation {
  id?: string;
  conversation_id?: string;
  title?: string | null;
  create_time?: number | null;
  update_time?: number | null;
  mapping?: Record<string, ChatGptNode>;
  current_node?: string | null;
  is_archived?: boolean;
}

export function looksLikeChatGpt(raw: unknown): boolean {
  const first = Array.isArray(raw) ? raw[0] : raw;
  return !!first && typeof first === 'object' && 'mapping' in first && typeof first.mapping === 'object';
}

const HIDDEN = 'system, tool and hidden messages are not part of the visible conversation';
const EMPTY = 'empty message';
const IMAGE = 'images are not included in ChatGPT exports (only references to them)';

export function parseChatGpt(raw: unknown, now = Date.now()): ParsedImport {
  const list = (Array.isArray(raw) ? raw : [raw]) as ChatGptConversation[];
  const result: ParsedImport = { format: 'chatgpt', chats: [], skipped: [] };
  list.forEach((conv, index) => {
    const title = (conv?.title ?? '').trim() || 'Untitled ChatGPT chat';
    const sourceId = conv?.conversation_id ?? conv?.id;
    if (!conv || typeof conv !== 'object' || !conv.mapping || typeof conv.mapping !== 'object') {
      result.skipped.push({ what: `conversation ${index + 1}`, why: 'has no "mapping" (not a ChatGPT conversation)' });
      return;
    }
    if (!sourceId) {
      result.skipped.push({
        what: `chat "${title}"`,
        why: 'has no conversation id, so it could not be imported safely twice',
      });
      return;
    }
    const createdAt = toMs(conv.create_time, now);
    const tally = new SkipTally();
    const mapping = conv.mapping;
    const messages: ImportedMessage[] = [];
    const keptAncestor = new Map<string, string | null>();
    // Iterative walk from the roots, carrying the nearest kept ancestor.
    const roots = Object.keys(mapping).filter((id) => {
      const parent = mapping[id]?.parent;
      return !parent || !mapping[parent];
    });
    const stack: [string, string | null][] = roots.reverse().map((id) => [id, null]);
    const seen = new Set<string>();
    while (stack.length) {
      const [id, ancestor] = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const node = mapping[id];
      if (!node) continue;
      const kept = toMessage(id, node, ancestor, createdAt, tally);
      if (kept) messages.push(kept);
      const next = kept ? id : ancestor;
      keptAncestor.set(id, next);
      const kids = (node.children ?? []).filter((c) => typeof c === 'string');
      for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i]!, next]);
    }
    tally.flush(title, result.skipped);
    if (!messages.length) {
      result.skipped.push({ what: `chat "${title}"`, why: 'has no user or assistant messages' });
      return;
    }
    const chat: ImportedChat = {
      importKey: `chatgpt:${sourceId}`,
      title,
      createdAt,
      updatedAt: messages.reduce((t, m) => Math.max(t, m.createdAt), toMs(conv.update_time, createdAt)),
      archived: conv.is_archived === true,
      currentLeaf: conv.current_node ? (keptAncestor.get(conv.current_node) ?? null) : null,
      messages,
    };
    result.chats.push(chat);
  });
  return result;
}

function toMessage(
  id: string,
  node: ChatGptNode,
  parent: string | null,
  fallbackTime: number,
  tally: SkipTally,
): ImportedMessage | null {
  const m = node.message;
  if (!m) return null; // the root placeholder of every conversation
  const role = m.author?.role;
  if (
    (role !== 'user' && role !== 'assistant') ||
    m.metadata?.is_visually_hidden_from_conversation ||
    (m.recipient && m.recipient !== 'all')
  ) {
    tally.add(HIDDEN);
    return null;
  }
  const type = m.content?.content_type;
  if (type !== 'text' && type !== 'multimodal_text') {
    tally.add(`content of type "${type ?? 'unknown'}" is not plain text`);
    return null;
  }
  const texts: string[] = [];
  for (const part of m.content?.parts ?? []) {
    if (typeof part === 'string') {
      if (part.trim()) texts.push(part);
    } else if (part && typeof part === 'object') {
      const p = part as { content_type?: string; text?: string };
      if (p.content_type === 'image_asset_pointer') tally.add(IMAGE);
      else if (typeof p.text === 'string' && p.text.trim()) texts.push(p.text);
    }
  }
  const content = texts.join('\n\n');
  if (!content.trim()) {
    tally.add(EMPTY);
    return null;
  }
  return {
    sourceId: id,
    parentId: parent,
    role,
    content,
    model: role === 'assistant' && m.metadata?.model_slug ? `chatgpt/${m.metadata.model_slug}` : null,
    createdAt: toMs(m.create_time, fallbackTime),
  };
}
