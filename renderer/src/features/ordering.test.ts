/**
 * Replies to calls and events travel separately (HTTP and a WebSocket, or two IPC channels), so a
 * reply can arrive before or after any event sent after it was read. Whatever the order, what the
 * slices show must be the newest version of every row. Property-based: a server timeline of
 * changes (events, in order, as one channel delivers them) and replies read at random points of it
 * that arrive at random points, in every order fast-check finds. The races fixed one by one before
 * (a late chats.list, a late models.list, a late first Ollama status, a message sent while its new
 * chat was being prepared) are named cases at the end.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventName, EventPayload, MethodName } from '../../../shared/contract';
import type { Chat, Message, OllamaStatus } from '../../../shared/types/domain';

type Listener = (payload: unknown) => void;
type Pending = { method: string; input: unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void };

/** The transport, played by the test: calls wait until the test answers them; events are emitted by hand. */
const fake = vi.hoisted(() => {
  const state = {
    pending: [] as Pending[],
    listeners: new Map<string, Set<Listener>>(),
    /** Answers calls the test does not hold (re-reads, counts) at once; undefined: hold them. */
    answer: null as null | ((method: string, input: unknown) => unknown),
  };
  const client = {
    call(method: string, input: unknown) {
      return new Promise((resolve, reject) => {
        const now = state.answer?.(method, input);
        if (now !== undefined) return resolve(now);
        state.pending.push({ method, input, resolve, reject });
      });
    },
    on(event: string, listener: Listener) {
      if (!state.listeners.has(event)) state.listeners.set(event, new Set());
      state.listeners.get(event)!.add(listener);
      return () => state.listeners.get(event)!.delete(listener);
    },
  };
  return { state, client };
});

vi.mock('../client', () => ({
  client: fake.client,
  onConnectionChange: () => () => {},
  ClientError: class ClientError extends Error {},
  transport: 'http',
}));

const { createAppStore, wireEvents } = await import('../app/store');
type Store = ReturnType<typeof createAppStore>;

function emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
  for (const l of fake.state.listeners.get(event) ?? []) l(payload);
}

/** Let promise callbacks (a reply being applied) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function takePending(method: MethodName): Pending {
  const i = fake.state.pending.findIndex((p) => p.method === method);
  if (i < 0) throw new Error(`no ${method} call is waiting; waiting: ${fake.state.pending.map((p) => p.method)}`);
  return fake.state.pending.splice(i, 1)[0]!;
}

let store: Store;
/** A new store wired to the fake transport, nothing pending. */
function freshStore(): void {
  fake.state.listeners.clear();
  fake.state.pending = [];
  store = createAppStore();
  wireEvents(store.getState, fake.client.on as never);
}
beforeEach(() => {
  vi.useFakeTimers();
  fake.state.pending = [];
  fake.state.listeners.clear();
  fake.state.answer = (method) => {
    if (method === 'folders.list') return { folders: [], asOf: '0' };
    if (method === 'tags.list') return { tags: [], asOf: '0' };
    return undefined;
  };
  freshStore();
});
afterEach(() => {
  vi.useRealTimers();
});

const v = (n: number) => String(n).padStart(6, '0');

function chatRow(id: string, n: number, patch: Partial<Chat> = {}): Chat {
  return {
    id,
    title: `${id} v${n}`,
    model: null,
    createdAt: 1000,
    updatedAt: 1000 + n,
    folderId: null,
    pinned: false,
    archived: false,
    tags: [],
    systemPrompt: null,
    params: {},
    currentLeafId: null,
    version: v(n),
    ...patch,
  };
}

/* ─── The sidebar: chats changed, archived, deleted and restored while lists are out ─── */

type ChatOp = { chat: number; kind: 'rename' | 'pin' | 'archive' | 'delete' | 'restore' };

const chatOp = fc.record({
  chat: fc.integer({ min: 0, max: 3 }),
  kind: fc.constantFrom<ChatOp['kind']>('rename', 'pin', 'archive', 'delete', 'restore'),
});

