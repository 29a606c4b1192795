import { describe, expect, it } from 'vitest';
import {
  createAnswerNotifier,
  decideAnswerNotification,
  markdownToPlainText,
  truncate,
  type FinishedAnswer,
  type NotifyContext,
} from './notify';

const answer = (over: Partial<FinishedAnswer> = {}): FinishedAnswer => ({
  chatId: 'chat-1',
  chatTitle: 'Trip to Lisbon',
  status: 'done',
  content: 'Here is a **three-day** plan for Lisbon.',
  error: null,
  ...over,
});
const away: NotifyContext = { enabled: true, windowVisible: false, windowFocused: false, platform: 'win32' };
const decide = (a: Partial<FinishedAnswer> = {}, c: Partial<NotifyContext> = {}) =>
  decideAnswerNotification(answer(a), { ...away, ...c }, undefined, 1_000);

describe('decideAnswerNotification: when', () => {
  it('notifies when an answer finishes while the window is hidden', () => {
    expect(decide()).toEqual({
      show: true,
      kind: 'done',
      title: 'Trip to Lisbon',
      body: 'Here is a three-day plan for Lisbon.',
      chatId: 'chat-1',
      link: 'hearth://chat/chat-1',
    });
  });

  it('notifies when the window is visible but another app has the focus', () => {
    expect(decide({}, { windowVisible: true, windowFocused: false }).show).toBe(true);
  });

  it('stays quiet while the user is looking at Hearth', () => {
    expect(decide({}, { windowVisible: true, windowFocused: true })).toEqual({ show: false, reason: 'window-focused' });
  });

  it('stays quiet when the option is off, whatever else', () => {
    expect(decide({ status: 'error' }, { enabled: false })).toEqual({ show: false, reason: 'off' });
  });

  it('stays quiet for answers the user stopped or a quit interrupted', () => {
    expect(decide({ status: 'stopped' })).toEqual({ show: false, reason: 'stopped' });
    expect(decide({ status: 'interrupted' })).toEqual({ show: false, reason: 'stopped' });
  });

  it('stays quiet for an image turn whose job still runs', () => {
    expect(decide({ imageJobRunning: true })).toEqual({ show: false, reason: 'image-running' });
    expect(decide({ imageJobRunning: false }).show).toBe(true);
  });

  it('at most one per chat within the cooldown; other chats are not held back', () => {
    const a = answer();
    expect(decideAnswerNotification(a, away, 1_000, 3_000)).toEqual({ show: false, reason: 'too-soon' });
    expect(decideAnswerNotification(a, away, 1_000, 6_000).show).toBe(true);
    expect(decideAnswerNotification(a, away, 1_000, 3_000, 1_000).show).toBe(true); // a shorter cooldown
  });
});

describe('decideAnswerNotification: what it says', () => {
  it('says the answer failed, and why, for an error', () => {
    expect(
      decide({ status: 'error', content: '', error: { code: 'provider', message: 'Ollama is not running.' } }),
    ).toEqual({
      show: true,
      kind: 'error',
      title: 'Trip to Lisbon',
      body: 'The answer failed: Ollama is not running.',
      chatId: 'chat-1',
      link: 'hearth://chat/chat-1',
    });
    expect(decide({ status: 'error', error: null })).toMatchObject({ kind: 'error', body: 'The answer failed.' });
  });

  it('shortens a long answer to about 100 characters at a word', () => {
    const long =
      'Lisbon is built on seven hills, so comfortable shoes matter more than anything else you could pack for the trip.';
    const d = decide({ content: long });
    if (!d.show) throw new Error('expected a notification');
    expect(d.body).toBe(
      'Lisbon is built on seven hills, so comfortable shoes matter more than anything else you could pack…',
    );
    expect(d.body.length).toBeLessThanOrEqual(100);
  });

  it('falls back to a plain sentence for an empty answer and to “Hearth” for an untitled chat', () => {
    expect(decide({ content: '   ' })).toMatchObject({ body: 'The answer is ready.' });
    expect(decide({ chatTitle: null })).toMatchObject({ title: 'Hearth' });
    expect(decide({ chatTitle: '  \n ' })).toMatchObject({ title: 'Hearth' });
    expect(decide({ chatTitle: 'x'.repeat(200) })).toMatchObject({ title: `${'x'.repeat(79)}…` });
  });

  it('never passes HTML from the model into the notification', () => {
    const d = decide({
      content: '<img src=x onerror=alert(1)>Click <a href="https://evil.example">here</a> & <b>win</b>',
    });
    expect(d).toMatchObject({ body: 'Click here & win' });
  });

  it('escapes what is left for Linux, whose notification servers read the body as markup', () => {
    const d = decide({ content: 'Use `a < b && c > d` to compare' }, { platform: 'linux' });
    expect(d).toMatchObject({ body: 'Use a &lt; b &amp;&amp; c &gt; d to compare' });
    expect(decide({ content: 'a < b' }, { platform: 'darwin' })).toMatchObject({ body: 'a < b' });
  });
});

