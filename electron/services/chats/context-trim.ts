/**
 * Keeping a conversation inside the model's context window. Token counts are estimated, not
 * measured: about four characters per token for English text (plus a few tokens of per-message
 * framing), which is what OpenAI and Ollama documentation suggest as a rule of thumb and is close
 * enough to decide what to leave out without loading a tokenizer per model.
 */
import type { ChatTurn } from '../providers/provider';

/** Used when neither the chat nor the backend says how large the model's window is. */
export const DEFAULT_CONTEXT_LENGTH = 8192;
/** Windows are never smaller than this in practice, so shorter histories need no lookup. */
export const SMALLEST_LIKELY_WINDOW = 2048;
const PER_MESSAGE_TOKENS = 4;

/** chars / 4, rounded up, plus framing per message (an estimate, see the header). */
export function estimateTokens(turns: readonly ChatTurn[]): number {
  let total = 0;
  for (const t of turns) total += Math.ceil(t.content.length / 4) + PER_MESSAGE_TOKENS;
  return total;
}

/** Room kept free for the answer: the chat's max tokens, else a quarter of the window (at most 1024). */
export function answerReserve(window: number, maxTokens?: number): number {
  const wanted = maxTokens ?? Math.min(1024, Math.floor(window / 4));
  // Never reserve so much that nothing but the question fits.
  return Math.min(wanted, Math.floor(window / 2));
}

export interface TrimResult {
  turns: ChatTurn[];
  /** How many messages of the history were left out. */
  dropped: number;
}

/**
 * Drop the oldest turns until the conversation fits `window - reserve` tokens. A leading system
 * prompt and the last `keepLast` turns (the new question; for a continued answer also the partial
 * answer) are never dropped. After dropping, a history that would start with an answer loses
 * that answer too, so the model always sees a question first.
 */
export function trimToWindow(turns: readonly ChatTurn[], window: number, reserve: number, keepLast = 1): TrimResult {
  const system = turns[0]?.role === 'system' ? [turns[0]] : [];
  const rest = turns.slice(system.length);
  const tail = rest.slice(Math.max(0, rest.length - keepLast));
  let middle = rest.slice(0, Math.max(0, rest.length - keepLast));
  const budget = window - reserve;
  let dropped = 0;
  while (middle.length && estimateTokens([...system, ...middle, ...tail]) > budget) {
    middle = middle.slice(1);
    dropped++;
    while (middle[0]?.role === 'assistant') {
      middle = middle.slice(1);
      dropped++;
    }
  }
  return { turns: [...system, ...middle, ...tail], dropped };
}