/** The server: rows after each op, and the event each op sent. */
function chatTimeline(ops: ChatOp[]) {
  let clock = 10;
  let rows = ['a', 'b', 'c', 'd'].map((id, i) => ({ row: chatRow(id, i + 1), deleted: false }));
  const states = [rows];
  const events: (() => void)[] = [];
  for (const op of ops) {
    rows = rows.map((r) => ({ ...r }));
    const r = rows[op.chat]!;
    const n = ++clock;
    if (op.kind === 'delete') {
      if (r.deleted) continue;
      r.deleted = true;
      r.row = { ...r.row, version: v(n) };
      const id = r.row.id;
      events.push(() => emit('chat.deleted', { id, version: v(n) }));
    } else {
      if (op.kind !== 'restore' && r.deleted) continue;
      r.deleted = false;
      r.row = {
        ...r.row,
        version: v(n),
        ...(op.kind === 'rename' ? { title: `${r.row.id} v${n}` } : {}),
        ...(op.kind === 'pin' ? { pinned: !r.row.pinned } : {}),
        ...(op.kind === 'archive' ? { archived: !r.row.archived } : {}),
      };
      const chat = r.row;
      events.push(() => emit('chat.updated', { chat }));
    }
    states.push(rows);
  }
  /** chats.list as the server answers it with the rows of one moment. */
  const listAt = (k: number) => {
    const { compareChats } = sidebar;
    const chats = states[k]!.filter((r) => !r.deleted && !r.row.archived)
      .map((r) => r.row)
      .sort(compareChats);
    return { chats, hasMore: false };
  };
  return { events, states, listAt };
}

const sidebar = await import('./sidebar/sidebar-slice');

/** Deliver events in order, with each reply (read at `at`) arriving before event `arrive`. */
async function deliver(
  events: (() => void)[],
  replies: { at: number; arrive: number; answer: () => void }[],
): Promise<void> {
  for (let i = 0; i <= events.length; i++) {
    for (const r of replies.filter((x) => x.arrive === i)) {
      r.answer();
      await settle();
    }
    if (i < events.length) events[i]!();
  }
  await settle();
}

