/**
 * Native notifications when an answer finishes while the user is elsewhere.
 *
 *   decideAnswerNotification(answer, context, lastShownAt, now)  show or not (and why not), and the text
 *   createAnswerNotifier({ cooldownMs, now })                    the same, remembering when each chat last
 *                                                                notified (at most one per chat per cooldown)
 *   markdownToPlainText(md)                                      the answer as one line of plain text
 *
 * Shown only when the option is on, the window is hidden, minimised or not focused, and the answer
 * ended done or with an error (stopped by the user or interrupted by a quit: nothing to tell). Not
 * for an image turn whose job still runs (its own end is the news). The title is the chat's title;
 * the body the first ~100 characters of the answer as plain text, or what went wrong.
 *
 * Model output is untrusted: the body never carries markup. On Linux, notification servers read the
 * body as markup (links, images) and Electron passes it through as it is, so there the body is also
 * escaped (& < >) — `platform` decides.
 */
import { chatDeepLink } from './deep-link';

export const NOTIFY_COOLDOWN_MS = 5_000;
export const NOTIFY_BODY_MAX = 100;
const TITLE_MAX = 80;

export interface FinishedAnswer {
  chatId: string;
  /** The chat's title (null or empty: not titled yet). */
  chatTitle: string | null;
  /** As in the 'message.done' event. */
  status: 'done' | 'stopped' | 'interrupted' | 'error';
  content: string;
  error: { code: string; message: string } | null;
  /** The turn generates an image and its job is still running. */
  imageJobRunning?: boolean;
}

export interface NotifyContext {
  /** Settings → Desktop → notify when an answer finishes. */
  enabled: boolean;
  /** The window showing the chat is on screen (false when hidden to the tray or minimised). */
  windowVisible: boolean;
  windowFocused: boolean;
  platform: string;
}

export type NotSentReason = 'off' | 'window-focused' | 'stopped' | 'image-running' | 'too-soon';

export type NotificationDecision =
  | { show: false; reason: NotSentReason }
  | {
      show: true;
      /** done: the answer is ready; error: it failed (the body says why). */
      kind: 'done' | 'error';
      title: string;
      body: string;
      chatId: string;
      /** What a click opens (hearth://chat/<id>). */
      link: string;
    };

/* ─── markdown → plain text ─── */

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (m, e: string) => {
    const lower = e.toLowerCase();
    if (lower.startsWith('#')) {
      const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
      return code > 0x1f && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '';
    }
    return ENTITIES[lower] ?? m;
  });
}

/**
 * Markdown as plain text on one line: code fences, emphasis, headings, quotes, list markers and table
 * rules dropped; links and images as their text; HTML tags and comments removed; whitespace collapsed.
 */
