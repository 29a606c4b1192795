import { describe, expect, it } from 'vitest';
import { IMAGE_LIMIT_BYTES, TEXT_LIMIT_BYTES } from '../limits';
import {
  QUICK_ATTACHMENTS_MAX,
  initialQuickPromptState,
  quickPromptReducer,
  type QuickPromptEffect,
  type QuickPromptEvent,
  type QuickPromptState,
} from './quick-prompt';

const IDS = { chat: 'c-1', user: 'u-1', assistant: 'a-1' };
const IDS2 = { chat: 'c-2', user: 'u-2', assistant: 'a-2' };

/** Runs events in order; returns the final state and every effect asked for. */
function run(events: QuickPromptEvent[], start: QuickPromptState = initialQuickPromptState('ollama/llama3.2')) {
  let state = start;
  const effects: QuickPromptEffect[] = [];
  for (const e of events) {
    const r = quickPromptReducer(state, e);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state, effects };
}
const step = (state: QuickPromptState, e: QuickPromptEvent) => quickPromptReducer(state, e);

const shown = run([{ type: 'shortcut', focused: false }]).state;
const asked = run(
  [
    { type: 'input', text: 'What is WAL?' },
    { type: 'submit', ids: IDS },
  ],
  shown,
).state;

describe('quick prompt: showing and hiding', () => {
  it('starts hidden and empty', () => {
    expect(initialQuickPromptState(null)).toMatchObject({ visible: false, phase: 'empty', draft: '', chatId: null });
  });

  it('the shortcut shows it, focused on the input', () => {
    const r = step(initialQuickPromptState('m'), { type: 'shortcut', focused: false });
    expect(r.state).toMatchObject({ visible: true, phase: 'empty' });
    expect(r.effects).toEqual([{ type: 'show-window' }, { type: 'focus-input' }]);
  });

  it('the shortcut again hides it; pressed while another app has the focus, it brings it forward instead', () => {
    expect(step(shown, { type: 'shortcut', focused: true })).toEqual({
      state: { ...shown, visible: false },
      effects: [{ type: 'hide-window' }],
    });
    expect(step(shown, { type: 'shortcut', focused: false })).toEqual({
      state: shown,
      effects: [{ type: 'show-window' }, { type: 'focus-input' }],
    });
  });

  it('Esc hides it but keeps the draft and attachments; the shortcut brings them back', () => {
    const { state, effects } = run(
      [
        { type: 'input', text: 'half a thought' },
        { type: 'clipboard', content: { kind: 'text', text: 'copied' } },
        { type: 'escape' },
      ],
      shown,
    );
    expect(effects.at(-1)).toEqual({ type: 'hide-window' });
    expect(state).toMatchObject({ visible: false, phase: 'typing', draft: 'half a thought' });
    expect(state.attachments).toHaveLength(1);
    const back = step(state, { type: 'shortcut', focused: false }).state;
    expect(back).toMatchObject({ visible: true, phase: 'typing', draft: 'half a thought' });
  });

  it('a click elsewhere hides it the same way; Esc while hidden does nothing', () => {
    expect(step(shown, { type: 'blur' }).state.visible).toBe(false);
    expect(step(initialQuickPromptState(), { type: 'escape' }).effects).toEqual([]);
  });

  it('the tray item opens it and never toggles it shut', () => {
    expect(step(shown, { type: 'open' })).toMatchObject({ state: { visible: true } });
  });

  it('hiding while an answer streams lets the answer go on; it is there when shown again', () => {
    const { state } = run(
      [
        { type: 'escape' },
        { type: 'delta', messageId: 'a-1', offset: 0, delta: 'Write-ahead ' },
        { type: 'delta', messageId: 'a-1', offset: 12, delta: 'logging.' },
        { type: 'shortcut', focused: false },
      ],
      asked,
    );
    expect(state).toMatchObject({ visible: true, phase: 'streaming', answer: 'Write-ahead logging.' });
  });
});

