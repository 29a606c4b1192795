/**
 * Images in chats, the chat slice against a fake client: `/image` and "Generate image" create the
 * chat first when there is none, go after the branch on screen (or the answer), show the turn and
 * remember its job; Retry retries the job, or (job unknown) makes the image again from the prompt
 * before the turn; the job of a turn is the newest one for its message.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Chat, Message } from '../../../../shared/types/domain';
import type { ImageJob } from '../../../../shared/types/images';

import { fake, calls, resetFake } from '../../testing/fake-client';
import { testMessage } from '../../testing/messages';

vi.mock('../../client', async () => (await import('../../testing/fake-client')).fakeClientModule);

const { createAppStore } = await import('../../app/store');
const { jobForMessage, jobIdForMessage } = await import('./image-jobs');
let store: ReturnType<typeof createAppStore>;

const chat = (id: string, p: Partial<Chat> = {}): Chat => ({
  id,
  title: 'New chat',
  model: null,
  createdAt: 1,
  updatedAt: 1,
  folderId: null,
  pinned: false,
  archived: false,
  tags: [],
  systemPrompt: null,
  params: {},
  currentLeafId: null,
  version: '000001',
  ...p,
});

const msg = (p: Partial<Message> & Pick<Message, 'id'>): Message =>
  testMessage({ chatId: 'c1', version: '000002', ...p });

const job = (p: Partial<ImageJob> & Pick<ImageJob, 'id'>): ImageJob => ({
  backendId: 'home',
  backendKind: 'a1111',
  backendLabel: 'Home',
  request: { prompt: 'a cat' },
  state: 'queued',
  progress: 0,
  etaSeconds: null,
  step: null,
  steps: null,
  imageIds: [],
  error: null,
  chatId: 'c1',
  messageId: 'img',
  createdAt: 10,
  startedAt: null,
  finishedAt: null,
  ...p,
});

let turn = 0;
/** The reply of images.generateInChat for the input it got (ids img, img2, img3… per call). */
function generated(input: unknown) {
  const n = ++turn === 1 ? '' : String(turn);
  const i = input as { chatId: string; parentId: string | null; asUserTurn?: boolean; prompt: string };
  const user = i.asUserTurn
    ? msg({
        id: 'q',
        chatId: i.chatId,
        parentId: i.parentId,
        role: 'user',
        content: `/image ${i.prompt}`,
        createdAt: 5,
      })
    : null;
  const assistant = msg({
    id: `img${n}`,
    chatId: i.chatId,
    parentId: user?.id ?? i.parentId,
    model: 'image:home',
    status: 'streaming',
    createdAt: 6,
  });
  return {
    job: job({ id: `j${turn}`, chatId: i.chatId, messageId: assistant.id }),
    userMessage: user,
    assistantMessage: assistant,
  };
}

/** A store with chat c1 open showing question → answer. */
async function openChat(extra: Message[] = []) {
  const rows = [
    msg({ id: 'u1', role: 'user', content: 'Describe a lighthouse', createdAt: 2 }),
    msg({ id: 'a1', parentId: 'u1', content: 'A white tower on a rock.', createdAt: 3 }),
    ...extra,
  ];
  fake.state.replies['chats.get'] = {
    chat: chat('c1', { currentLeafId: rows.at(-1)!.id }),
    messages: rows,
  };
  await store.getState().openChat('c1');
}

beforeEach(() => {
  resetFake();
  turn = 0;
  fake.state.replies = { 'chats.list': { chats: [], asOf: '0' } };
  store = createAppStore();
});

