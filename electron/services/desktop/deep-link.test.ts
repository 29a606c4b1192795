import { describe, expect, it } from 'vitest';
import {
  DEEP_LINK_MODEL_MAX,
  DEEP_LINK_PROMPT_MAX,
  chatDeepLink,
  findDeepLinkInArgv,
  newChatDeepLink,
  parseDeepLink,
} from './deep-link';

const CHAT_ID = '0190f3a2-7b1c-7d4e-8f00-123456789abc';

describe('parseDeepLink: hearth://chat/<id>', () => {
  it('opens the chat named in the link', () => {
    expect(parseDeepLink(`hearth://chat/${CHAT_ID}`)).toEqual({ kind: 'chat', chatId: CHAT_ID });
    expect(parseDeepLink('hearth://chat/imported_chat-1')).toEqual({ kind: 'chat', chatId: 'imported_chat-1' });
  });

  it('takes the forms browsers and launchers actually pass', () => {
    expect(parseDeepLink(`hearth://chat/${CHAT_ID}/`)).toEqual({ kind: 'chat', chatId: CHAT_ID }); // trailing slash (Windows)
    expect(parseDeepLink(`  HEARTH://chat/${CHAT_ID}\n`)).toEqual({ kind: 'chat', chatId: CHAT_ID });
    expect(parseDeepLink(`hearth://CHAT/${CHAT_ID}`)).toEqual({ kind: 'chat', chatId: CHAT_ID });
    expect(parseDeepLink(`hearth:chat/${CHAT_ID}`)).toEqual({ kind: 'chat', chatId: CHAT_ID });
    expect(parseDeepLink(`hearth:///chat/${CHAT_ID}`)).toEqual({ kind: 'chat', chatId: CHAT_ID });
  });

  it('keeps the id exactly as written (ids are case-sensitive)', () => {
    expect(parseDeepLink('hearth://chat/AbC')).toEqual({ kind: 'chat', chatId: 'AbC' });
  });

  it('refuses ids that are not ids', () => {
    const bad = { kind: 'invalid', reason: 'The chat id in the link is not valid.' };
    expect(parseDeepLink('hearth://chat/..%2F..%2Fetc')).toEqual(bad);
    expect(parseDeepLink('hearth://chat/a%20b')).toEqual(bad);
    expect(parseDeepLink("hearth://chat/x'or'1")).toEqual(bad);
    expect(parseDeepLink(`hearth://chat/${'a'.repeat(65)}`)).toEqual(bad);
    expect(parseDeepLink('hearth://chat/')).toEqual({ kind: 'invalid', reason: 'The link names no chat.' });
    expect(parseDeepLink('hearth://chat/a/b')).toEqual({
      kind: 'invalid',
      reason: 'The link has more after the chat id than Hearth understands.',
    });
  });
});

describe('parseDeepLink: hearth://new', () => {
  it('opens a new chat with the prompt and model from the link', () => {
    expect(parseDeepLink('hearth://new?prompt=Explain%20WAL%20mode&model=ollama%2Fllama3.2%3A3b')).toEqual({
      kind: 'new',
      prompt: 'Explain WAL mode',
      model: 'ollama/llama3.2:3b',
    });
    expect(parseDeepLink('hearth://new?prompt=a+b')).toEqual({ kind: 'new', prompt: 'a b', model: null });
    expect(parseDeepLink('hearth://new/?model=gpt-4o')).toEqual({ kind: 'new', prompt: null, model: 'gpt-4o' });
  });

  it('a bare new link opens an empty new chat', () => {
    expect(parseDeepLink('hearth://new')).toEqual({ kind: 'new', prompt: null, model: null });
    expect(parseDeepLink('hearth://new?prompt=&model=%20')).toEqual({ kind: 'new', prompt: null, model: null });
  });

  it('keeps the prompt’s lines and unicode, drops control characters', () => {
    const prompt = 'Line one\r\nLine two — “quoted” 日本語 🙂\u0000\u0007';
    const r = parseDeepLink(`hearth://new?prompt=${encodeURIComponent(prompt)}`);
    expect(r).toEqual({ kind: 'new', prompt: 'Line one\nLine two — “quoted” 日本語 🙂', model: null });
  });

  it('takes the first value when a parameter repeats and ignores unknown ones', () => {
    expect(parseDeepLink('hearth://new?prompt=one&prompt=two&send=1&x=y')).toEqual({
      kind: 'new',
      prompt: 'one',
      model: null,
    });
  });

  it('accepts a prompt of exactly 20,000 characters and refuses a longer one', () => {
    const max = 'é'.repeat(DEEP_LINK_PROMPT_MAX);
    expect(parseDeepLink(`hearth://new?prompt=${encodeURIComponent(max)}`)).toEqual({
      kind: 'new',
      prompt: max,
      model: null,
    });
    expect(parseDeepLink(`hearth://new?prompt=${'a'.repeat(DEEP_LINK_PROMPT_MAX + 1)}`)).toEqual({
      kind: 'invalid',
      reason: 'The prompt in the link is longer than 20,000 characters.',
    });
  });

  it('refuses a model name that is too long or has control characters', () => {
    expect(parseDeepLink(`hearth://new?model=${'m'.repeat(DEEP_LINK_MODEL_MAX)}`)).toMatchObject({ kind: 'new' });
    expect(parseDeepLink(`hearth://new?model=${'m'.repeat(DEEP_LINK_MODEL_MAX + 1)}`)).toEqual({
      kind: 'invalid',
      reason: 'The model name in the link is longer than 512 characters.',
    });
    expect(parseDeepLink('hearth://new?model=a%0Ab')).toEqual({
      kind: 'invalid',
      reason: 'The model name in the link is not valid.',
    });
  });

  it('does not choke on malformed percent-encoding', () => {
    expect(parseDeepLink('hearth://new?prompt=100%')).toEqual({ kind: 'new', prompt: '100%', model: null });
    expect(parseDeepLink('hearth://new?prompt=%E0%A4%A')).toMatchObject({ kind: 'new' });
  });
});

