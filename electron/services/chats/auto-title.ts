/**
 * A short model-written title for a chat after its first answer: the same model, asked once
 * without streaming, with thinking off and a low temperature. The reply is cleaned (quotes,
 * "Title:" prefixes, markdown, trailing full stops) and capped at 60 characters; anything unusable
 * gives null and the chat keeps the title taken from its first message.
 */
import type { ChatTurn, Provider } from '../providers/provider';

/** The instruction ends the request; the test Ollama recognises it by this opening. */
export const TITLE_INSTRUCTION =
  'Write a title of 3 to 6 words for the conversation above. Reply with the title only: no quotes, no punctuation at the end.';
export const TITLE_MAX = 60;
const EXCERPT = 1500;

export function titleRequest(question: string, answer: string): ChatTurn[] {
  return [
    { role: 'user', content: question.slice(0, EXCERPT) },
    { role: 'assistant', content: answer.slice(0, EXCERPT) },
    { role: 'user', content: TITLE_INSTRUCTION },
  ];
}

export function cleanTitle(raw: string): string | null {
  // Reasoning models may still wrap their thoughts in tags; only the text after them counts.
  let t = raw.replace(/<think>[\s\S]*?<\/think>/gi, '');
  t =
    t
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? '';
  t = t
    .replace(/^(#+\s*)/, '')
    .replace(/^\**\s*title\s*\**\s*:\s*/i, '')
    .replace(/[*_`]/g, '')
    .trim()
    .replace(/^["'“”‘’«»]+|["'“”‘’«»]+$/g, '')
    .replace(/[.,;:!…]+$/u, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!t) return null;
  if (t.length > TITLE_MAX) {
    const cut = t.slice(0, TITLE_MAX);
    const space = cut.lastIndexOf(' ');
    t = (space > 20 ? cut.slice(0, space) : cut).replace(/[.,;:!…\s]+$/u, '');
  }
  return t || null;
}

/** Ask for a title; null when the model's answer is unusable. Errors propagate (the caller ignores them). */
export async function generateTitle(o: {
  provider: Provider;
  model: string;
  question: string;
  answer: string;
  signal: AbortSignal;
}): Promise<string | null> {
  const raw = await o.provider.complete({
    model: o.model,
    messages: titleRequest(o.question, o.answer),
    signal: AbortSignal.any([o.signal, AbortSignal.timeout(60_000)]),
    params: { thinking: 'off', temperature: 0.2 },
  });
  return cleanTitle(raw);
}