describe('quick prompt: asking', () => {
  it('typing moves from empty to typing and back', () => {
    const typing = step(shown, { type: 'input', text: 'Hi' }).state;
    expect(typing.phase).toBe('typing');
    expect(step(typing, { type: 'input', text: '  ' }).state.phase).toBe('empty');
  });

  it('Enter sends the question to a new chat with the caller’s ids and clears the input', () => {
    const r = run(
      [
        { type: 'input', text: '  What is WAL?  ' },
        { type: 'submit', ids: IDS },
      ],
      shown,
    );
    expect(r.effects).toEqual([
      {
        type: 'send',
        chatId: null,
        ids: IDS,
        model: 'ollama/llama3.2',
        prompt: 'What is WAL?',
        attachments: [],
      },
    ]);
    expect(r.state).toMatchObject({
      phase: 'streaming',
      chatId: 'c-1',
      messageId: 'a-1',
      question: 'What is WAL?',
      draft: '',
      answer: '',
    });
  });

  it('Enter on an empty input does nothing', () => {
    expect(step(shown, { type: 'submit', ids: IDS })).toEqual({ state: shown, effects: [] });
  });

  it('without a model it says to choose one, keeping the draft; choosing one clears the message', () => {
    const noModel = run(
      [
        { type: 'shortcut', focused: false },
        { type: 'input', text: 'Hi' },
      ],
      initialQuickPromptState(null),
    ).state;
    const r = step(noModel, { type: 'submit', ids: IDS });
    expect(r.effects).toEqual([]);
    expect(r.state).toMatchObject({ phase: 'error', error: 'Choose a model first.', draft: 'Hi' });
    expect(step(r.state, { type: 'set-model', model: 'openai/gpt-4o' }).state).toMatchObject({
      phase: 'typing',
      error: null,
      model: 'openai/gpt-4o',
    });
  });

  it('streams the answer in, then shows it as answered', () => {
    const { state } = run(
      [
        { type: 'delta', messageId: 'a-1', offset: 0, delta: 'Write-' },
        { type: 'delta', messageId: 'a-1', offset: 6, delta: 'ahead' },
        { type: 'done', messageId: 'a-1', status: 'done', content: 'Write-ahead logging.', error: null },
      ],
      asked,
    );
    expect(state).toMatchObject({ phase: 'answered', answer: 'Write-ahead logging.', answerStatus: 'done' });
  });

  it('ignores deltas of other messages, repeated deltas and deltas after a gap', () => {
    const { state } = run(
      [
        { type: 'delta', messageId: 'someone-else', offset: 0, delta: 'NO' },
        { type: 'delta', messageId: 'a-1', offset: 0, delta: 'ab' },
        { type: 'delta', messageId: 'a-1', offset: 0, delta: 'ab' },
        { type: 'delta', messageId: 'a-1', offset: 9, delta: 'gap' },
        { type: 'delta', messageId: 'a-1', offset: 2, delta: 'c' },
      ],
      asked,
    );
    expect(state.answer).toBe('abc');
  });

  it('a follow-up goes to the same chat, and the last answer stays on screen while typing it', () => {
    const answered = run(
      [{ type: 'done', messageId: 'a-1', status: 'done', content: 'WAL is…', error: null }],
      asked,
    ).state;
    const typing = step(answered, { type: 'input', text: 'And in Postgres?' }).state;
    expect(typing).toMatchObject({ phase: 'typing', answer: 'WAL is…' });
    const r = step(typing, { type: 'submit', ids: IDS2 });
    expect(r.effects).toEqual([
      {
        type: 'send',
        chatId: 'c-1',
        ids: { user: 'u-2', assistant: 'a-2' },
        model: 'ollama/llama3.2',
        prompt: 'And in Postgres?',
        attachments: [],
      },
    ]);
    expect(r.state).toMatchObject({ chatId: 'c-1', messageId: 'a-2', answer: '' });
  });

  it('does not send a second question while one is being answered, and says so', () => {
    const typing = step(asked, { type: 'input', text: 'next' }).state;
    const r = step(typing, { type: 'submit', ids: IDS2 });
    expect(r.effects).toEqual([]);
    expect(r.state).toMatchObject({
      phase: 'streaming',
      draft: 'next',
      notice: 'Wait for this answer to finish, or stop it.',
    });
  });

  it('stop asks to stop the answer; a stopped answer keeps its text', () => {
    expect(step(asked, { type: 'stop' }).effects).toEqual([{ type: 'stop', messageId: 'a-1' }]);
    expect(step(shown, { type: 'stop' }).effects).toEqual([]);
    const { state } = run(
      [
        { type: 'delta', messageId: 'a-1', offset: 0, delta: 'Part' },
        { type: 'done', messageId: 'a-1', status: 'stopped', content: 'Part', error: null },
      ],
      asked,
    );
    expect(state).toMatchObject({ phase: 'answered', answer: 'Part', answerStatus: 'stopped' });
  });
});