describe('the sidebar shows the newest version of every chat, whatever the order', () => {
  it('lists read at any moment, arriving at any moment, among chat events', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(chatOp, { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 3 }),
        async (ops, picks) => {
          freshStore();
          const t = chatTimeline(ops);
          const n = t.events.length;
          // Each list call was read by the server at `at` (after that many events) and arrives before event `arrive`.
          const replies = picks.map(([a, b]) => {
            const at = a % (n + 1);
            void store.getState().loadChats();
            const call = takePending('chats.list');
            return { at, arrive: b % (n + 1), answer: () => call.resolve(t.listAt(at)) };
          });
          await deliver(t.events, replies);
          const want = t.listAt(n).chats.map((c) => [c.id, c.title, c.version, c.pinned]);
          const shown = store.getState().chats.map((c) => [c.id, c.title, c.version, c.pinned]);
          expect(shown).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('late chats.list: a chat made in another window while the first list was out stays', async () => {
    void store.getState().loadChats();
    const call = takePending('chats.list');
    emit('chat.updated', { chat: chatRow('new', 50) });
    call.resolve({ chats: [chatRow('old', 1)], hasMore: false });
    await settle();
    expect(store.getState().chats.map((c) => c.id)).toEqual(['new', 'old']);
  });

  it('a chat deleted while the list was out does not come back with it', async () => {
    void store.getState().loadChats();
    const call = takePending('chats.list');
    emit('chat.deleted', { id: 'gone', version: v(9) });
    call.resolve({ chats: [chatRow('gone', 1), chatRow('kept', 2)], hasMore: false });
    await settle();
    expect(store.getState().chats.map((c) => c.id)).toEqual(['kept']);
  });
});

/* ─── The open chat: an answer streaming while the chat is read ─── */

function messageRow(id: string, n: number, patch: Partial<Message> = {}): Message {
  return {
    id,
    chatId: 'x',
    parentId: null,
    role: 'user',
    content: '',
    model: null,
    status: 'done',
    error: null,
    stats: null,
    createdAt: n,
    updatedAt: n,
    thinking: null,
    thinkingMs: null,
    trimmed: 0,
    attachments: [],
    version: v(n),
    ...patch,
  };
}

/**
 * The server side of one conversation: a question, an answer streamed in `pieces`, then done; a
 * second question answered the same way. Every moment's state is kept for replies read then.
 */
function conversationTimeline(pieces: string[][]) {
  let clock = 100;
  const messages = new Map<string, Message>();
  let chat = chatRow('x', 1);
  const states: { chat: Chat; messages: Message[] }[] = [];
  const events: (() => void)[] = [];
  const snapshot = () => states.push({ chat, messages: [...messages.values()].map((m) => ({ ...m })) });
  snapshot();
  let parent: string | null = null;
  pieces.forEach((answer, turn) => {
    const q = messageRow(`q${turn}`, ++clock, { parentId: parent, content: `question ${turn}` });
    const a = messageRow(`a${turn}`, ++clock, { parentId: q.id, role: 'assistant', status: 'streaming' });
    chat = chatRow('x', ++clock, { currentLeafId: a.id });
    const created = [q, a].map((m) => ({ ...m }));
    const updated = chat;
    messages.set(q.id, q);
    messages.set(a.id, a);
    events.push(() => {
      for (const message of created) emit('message.created', { message });
      emit('chat.updated', { chat: updated });
    });
    snapshot();
    let text = '';
    for (const piece of answer) {
      const offset = text.length;
      text += piece;
      a.content = text; // a reply read now carries the live text (chats.get does)
      events.push(() => emit('message.delta', { chatId: 'x', messageId: a.id, offset, delta: piece }));
      snapshot();
    }
    const done = ++clock;
    Object.assign(a, { status: 'done', version: v(done) });
    const final = text;
    events.push(() =>
      emit('message.done', {
        chatId: 'x',
        messageId: a.id,
        status: 'done',
        content: final,
        error: null,
        stats: null,
        version: v(done),
      }),
    );
    snapshot();
    parent = a.id;
  });
  return { events, states };
}

describe('the open chat shows the newest version of every message, whatever the order', () => {
  it('chats.get read at any moment of a streaming answer, arriving at any moment', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 0, maxLength: 5 }), {
          minLength: 1,
          maxLength: 2,
        }),
        fc.nat(),
        fc.nat(),
        async (pieces, a, b) => {
          freshStore();
          const t = conversationTimeline(pieces);
          const n = t.events.length;
          let delivered = 0;
          let gets = 0;
          // The first read is held until its arrival; a second read (the first reply was stale, or
          // streamed text could not be placed) is answered at once with the state of that moment.
          fake.state.answer = (method) => {
            if (method === 'chats.get') return gets++ === 0 ? undefined : t.states[Math.min(delivered, n)];
            if (method === 'folders.list') return { folders: [], asOf: '0' };
            if (method === 'tags.list') return { tags: [], asOf: '0' };
            if (method === 'chats.list') return { chats: [], hasMore: false };
            return undefined;
          };
          const at = a % (n + 1);
          void store.getState().openChat('x');
          const first = takePending('chats.get');
          const events = t.events.map((e) => () => {
            e();
            delivered++;
          });
          await deliver(events, [{ at, arrive: b % (n + 1), answer: () => first.resolve(t.states[at]) }]);
          await vi.runAllTimersAsync(); // deltas are applied in batches
          await settle();
          const want = t.states[n]!.messages.map((m) => [m.id, m.status, m.content, m.version]);
          const shown = store.getState().tree.map((m) => [m.id, m.status, m.content, m.version]);
          expect(shown).toEqual(want);
          expect(store.getState().messages.map((m) => m.id)).toEqual(want.map((m) => m[0]));
        },
      ),
      { numRuns: 300 },
    );
  });
});

/* ─── Named cases from the history ─── */