export function markdownToPlainText(md: string): string {
  // Backslash-escaped punctuation is text: hide it from the rules below, put it back at the end.
  let s = md
    .replace(/\r\n?/g, '\n')
    .replace(/\\([\\`*_{}[\]()#+\-.!|~<>])/g, (_m, c: string) => `\ue000${c.charCodeAt(0)}\ue001`);
  s = s.replace(/<!--[\s\S]*?(-->|$)/g, ' ');
  // Fenced code: keep the code, drop the fence lines.
  s = s.replace(/^\s*(```|~~~)[^\n]*$/gm, ' ');
  // Block math fences.
  s = s.replace(/^\s*\$\$\s*$/gm, ' ');
  s = s.replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1');
  s = s.replace(/!\[([^\]]*)\]\[[^\]]*\]/g, '$1');
  s = s.replace(/\[([^\]]+)\]\([^)]*\)/g, '$1');
  s = s.replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1');
  s = s.replace(/^\s*\[[^\]]+\]:\s+\S+.*$/gm, ' '); // link reference definitions
  s = s.replace(/<((?:https?|mailto):[^>\s]+)>/gi, '$1');
  s = s.replace(/<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>/gi, ' ');
  s = s.replace(/^\s{0,3}#{1,6}\s+/gm, '');
  s = s.replace(/\s+#+\s*$/gm, '');
  s = s.replace(/^\s*(?:[-=]{3,}|[*_]{3,}|(?:[*_-]\s+){2,}[*_-])\s*$/gm, ' ');
  s = s.replace(/^(\s*>)+\s?/gm, '');
  s = s.replace(/^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?/gm, '');
  s = s.replace(/^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)+\|?\s*$/gm, ' '); // table rule rows
  s = s.replace(/\s*\|\s*/g, ' ');
  s = s.replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2');
  s = s.replace(/\*(?=\S)([^*\n]*?\S)\*/g, '$1');
  s = s.replace(/(^|[^\w])_(?=\S)([^_\n]*?\S)_(?![\w])/g, '$1$2');
  s = s.replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1');
  s = s.replace(/`+([^`]*?)`+/g, '$1');
  s = decodeEntities(s);
  // eslint-disable-next-line no-control-regex
  s = s.replace(/[\u0000-\u001f\u007f\u200b-\u200d\u2028\u2029\ufeff]/g, ' ');
  s = s.replace(/\ue000(\d{2,3})\ue001/g, (_m, code: string) =>
    Number(code) > 0x20 && Number(code) < 0x7f ? String.fromCharCode(Number(code)) : ' ',
  );
  return s.replace(/\s+/g, ' ').trim();
}

/** At most `max` characters, cut at a word boundary when one is near the end, with "…". */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const cut = chars.slice(0, max - 1).join('');
  const space = cut.lastIndexOf(' ');
  const head = space >= max * 0.6 ? cut.slice(0, space) : cut;
  return `${head.replace(/[\s,;:.\-–—]+$/, '')}…`;
}

const escapeMarkup = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/* ─── the decision ─── */

export function decideAnswerNotification(
  answer: FinishedAnswer,
  ctx: NotifyContext,
  lastShownAt: number | undefined,
  now: number,
  cooldownMs = NOTIFY_COOLDOWN_MS,
): NotificationDecision {
  if (!ctx.enabled) return { show: false, reason: 'off' };
  if (answer.status === 'stopped' || answer.status === 'interrupted') return { show: false, reason: 'stopped' };
  if (answer.imageJobRunning) return { show: false, reason: 'image-running' };
  if (ctx.windowVisible && ctx.windowFocused) return { show: false, reason: 'window-focused' };
  if (lastShownAt !== undefined && now - lastShownAt < cooldownMs && now >= lastShownAt) {
    return { show: false, reason: 'too-soon' };
  }

  const title = truncate((answer.chatTitle ?? '').replace(/\s+/g, ' ').trim(), TITLE_MAX) || 'Hearth';
  let body: string;
  let kind: 'done' | 'error';
  if (answer.status === 'error') {
    kind = 'error';
    const why = markdownToPlainText(answer.error?.message ?? '');
    body = truncate(why ? `The answer failed: ${why}` : 'The answer failed.', NOTIFY_BODY_MAX);
  } else {
    kind = 'done';
    body = truncate(markdownToPlainText(answer.content), NOTIFY_BODY_MAX) || 'The answer is ready.';
  }
  if (ctx.platform === 'linux') body = escapeMarkup(body);
  return { show: true, kind, title, body, chatId: answer.chatId, link: chatDeepLink(answer.chatId) };
}

export interface AnswerNotifier {
  /** Decide for one finished answer; a shown notification starts that chat's cooldown. */
  decide(answer: FinishedAnswer, ctx: NotifyContext): NotificationDecision;
}

/** Remembers the last notification per chat (the newest 200 chats) so a chat notifies at most once per cooldown. */
export function createAnswerNotifier(
  opts: { cooldownMs?: number; now?: () => number; memory?: number } = {},
): AnswerNotifier {
  const cooldownMs = opts.cooldownMs ?? NOTIFY_COOLDOWN_MS;
  const now = opts.now ?? Date.now;
  const memory = opts.memory ?? 200;
  const lastShown = new Map<string, number>();
  return {
    decide(answer, ctx) {
      const t = now();
      const d = decideAnswerNotification(answer, ctx, lastShown.get(answer.chatId), t, cooldownMs);
      if (d.show) {
        lastShown.delete(answer.chatId);
        lastShown.set(answer.chatId, t);
        if (lastShown.size > memory) lastShown.delete(lastShown.keys().next().value!);
      }
      return d;
    },
  };
}
