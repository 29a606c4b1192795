/**
 * Messages as the model sees them: attached text files inlined as fenced blocks named after the
 * file, before the message; images as base64 for vision models. A file that cannot be read (removed
 * by hand) is left out rather than failing the whole answer.
 */
import type { Message } from '../../../shared/types/domain';
import type { ChatTurn } from '../providers/provider';

/** Where attached files are read from (AttachmentService). */
export interface AttachedFiles {
  /** A live attachment's kind, name and bytes, or null when its row or file is gone. */
  contents(id: string): { kind: 'image' | 'text'; name: string; bytes: Buffer } | null;
}

export function toTurn(m: Pick<Message, 'role' | 'content' | 'attachments'>, files: AttachedFiles): ChatTurn {
  if (!m.attachments.length) return { role: m.role, content: m.content };
  const blocks: string[] = [];
  const images: string[] = [];
  for (const a of m.attachments) {
    const file = files.contents(a.id);
    if (!file) continue;
    if (file.kind === 'image') images.push(file.bytes.toString('base64'));
    else blocks.push(fenced(file.name, file.bytes.toString('utf8')));
  }
  const content = blocks.length ? `${blocks.join('\n\n')}\n\n${m.content}` : m.content;
  return images.length ? { role: m.role, content, images } : { role: m.role, content };
}

/** A fenced block longer than any backtick run inside, so the file's own fences stay intact. */
function fenced(name: string, text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((s) => s.length));
  const fence = '`'.repeat(longest + 1);
  return `File: ${name}\n${fence}\n${text.replace(/\n$/, '')}\n${fence}`;
}