describe('createAnswerNotifier', () => {
  it('remembers the last notification per chat', () => {
    let t = 0;
    const n = createAnswerNotifier({ now: () => t });
    expect(n.decide(answer(), away).show).toBe(true);
    t = 2_000;
    expect(n.decide(answer(), away)).toEqual({ show: false, reason: 'too-soon' });
    expect(n.decide(answer({ chatId: 'chat-2' }), away).show).toBe(true);
    t = 5_000;
    expect(n.decide(answer(), away).show).toBe(true);
  });

  it('a quiet decision does not start the cooldown', () => {
    let t = 0;
    const n = createAnswerNotifier({ now: () => t });
    expect(n.decide(answer(), { ...away, windowVisible: true, windowFocused: true }).show).toBe(false);
    t = 100;
    expect(n.decide(answer(), away).show).toBe(true);
  });

  it('forgets the oldest chats past its memory', () => {
    let t = 0;
    const n = createAnswerNotifier({ now: () => t, memory: 2 });
    n.decide(answer({ chatId: 'a' }), away);
    n.decide(answer({ chatId: 'b' }), away);
    n.decide(answer({ chatId: 'c' }), away);
    t = 10;
    expect(n.decide(answer({ chatId: 'a' }), away).show).toBe(true); // forgotten
    expect(n.decide(answer({ chatId: 'c' }), away).show).toBe(false);
  });
});

describe('markdownToPlainText', () => {
  it.each([
    ['# Title\n\nSome **bold**, *italic*, _under_ and ~~gone~~ text.', 'Title Some bold, italic, under and gone text.'],
    ['Read [the docs](https://example.com "t") and ![a chart](x.png).', 'Read the docs and a chart.'],
    ['See <https://example.com>.', 'See https://example.com.'],
    ['- one\n- two\n1. three\n- [x] done', 'one two three done'],
    ['> quoted\n> > twice', 'quoted twice'],
    ['```ts\nconst a = 1;\n```\nafter', 'const a = 1; after'],
    ['Use `npm test` now', 'Use npm test now'],
    ['| a | b |\n|---|:--:|\n| 1 | 2 |', 'a b 1 2'],
    ['snake_case_name stays', 'snake_case_name stays'],
    ['2 * 3 * 4 = 24', '2 * 3 * 4 = 24'],
    ['Heading\n=======\ntext\n\n---\nmore', 'Heading text more'],
    ['<!-- hidden -->visible <script>x()</script>', 'visible x()'],
    ['Tom &amp; Jerry &lt;3 &#128512; &bogus;', 'Tom & Jerry <3 😀 &bogus;'],
    ['a\\*b\\* c', 'a*b* c'],
    ['line\u0000one\u2028two\u200b', 'line one two'],
    ['$$\nE = mc^2\n$$', 'E = mc^2'],
    ['[ref link][1]\n\n[1]: https://example.com', 'ref link'],
  ])('%j → %j', (md, plain) => {
    expect(markdownToPlainText(md)).toBe(plain);
  });
});

describe('truncate', () => {
  it('leaves short text alone and cuts long text with an ellipsis', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('abcdefghijkl', 10)).toBe('abcdefghi…');
    expect(truncate('one two three four five', 16)).toBe('one two three…');
    expect(truncate('one two three four five', 12)).toBe('one two thr…'); // no space near the end: cut mid-word
  });

  it('never cuts an emoji in half', () => {
    const t = truncate('🙂'.repeat(20), 10);
    expect(Array.from(t)).toHaveLength(10);
    expect(t).toBe(`${'🙂'.repeat(9)}…`);
  });
});
