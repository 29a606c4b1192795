import { describe, expect, it } from 'vitest';
import type { Message } from '../../../../shared/types/domain';
import type { ImageBackendView } from '../../../../shared/types/images';
import {
  ANSWER_PROMPT_CHARS,
  answerPrompt,
  imageTurnBackendId,
  isImageTurn,
  parseImageCommand,
  pickImageBackend,
  promptBefore,
} from './image-command';
import type { ImageJob } from '../../../../shared/types/images';
import { turnProgress } from './image-progress-text';
import { testMessage } from '../../testing/messages';

describe('parseImageCommand', () => {
  it('takes the words after /image as the prompt', () => {
    expect(parseImageCommand('/image a cat')).toEqual({ prompt: 'a cat' });
    expect(parseImageCommand('/image   a cat on a mat  ')).toEqual({ prompt: 'a cat on a mat' });
    expect(parseImageCommand('/image a cat\nwith a hat')).toEqual({ prompt: 'a cat\nwith a hat' });
    expect(parseImageCommand('/image\na cat')).toEqual({ prompt: 'a cat' });
  });

  it('allows spaces before the command', () => {
    expect(parseImageCommand('   /image a cat')).toEqual({ prompt: 'a cat' });
    expect(parseImageCommand('\n /image a cat')).toEqual({ prompt: 'a cat' });
  });

  it('says what is missing when there is no prompt', () => {
    for (const text of ['/image', '/image ', '  /image   ', '/image\n']) {
      const r = parseImageCommand(text);
      expect(r && 'error' in r && r.error).toMatch(/after \/image/);
    }
  });

  it('is not a command otherwise', () => {
    for (const text of [
      '/imagefoo',
      '/images of cats',
      'image a cat',
      'draw /image a cat',
      '',
      '/Image a cat',
      '//image a',
    ])
      expect(parseImageCommand(text)).toBeNull();
  });
});

const msg = (p: Partial<Message>): Message => testMessage(p);

describe('image turns', () => {
  it('are assistant messages whose model is image:<backend id>', () => {
    expect(isImageTurn(msg({ model: 'image:a1111-home' }))).toBe(true);
    expect(imageTurnBackendId(msg({ model: 'image:a1111-home' }))).toBe('a1111-home');
    expect(isImageTurn(msg({ model: 'ollama/llama3.2:latest' }))).toBe(false);
    expect(isImageTurn(msg({ model: null }))).toBe(false);
    expect(isImageTurn(msg({ role: 'user', model: 'image:x' }))).toBe(false);
    expect(imageTurnBackendId(msg({ model: 'ollama/x' }))).toBeNull();
    expect(imageTurnBackendId(msg({ model: 'image:' }))).toBeNull();
  });

  it('are made again from the prompt before them', () => {
    const question = msg({ id: 'u', role: 'user', content: '/image a red fox' });
    const plain = msg({ id: 'p', role: 'user', content: '  a blue fox ' });
    const answer = msg({ id: 'a', content: 'x'.repeat(ANSWER_PROMPT_CHARS + 50) });
    const all = [question, plain, answer];
    expect(promptBefore({ parentId: 'u' }, all)).toBe('a red fox');
    expect(promptBefore({ parentId: 'p' }, all)).toBe('a blue fox');
    expect(promptBefore({ parentId: 'a' }, all)).toHaveLength(ANSWER_PROMPT_CHARS);
    expect(promptBefore({ parentId: 'gone' }, all)).toBeNull();
    expect(promptBefore({ parentId: null }, all)).toBeNull();
    expect(promptBefore({ parentId: 'u' }, [msg({ id: 'u', role: 'user', content: '/image' })])).toBeNull();
  });

  it('"Generate image" sends the first 4,000 characters of the answer', () => {
    expect(answerPrompt('  hello  ')).toBe('hello');
    expect(answerPrompt('a'.repeat(5000))).toBe('a'.repeat(4000));
  });
});

describe('pickImageBackend', () => {
  const b = (id: string) => ({ id, label: id }) as ImageBackendView;
  it('uses the backend last used on the Images page when it still exists, else the first', () => {
    expect(pickImageBackend([b('one'), b('two')], 'two')?.id).toBe('two');
    expect(pickImageBackend([b('one'), b('two')], 'gone')?.id).toBe('one');
    expect(pickImageBackend([b('one'), b('two')], null)?.id).toBe('one');
    expect(pickImageBackend([], 'two')).toBeNull();
  });
});

describe('progress words', () => {
  const job = (p: Partial<ImageJob>) =>
    ({ state: 'running', progress: 0, etaSeconds: null, step: null, steps: null, ...p }) as ImageJob;
  const live = (
    p: Partial<{ progress: number; etaSeconds: number | null; step: number | null; steps: number | null }>,
  ) => ({
    progress: 0,
    etaSeconds: null,
    step: null,
    steps: null,
    ...p,
  });

  it('say the step and the percentage', () => {
    expect(turnProgress(job({}), live({ progress: 0.4, step: 12, steps: 30 }))).toEqual({
      text: 'Step 12 of 30 · 40%',
      percent: 40,
    });
    expect(turnProgress(null, live({ progress: 0.5, etaSeconds: 42.4 })).text).toBe('50% · about 42 s left');
  });

  it('use the job’s own numbers until a progress event comes', () => {
    expect(turnProgress(job({ progress: 0.25, step: 5, steps: 20 }), null)).toEqual({
      text: 'Step 5 of 20 · 25%',
      percent: 25,
    });
  });

  it('say when the job waits or has not started', () => {
    expect(turnProgress(job({ state: 'queued' }), null)).toEqual({
      text: 'Waiting for the image backend…',
      percent: null,
    });
    expect(turnProgress(null, null)).toEqual({ text: 'Starting…', percent: null });
    expect(turnProgress(job({}), live({}))).toEqual({ text: 'Starting…', percent: null });
    expect(turnProgress(job({}), live({ step: 0, steps: 20 })).text).toBe('Step 0 of 20 · 0%');
  });

  it('keep numbers in range', () => {
    expect(turnProgress(job({}), live({ progress: 1.3, step: 31, steps: 30 })).text).toBe('Step 30 of 30 · 100%');
  });
});
