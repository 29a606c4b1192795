/** Test support (never imported by the app): a Message row with every field, for slice and store tests. */
import type { Message } from '../../../shared/types/domain';

export function testMessage(p: Partial<Message> = {}): Message {
  return {
    id: 'm',
    chatId: 'c',
    parentId: null,
    role: 'assistant',
    content: '',
    model: null,
    status: 'done',
    error: null,
    stats: null,
    createdAt: 1,
    updatedAt: 1,
    thinking: null,
    thinkingMs: null,
    trimmed: 0,
    attachments: [],
    version: '1',
    ...p,
  };
}