describe('quick prompt: errors', () => {
  it('an answer that fails shows why and keeps what was written', () => {
    const { state } = run(
      [
        { type: 'delta', messageId: 'a-1', offset: 0, delta: 'Partial' },
        { type: 'done', messageId: 'a-1', status: 'error', content: 'Partial', error: { message: 'Ollama stopped.' } },
      ],
      asked,
    );
    expect(state).toMatchObject({ phase: 'error', error: 'Ollama stopped.', answer: 'Partial', answerStatus: 'error' });
    // Typing again moves on.
    expect(step(state, { type: 'input', text: 'retry' }).state).toMatchObject({ phase: 'typing', error: null });
  });

  it('a question that could not be sent comes back into the input, attachments too', () => {
    const withClip = run(
      [
        { type: 'input', text: 'Summarise this' },
        { type: 'clipboard', content: { kind: 'text', text: 'long text' } },
        { type: 'submit', ids: IDS },
        { type: 'send-failed', message: 'Hearth could not reach Ollama.' },
      ],
      shown,
    ).state;
    expect(withClip).toMatchObject({
      phase: 'error',
      draft: 'Summarise this',
      error: 'Hearth could not reach Ollama.',
      chatId: null, // the chat it would have created does not exist
      messageId: null,
    });
    expect(withClip.attachments.map((a) => a.name)).toEqual(['Clipboard.txt']);
  });

  it('a follow-up that could not be sent keeps the chat', () => {
    const answered = run([{ type: 'done', messageId: 'a-1', status: 'done', content: 'x', error: null }], asked).state;
    const { state } = run(
      [
        { type: 'input', text: 'more' },
        { type: 'submit', ids: IDS2 },
        { type: 'send-failed', message: '' },
      ],
      answered,
    );
    expect(state).toMatchObject({ chatId: 'c-1', draft: 'more', error: 'The question could not be sent.' });
  });

  it('a late failure after the answer began is ignored (the answer’s own end says how it went)', () => {
    const { state } = run(
      [
        { type: 'delta', messageId: 'a-1', offset: 0, delta: 'ok' },
        { type: 'send-failed', message: 'late' },
      ],
      asked,
    );
    expect(state).toMatchObject({ phase: 'streaming', error: null, answer: 'ok' });
  });

  it('dismiss clears the message', () => {
    const failed = run([{ type: 'send-failed', message: 'x' }], asked).state;
    expect(step(failed, { type: 'dismiss' }).state).toMatchObject({ phase: 'typing', error: null });
  });
});

describe('quick prompt: continue in the main window (Ctrl/Cmd+Enter)', () => {
  it('opens the chat in the main window and starts afresh', () => {
    const answered = run([{ type: 'done', messageId: 'a-1', status: 'done', content: 'x', error: null }], asked).state;
    const r = step(answered, { type: 'continue-in-main' });
    expect(r.effects).toEqual([
      { type: 'hide-window' },
      { type: 'open-in-main', chatId: 'c-1', draft: '', attachments: [] },
    ]);
    expect(r.state).toEqual(initialQuickPromptState('ollama/llama3.2'));
  });

  it('carries an unsent draft along, and works while the answer is still streaming', () => {
    const typing = step(asked, { type: 'input', text: 'follow-up' }).state;
    expect(step(typing, { type: 'continue-in-main' }).effects).toContainEqual({
      type: 'open-in-main',
      chatId: 'c-1',
      draft: 'follow-up',
      attachments: [],
    });
  });

  it('before any question, opens a new chat with the draft in the main window', () => {
    const typing = step(shown, { type: 'input', text: 'Draft me' }).state;
    expect(step(typing, { type: 'continue-in-main' }).effects).toContainEqual({
      type: 'open-in-main',
      chatId: null,
      draft: 'Draft me',
      attachments: [],
    });
  });

  it('with nothing to carry, does nothing', () => {
    expect(step(shown, { type: 'continue-in-main' })).toEqual({ state: shown, effects: [] });
  });
});