describe('parseDeepLink: everything else is invalid, with a reason, never a throw', () => {
  it.each([
    [undefined, 'The link is not text.'],
    [null, 'The link is not text.'],
    [{ toString: (): string => 'hearth://new' }, 'The link is not text.'],
    ['', 'The link does not start with hearth://.'],
    ['https://example.com/chat/1', 'The link does not start with hearth://.'],
    ['javascript:alert(1)', 'The link does not start with hearth://.'],
    ['hearth://', 'The link says nothing to do.'],
    ['hearth://settings', 'Hearth does not know what to do with “settings” links.'],
    ['hearth://delete/all', 'Hearth does not know what to do with “delete” links.'],
    ['hearth://new/chat', 'The link has more after “new” than Hearth understands.'],
    ['hearth://user:pw@chat/abc', 'The link is not a valid Hearth link.'],
    ['hearth://chat:99/abc', 'The link is not a valid Hearth link.'],
    ['hearth://[zz/chat', 'The link is not a valid address.'],
    ['hearth://chat/../../secret', 'The link is not a valid Hearth link.'],
    ['hearth://x/../chat/abc', 'The link is not a valid Hearth link.'],
    ['hearth://chat/%2e%2E/abc', 'The link is not a valid Hearth link.'],
    ['hearth://chat\\..\\abc', 'The link is not a valid Hearth link.'],
  ])('%s', (input, reason) => {
    expect(parseDeepLink(input)).toEqual({ kind: 'invalid', reason });
  });

  it('refuses an absurdly long link before parsing it', () => {
    expect(parseDeepLink(`hearth://new?prompt=${'a'.repeat(1_000_000)}`)).toEqual({
      kind: 'invalid',
      reason: 'The link is too long.',
    });
  });

  it('survives random input', () => {
    const alphabet = 'hearth:/?#&=%+chatnew[]@.\\ \u0000é🙂-_';
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      let s = i % 2 ? 'hearth://' : '';
      for (let j = 0, n = Math.floor(rand() * 40); j < n; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
      const r = parseDeepLink(s);
      expect(['chat', 'new', 'invalid']).toContain(r.kind);
      if (r.kind === 'chat') expect(r.chatId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    }
  });
});

describe('findDeepLinkInArgv', () => {
  it('finds the link a second launch was given on Windows and Linux', () => {
    expect(findDeepLinkInArgv(['C:\\Program Files\\Hearth\\Hearth.exe', `hearth://chat/${CHAT_ID}`])).toBe(
      `hearth://chat/${CHAT_ID}`,
    );
    expect(
      findDeepLinkInArgv([
        '/usr/bin/electron',
        '/app',
        '--allow-file-access-from-files',
        '--',
        'hearth://new?prompt=x',
      ]),
    ).toBe('hearth://new?prompt=x');
  });

  it('unquotes a quoted argument, takes the first link, ignores switches and non-strings', () => {
    expect(findDeepLinkInArgv(['app.exe', '"hearth://new"'])).toBe('hearth://new');
    expect(findDeepLinkInArgv(['app', 'hearth://chat/a', 'hearth://chat/b'])).toBe('hearth://chat/a');
    expect(findDeepLinkInArgv(['app', '--open=hearth://chat/a', 42, null])).toBeNull();
    expect(findDeepLinkInArgv([])).toBeNull();
  });
});

describe('building links', () => {
  it('round-trips through parseDeepLink', () => {
    expect(parseDeepLink(chatDeepLink(CHAT_ID))).toEqual({ kind: 'chat', chatId: CHAT_ID });
    const prompt = 'Résumé this: a & b = c?\nThanks';
    expect(parseDeepLink(newChatDeepLink({ prompt, model: 'ollama/qwen3:8b' }))).toEqual({
      kind: 'new',
      prompt,
      model: 'ollama/qwen3:8b',
    });
    expect(newChatDeepLink()).toBe('hearth://new');
  });
});