describe('generateImageInChat', () => {
  it('/image in a new conversation creates the chat first, then shows the prompt and the image turn', async () => {
    fake.state.replies['chats.create'] = (i: unknown) => chat((i as { id: string }).id);
    fake.state.replies['images.generateInChat'] = generated;
    const ok = await store.getState().generateImageInChat({ prompt: 'a cat', asUserTurn: true, backendId: 'home' });
    expect(ok).toBe(true);
    const [created] = calls('chats.create') as { id: string }[];
    expect(calls('images.generateInChat')).toEqual([
      { chatId: created!.id, prompt: 'a cat', parentId: null, asUserTurn: true, backendId: 'home' },
    ]);
    const s = store.getState();
    expect(s.activeChatId).toBe(created!.id);
    expect(s.messages.map((m) => [m.id, m.status])).toEqual([
      ['q', 'done'],
      ['img', 'streaming'],
    ]);
    expect(s.activeChat?.currentLeafId).toBe('img');
    expect(s.imageTurnJobs).toEqual({ img: 'j1' });
    // The images slice has the job at once (its events may come later).
    expect(s.imageJobs.map((j) => j.id)).toEqual(['j1']);
    expect(s.sending).toBe(false);
  });

  it('goes after the branch on screen, or after the answer "Generate image" was asked on', async () => {
    await openChat();
    fake.state.replies['images.generateInChat'] = generated;
    await store.getState().generateImageInChat({ prompt: 'a cat', asUserTurn: true });
    expect(calls('images.generateInChat')[0]).toEqual({
      chatId: 'c1',
      prompt: 'a cat',
      parentId: 'a1',
      asUserTurn: true,
    });
    expect(calls('chats.create')).toEqual([]);

    fake.state.calls = [];
    await store
      .getState()
      .generateImageInChat({ prompt: 'A white tower on a rock.', parentId: 'u1', backendId: 'home' });
    expect(calls('images.generateInChat')[0]).toEqual({
      chatId: 'c1',
      prompt: 'A white tower on a rock.',
      parentId: 'u1',
      backendId: 'home',
    });
    expect(store.getState().messages.map((m) => m.id)).toEqual(['u1', 'img2']);
  });

  it('a refusal is said in words and nothing is shown', async () => {
    await openChat();
    fake.state.replies['images.generateInChat'] = () => {
      throw new fake.ClientError('invalid_input', 'No image backend is configured.');
    };
    expect(await store.getState().generateImageInChat({ prompt: 'a cat', asUserTurn: true })).toBe(false);
    const s = store.getState();
    expect(s.chatError).toBe('No image backend is configured.');
    expect(s.messages.map((m) => m.id)).toEqual(['u1', 'a1']);
    expect(s.sending).toBe(false);
  });
});

describe('retryImageTurn', () => {
  const failedTurn = (p: Partial<Message> = {}) =>
    msg({
      id: 'img',
      parentId: 'q',
      model: 'image:home',
      status: 'error',
      error: { code: 'backend', message: 'out of memory' },
      createdAt: 6,
      ...p,
    });
  const question = msg({ id: 'q', parentId: 'a1', role: 'user', content: '/image a red fox', createdAt: 5 });

  it('retries the job the turn came from', async () => {
    await openChat([question, failedTurn()]);
    store.setState({ imageTurnJobs: { img: 'j1' } });
    fake.state.replies['images.retry'] = job({ id: 'j2', createdAt: 20 });
    expect(await store.getState().retryImageTurn('img')).toBe(true);
    expect(calls('images.retry')).toEqual([{ jobId: 'j1' }]);
    expect(store.getState().imageTurnJobs).toEqual({ img: 'j2' });
    expect(calls('images.generateInChat')).toEqual([]);
  });

  it('makes the image again from the prompt before the turn when its job is not known', async () => {
    await openChat([question, failedTurn()]);
    fake.state.replies['images.generateInChat'] = generated;
    expect(await store.getState().retryImageTurn('img')).toBe(true);
    expect(calls('images.generateInChat')).toEqual([
      { chatId: 'c1', prompt: 'a red fox', parentId: 'q', backendId: 'home' },
    ]);
  });

  it('falls back to the prompt when the app no longer knows the job (after a restart)', async () => {
    await openChat([question, failedTurn()]);
    store.setState({ imageTurnJobs: { img: 'old' } });
    fake.state.replies['images.retry'] = () => {
      throw new fake.ClientError('not_found', 'That image job is not known.');
    };
    fake.state.replies['images.generateInChat'] = generated;
    expect(await store.getState().retryImageTurn('img')).toBe(true);
    expect(calls('images.generateInChat')).toHaveLength(1);
  });

  it('says so when the prompt is gone', async () => {
    await openChat([failedTurn({ parentId: 'missing' })]);
    expect(await store.getState().retryImageTurn('img')).toBe(false);
    expect(store.getState().chatError).toMatch(/prompt/);
  });
});

describe('the job of an image turn', () => {
  it('is the newest the images slice knows, unless this window started one it has not heard of', () => {
    const jobs = [job({ id: 'j1', createdAt: 10, state: 'error' }), job({ id: 'j2', createdAt: 20, state: 'running' })];
    const s = { imageTurnJobs: {} as Record<string, string>, imageJobs: jobs };
    expect(jobIdForMessage(s, 'img')).toBe('j2');
    expect(jobForMessage(s, 'img')?.state).toBe('running');
    expect(jobIdForMessage({ ...s, imageTurnJobs: { img: 'j1' } }, 'img')).toBe('j2');
    expect(jobIdForMessage({ ...s, imageTurnJobs: { img: 'j3' } }, 'img')).toBe('j3');
    expect(jobForMessage({ ...s, imageTurnJobs: { img: 'j3' } }, 'img')).toBeNull();
    expect(jobIdForMessage({ imageTurnJobs: {}, imageJobs: [] }, 'img')).toBeNull();
    expect(jobIdForMessage({ imageTurnJobs: { img: 'j9' }, imageJobs: [] }, 'img')).toBe('j9');
  });
});