describe('quick prompt: clipboard', () => {
  it('asks for the clipboard, then attaches text and images with plain names', () => {
    expect(step(shown, { type: 'attach-clipboard' }).effects).toEqual([{ type: 'read-clipboard' }]);
    const { state } = run(
      [
        { type: 'clipboard', content: { kind: 'text', text: 'héllo' } },
        {
          type: 'clipboard',
          content: { kind: 'image', mime: 'image/png', dataBase64: 'iVBO', size: 3, width: 2, height: 2 },
        },
        { type: 'clipboard', content: { kind: 'text', text: 'again' } },
        {
          type: 'clipboard',
          content: { kind: 'image', mime: 'image/jpeg', dataBase64: '/9j/', size: 3, width: 2, height: 2 },
        },
      ],
      shown,
    );
    expect(state.attachments.map((a) => [a.name, a.kind, a.size])).toEqual([
      ['Clipboard.txt', 'text', 6],
      ['Clipboard.png', 'image', 3],
      ['Clipboard 2.txt', 'text', 5],
      ['Clipboard 2.jpg', 'image', 3],
    ]);
    expect(state.phase).toBe('typing'); // attachments alone can be sent
  });

  it('sends attachments with the question, even without text', () => {
    const { effects } = run(
      [
        { type: 'clipboard', content: { kind: 'text', text: 'notes' } },
        { type: 'submit', ids: IDS },
      ],
      shown,
    );
    expect(effects.at(-1)).toMatchObject({
      type: 'send',
      prompt: '',
      attachments: [{ name: 'Clipboard.txt', data: 'notes' }],
    });
  });

  it('says so when the clipboard is empty or too large', () => {
    expect(step(shown, { type: 'clipboard', content: { kind: 'empty' } }).state.notice).toBe('The clipboard is empty.');
    expect(step(shown, { type: 'clipboard', content: { kind: 'text', text: ' \n' } }).state.notice).toBe(
      'The clipboard is empty.',
    );
    expect(
      step(shown, { type: 'clipboard', content: { kind: 'text', text: 'x'.repeat(TEXT_LIMIT_BYTES + 1) } }).state
        .notice,
    ).toBe('The copied text is larger than 256 KB; attach a shorter part.');
    expect(
      step(shown, {
        type: 'clipboard',
        content: { kind: 'image', mime: 'image/png', dataBase64: '', size: IMAGE_LIMIT_BYTES + 1, width: 1, height: 1 },
      }).state.notice,
    ).toBe('The copied image is larger than 20 MB.');
  });

  it('stops at the attachment limit, and attachments can be removed', () => {
    let s = shown;
    for (let i = 0; i < QUICK_ATTACHMENTS_MAX + 1; i++)
      s = step(s, { type: 'clipboard', content: { kind: 'text', text: `t${i}` } }).state;
    expect(s.attachments).toHaveLength(QUICK_ATTACHMENTS_MAX);
    expect(s.notice).toBe(`At most ${QUICK_ATTACHMENTS_MAX} attachments per message.`);
    const fewer = step(s, { type: 'remove-attachment', index: 0 }).state;
    expect(fewer.attachments).toHaveLength(QUICK_ATTACHMENTS_MAX - 1);
    expect(fewer.attachments[0]!.data).toBe('t1');
    expect(step(fewer, { type: 'remove-attachment', index: 99 }).state).toBe(fewer);
  });
});

describe('quick prompt: new chat', () => {
  it('starts over, keeping the model and the window', () => {
    const r = step(asked, { type: 'new-chat' });
    expect(r.state).toEqual({ ...initialQuickPromptState('ollama/llama3.2'), visible: true });
    expect(r.effects).toEqual([{ type: 'focus-input' }]);
    // The old answer's events no longer show here.
    expect(step(r.state, { type: 'delta', messageId: 'a-1', offset: 0, delta: 'x' }).state.answer).toBe('');
  });
});
