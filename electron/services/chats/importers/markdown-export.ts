/**
 * One chat as Markdown: the branch on screen, root first, with who said what, reasoning as a
 * quote (no HTML, so every viewer shows it), message text untouched (code blocks intact) and the
 * names of attached files.
 */
import type { Chat, Message } from '../../../../shared/types/domain';
import { modelName } from '../../../../shared/model-id';

/** The branch on screen: from the chosen leaf (or the newest leaf under it, or the newest leaf) up to the root. */
export function branchOnScreen(messages: Message[], currentLeafId: string | null): Message[] {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const children = new Map<string, Message[]>();
  for (const m of messages) {
    if (!m.parentId) continue;
    const list = children.get(m.parentId) ?? [];
    list.push(m);
    children.set(m.parentId, list);
  }
  const newer = (a: Message, b: Message) => a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id);
  const newestLeafUnder = (start: Message): Message => {
    let best: Message | null = null;
    const stack = [start];
    while (stack.length) {
      const m = stack.pop()!;
      const kids = children.get(m.id);
      if (kids?.length) stack.push(...kids);
      else if (!best || newer(m, best)) best = m;
    }
    return best ?? start;
  };
  let leaf: Message | undefined;
  const chosen = currentLeafId ? byId.get(currentLeafId) : undefined;
  if (chosen) leaf = newestLeafUnder(chosen);
  else for (const m of messages) if (!children.has(m.id) && (!leaf || newer(m, leaf))) leaf = m;
  const path: Message[] = [];
  const seen = new Set<string>();
  for (let m = leaf; m && !seen.has(m.id); m = m.parentId ? byId.get(m.parentId) : undefined) {
    seen.add(m.id);
    path.push(m);
  }
  return path.reverse();
}

export function chatToMarkdown(chat: Chat, messages: Message[], exportedAt = Date.now()): string {
  const out: string[] = [`# ${chat.title}`, ''];
  const when = new Date(exportedAt).toISOString().slice(0, 10);
  out.push(`_Exported from Hearth on ${when}${chat.model ? ` · model ${modelName(chat.model)}` : ''}_`, '');
  if (chat.systemPrompt) out.push('**System prompt**', '', quote(chat.systemPrompt), '');
  for (const m of branchOnScreen(messages, chat.currentLeafId)) {
    const who = m.role === 'user' ? 'You' : m.role === 'system' ? 'System' : 'Assistant';
    const model = m.role === 'assistant' && m.model ? modelName(m.model) : null;
    out.push(`## ${who}${model ? ` (${model})` : ''}`, '');
    if (m.attachments.length) {
      out.push(`Attachments: ${m.attachments.map((a) => `\`${a.name}\``).join(', ')}`, '');
    }
    if (m.thinking?.trim()) out.push(quote(`**Thinking**\n\n${m.thinking.trim()}`), '');
    if (m.content) out.push(m.content.replace(/\s+$/, ''), '');
    if (m.status === 'stopped' || m.status === 'interrupted') out.push(`_(${m.status})_`, '');
    if (m.status === 'error' && m.error) out.push(`_(error: ${m.error.message})_`, '');
  }
  return out.join('\n').replace(/\n+$/, '\n');
}

function quote(text: string): string {
  return text
    .split('\n')
    .map((l) => (l ? `> ${l}` : '>'))
    .join('\n');
}

/** A file name from a title: letters, digits and dashes. */
export function slug(title: string): string {
  return (
    title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'chat'
  );
}