function status(run: string, seq: number, state: 'starting' | 'running'): OllamaStatus {
  return {
    run,
    seq,
    mode: 'bundled',
    servers: [{ providerId: 'ollama', label: 'Ollama', kind: 'bundled', state, baseUrl: null }],
  } as unknown as OllamaStatus;
}

describe('races fixed before, as named cases', () => {
  it('late models.list: an older list that arrives last does not replace the newer one', async () => {
    void store.getState().loadModels();
    const older = takePending('models.list');
    void store.getState().loadModels();
    const newer = takePending('models.list');
    const model = (id: string) => ({ id, name: id, providerId: 'ollama' });
    newer.resolve({ models: [model('ollama/llama3.2:1b')], providers: [], asOf: v(2) });
    await settle();
    older.resolve({ models: [], providers: [], asOf: v(1) });
    await settle();
    expect(store.getState().models.map((m) => m.id)).toEqual(['ollama/llama3.2:1b']);
  });

  it('late first status: a "starting" reply that arrives after the "running" event is dropped', async () => {
    void store.getState().loadOllamaStatus();
    const reply = takePending('ollama.status');
    emit('ollama.status', status('run-1', 3, 'running'));
    reply.resolve(status('run-1', 2, 'starting'));
    await settle();
    expect(store.getState().ollamaStatus?.servers[0]?.state).toBe('running');
  });

  it('a status from a new run of the app wins over the old run', async () => {
    emit('ollama.status', status('run-1', 9, 'running'));
    emit('ollama.status', status('run-2', 1, 'starting'));
    expect(store.getState().ollamaStatus?.servers[0]?.state).toBe('starting');
  });

  it('send during chat preparation: the message waits for the new chat and goes into it', async () => {
    store.setState({ selectedModel: 'ollama/llama3.2:1b' });
    const created = store.getState().ensureChat();
    const create = takePending('chats.create');
    const sent = store.getState().send('hello');
    await settle();
    expect(fake.state.pending.some((p) => p.method === 'messages.send')).toBe(false); // still waiting
    const chatId = (create.input as { id: string }).id;
    create.resolve(chatRow(chatId, 5));
    await created;
    await settle();
    const send = takePending('messages.send');
    const input = send.input as { chatId: string; ids: { user: string; assistant: string } };
    expect(input.chatId).toBe(chatId);
    // Shown at once under the chosen ids; the answer's events find it before the reply arrives.
    expect(store.getState().messages.map((m) => m.id)).toEqual([input.ids.user, input.ids.assistant]);
    const user = messageRow(input.ids.user, 6, { chatId, content: 'hello' });
    const answer = messageRow(input.ids.assistant, 7, {
      chatId,
      parentId: user.id,
      role: 'assistant',
      status: 'streaming',
    });
    const chat = chatRow(chatId, 8, { currentLeafId: answer.id });
    emit('message.created', { message: user });
    emit('message.created', { message: answer });
    emit('chat.updated', { chat });
    emit('message.delta', { chatId, messageId: answer.id, offset: 0, delta: 'Hi' });
    await vi.runAllTimersAsync();
    expect(store.getState().messages.at(-1)?.content).toBe('Hi');
    send.resolve({ chat, userMessage: user, assistantMessage: answer });
    expect(await sent).toBe(true);
    await settle();
    // The stored rows replaced the ones shown, and the streamed text is kept.
    expect(store.getState().messages.map((m) => [m.id, m.version, m.content])).toEqual([
      [user.id, v(6), 'hello'],
      [answer.id, v(7), 'Hi'],
    ]);
  });

  it('a send that fails takes back the message it showed', async () => {
    store.setState({ selectedModel: 'ollama/llama3.2:1b' });
    const sent = store.getState().send('hello');
    await settle();
    const send = takePending('messages.send');
    expect(store.getState().messages).toHaveLength(2);
    send.reject(new Error('The model is not installed.'));
    expect(await sent).toBe(false);
    expect(store.getState().messages).toEqual([]);
    expect(store.getState().activeChatId).toBeNull();
    expect(store.getState().chatError).toBe('Could not send the message.');
  });
});
