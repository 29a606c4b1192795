/**
 * Images inside chats, the pure parts: the `/image <prompt>` command typed in the composer, which
 * messages are image turns (an assistant message whose model is `image:<backend id>`), the prompt a
 * failed turn is made again from, and which image backend the chat uses.
 */
import type { Message } from '../../../../shared/types/domain';
import type { ImageBackendView } from '../../../../shared/types/images';

/** Where the Images page keeps the backend last used; the chat uses the same one. */
export const LAST_BACKEND_KEY = 'hearth.images.lastBackend';

/** "Generate image" on an answer sends at most this much of its text as the prompt. */
export const ANSWER_PROMPT_CHARS = 4000;

export type ImageCommand = { prompt: string } | { error: string };

const COMMAND = /^\s*\/image(?=\s|$)/;

/**
 * `/image a cat` → { prompt: 'a cat' }; `/image` alone → { error }; anything else, `/imagefoo`
 * included, is not a command (null). Leading spaces before the command are allowed.
 */
export function parseImageCommand(text: string): ImageCommand | null {
  const m = COMMAND.exec(text);
  if (!m) return null;
  const prompt = text.slice(m[0].length).trim();
  if (!prompt) return { error: 'Write what to draw after /image, for example “/image a lighthouse at dusk”.' };
  return { prompt };
}

const IMAGE_MODEL = 'image:';

/** An image turn: an assistant message made by an image backend rather than a language model. */
export function isImageTurn(m: Pick<Message, 'role' | 'model'>): boolean {
  return m.role === 'assistant' && !!m.model?.startsWith(IMAGE_MODEL);
}

/** The backend id of an image turn (`image:<id>`), or null. */
export function imageTurnBackendId(m: Pick<Message, 'role' | 'model'>): string | null {
  return isImageTurn(m) ? m.model!.slice(IMAGE_MODEL.length) || null : null;
}

/**
 * The prompt an image turn was made from, read from the message it follows: the user's words for
 * `/image` (stored with the command in front), or the answer's text (its first ANSWER_PROMPT_CHARS characters) for "Generate image".
 */
export function promptBefore(turn: Pick<Message, 'parentId'>, messages: readonly Message[]): string | null {
  const parent = turn.parentId ? messages.find((x) => x.id === turn.parentId) : undefined;
  if (!parent) return null;
  if (parent.role !== 'user') return answerPrompt(parent.content) || null;
  // `/image` stores the user's turn as typed ("/image a cat"); other questions are prompts as they are.
  const command = parseImageCommand(parent.content);
  const prompt = command ? ('prompt' in command ? command.prompt : '') : parent.content.trim();
  return prompt || null;
}

/** The prompt "Generate image" sends for an answer. */
export function answerPrompt(content: string): string {
  return content.slice(0, ANSWER_PROMPT_CHARS).trim();
}

/** The backend the chat uses: the one last used on the Images page when it still exists, else the first. */
export function pickImageBackend(
  backends: readonly ImageBackendView[],
  lastId: string | null,
): ImageBackendView | null {
  return backends.find((b) => b.id === lastId) ?? backends[0] ?? null;
}

/** The backend id stored by the Images page, if any (storage may be unavailable). */
export function readLastBackendId(): string | null {
  try {
    return globalThis.localStorage?.getItem(LAST_BACKEND_KEY) ?? null;
  } catch {
    return null;
  }
}
