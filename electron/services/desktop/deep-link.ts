/**
 * `hearth://` links, parsed defensively: whatever arrives (from a web page, another app, a shell
 * command line) becomes a typed value and nothing here throws.
 *
 *   hearth://chat/<id>                      open that chat (the id has shared/ids.ts's shape)
 *   hearth://new?prompt=…&model=…           a new chat with the prompt in the composer, the model chosen
 *   anything else                           { kind: 'invalid', reason }
 *
 * A link never sends anything by itself: the prompt waits in the composer for the user to press
 * Send, so a link on a web page cannot make the model act or spend tokens.
 *
 *   parseDeepLink(url)           the link as a DeepLink
 *   findDeepLinkInArgv(argv)     the hearth:// URL among a process's arguments (Windows and Linux pass
 *                                the link to the second instance as an argument), or null
 *   chatDeepLink(id)             the link that opens a chat (notifications use it)
 *   newChatDeepLink({ prompt, model })  the link that starts one
 *
 * macOS does not pass links on the command line: the shell hands 'open-url' URLs to parseDeepLink.
 */
import { isEntityId } from '../../../shared/ids';

export const DEEP_LINK_SCHEME = 'hearth';
export const DEEP_LINK_PROMPT_MAX = 20_000;
export const DEEP_LINK_MODEL_MAX = 512;
/** Longer text is refused before it is parsed (a 20,000-character prompt fits, percent-encoded). */
const URL_MAX = 32 * DEEP_LINK_PROMPT_MAX;

export type DeepLink =
  | { kind: 'chat'; chatId: string }
  | { kind: 'new'; prompt: string | null; model: string | null }
  | { kind: 'invalid'; reason: string };

const invalid = (reason: string): DeepLink => ({ kind: 'invalid', reason });

/** Control characters other than tab and newlines. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

export function isDeepLink(value: unknown): value is string {
  return typeof value === 'string' && value.trim().toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`);
}

/** The link as a DeepLink; never throws, whatever `input` is. */
export function parseDeepLink(input: unknown): DeepLink {
  if (typeof input !== 'string') return invalid('The link is not text.');
  const text = input.trim();
  if (!isDeepLink(text)) return invalid('The link does not start with hearth://.');
  if (text.length > URL_MAX) return invalid('The link is too long.');
  // URL parsing would resolve "." and ".." segments (hearth://chat/../x is hearth://x): refuse them.
  const rawPath = text.slice(DEEP_LINK_SCHEME.length + 1).split(/[?#]/, 1)[0]!;
  if (rawPath.split(/[/\\]/).some((seg) => /^(\.|%2e){1,2}$/i.test(seg))) {
    return invalid('The link is not a valid Hearth link.');
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return invalid('The link is not a valid address.');
  }
  if (url.username || url.password || url.port) return invalid('The link is not a valid Hearth link.');
  // hearth://chat/x has host "chat"; hearth:chat/x and hearth:///chat/x put everything in the path.
  const segments = [url.host, ...url.pathname.split('/')].filter((s) => s !== '');
  const action = (segments[0] ?? '').toLowerCase();
  const rest = segments.slice(1);

  if (action === 'chat') {
    if (rest.length === 0) return invalid('The link names no chat.');
    if (rest.length > 1) return invalid('The link has more after the chat id than Hearth understands.');
    const id = rest[0]!;
    if (!isEntityId(id)) return invalid('The chat id in the link is not valid.');
    return { kind: 'chat', chatId: id };
  }

  if (action === 'new') {
    if (rest.length > 0) return invalid('The link has more after “new” than Hearth understands.');
    let prompt = url.searchParams.get('prompt');
    let model = url.searchParams.get('model');
    if (prompt !== null) {
      prompt = prompt.replace(/\r\n?/g, '\n').replace(CONTROL, '');
      if (prompt.length > DEEP_LINK_PROMPT_MAX) {
        return invalid(
          `The prompt in the link is longer than ${DEEP_LINK_PROMPT_MAX.toLocaleString('en-US')} characters.`,
        );
      }
      if (prompt.trim() === '') prompt = null;
    }
    if (model !== null) {
      model = model.trim();
      if (model.length > DEEP_LINK_MODEL_MAX) {
        return invalid(`The model name in the link is longer than ${DEEP_LINK_MODEL_MAX} characters.`);
      }
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f\u007f]/.test(model)) return invalid('The model name in the link is not valid.');
      if (model === '') model = null;
    }
    return { kind: 'new', prompt, model };
  }

  if (action === '') return invalid('The link says nothing to do.');
  return invalid(`Hearth does not know what to do with “${action.slice(0, 40)}” links.`);
}

/**
 * The first hearth:// URL among a process's arguments, or null. Arguments that are switches
 * (start with "-") are never taken for a link, even if they contain one.
 */
export function findDeepLinkInArgv(argv: readonly unknown[]): string | null {
  for (const arg of argv) {
    if (typeof arg !== 'string') continue;
    // Some launchers quote the argument: "hearth://…".
    const unquoted = arg.trim().replace(/^"(.*)"$/s, '$1');
    if (isDeepLink(unquoted)) return unquoted.trim();
  }
  return null;
}

/** The link that opens a chat. */
export function chatDeepLink(chatId: string): string {
  return `${DEEP_LINK_SCHEME}://chat/${encodeURIComponent(chatId)}`;
}

/** The link that starts a new chat with a prompt (and optionally a model) waiting in the composer. */
export function newChatDeepLink(opts: { prompt?: string; model?: string } = {}): string {
  const q = new URLSearchParams();
  if (opts.prompt) q.set('prompt', opts.prompt);
  if (opts.model) q.set('model', opts.model);
  const s = q.toString();
  return `${DEEP_LINK_SCHEME}://new${s ? `?${s}` : ''}`;
}
