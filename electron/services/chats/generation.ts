/**
 * The generation loop, owned by the main process: streams a provider's answer (and, for thinking
 * models, its reasoning) into an assistant message, emits coalesced `message.delta` events,
 * writes partial text to SQLite every few hundred ms, and finishes the message as done / stopped /
 * error / interrupted. Closing a window never stops it; only `stop()` or shutdown does.
 * A job may start from text already stored (continuing an interrupted answer): deltas then carry
 * on at the existing offsets.
 */
import type { ChatParams, GenerationStats, MessageStatus } from '../../../shared/types/domain';
import { diskFullError } from '../util/disk-full';
import { AppError } from '../../../shared/types/errors';
import type { EventHub } from '../events';
import type { Provider, ChatTurn, StreamChunk } from '../providers/provider';
import type { ChatRepo } from '../store/chat-repo';
import { newRequestId, type Logger } from '../util/logger';
import { DeltaCoalescer } from './delta-coalescer';

export interface GenerationResult {
  status: MessageStatus;
  content: string;
  error: { code: string; message: string } | null;
  stats: GenerationStats | null;
}

export interface GenerationJob {
  chatId: string;
  messageId: string;
  provider: Provider;
  model: string;
  history: ChatTurn[];
  params?: ChatParams;
  /** Continue from this text (and reasoning) instead of an empty answer. */
  initialContent?: string;
  initialThinking?: string | null;
  initialThinkingMs?: number | null;
  /** Runs after the final state is stored and `message.done` is sent; errors are logged, never thrown. */
  onFinished?: (result: GenerationResult) => void | Promise<void>;
  /** The request, already sent by `request()` (with the same provider, model, history and params). */
  request?: BackendRequest;
}

/** An answer asked of the backend before the rows it goes into are written (see `request()`). */
export interface BackendRequest {
  readonly controller: AbortController;
  readonly iterator: AsyncIterator<StreamChunk>;
  /** The first read, started at once: it is what sends the request. */
  readonly first: Promise<IteratorResult<StreamChunk>>;
  /** The rows could not be written: end the request, nothing will read it. */
  cancel(): void;
}

interface Running {
  controller: AbortController;
  /** Text streamed so far (what readers see while the row in SQLite lags by a few hundred ms). */
  content: string;
  thinking: string;
  reason: 'user' | 'shutdown' | null;
  done: Promise<void>;
}

/**
 * How often streamed text goes out to windows: 10 times a second, the rate the renderer paints
 * answers at anyway (the first token goes out at once). Fewer IPC/WebSocket messages, less work on
 * the renderer's main thread per second of streaming.
 */
export const DELTA_INTERVAL_MS = 100;

export class GenerationManager {
  private readonly running = new Map<string, Running>();
  private readonly background = new Set<{ controller: AbortController; done: Promise<void> }>();

  constructor(
    private readonly repo: ChatRepo,
    private readonly events: EventHub,
    private readonly log: Logger,
    private readonly options: { persistEveryMs?: number; coalesceMs?: number } = {},
  ) {}

  /**
   * Send the request for an answer now. The caller writes the answer's rows right after, in the same
   * turn of the event loop (no reply can be read before), then passes this to `start`, or calls
   * `cancel` if the write failed. The request is out ~1 ms sooner than when it waits for the write.
   */
  request(provider: Provider, model: string, history: ChatTurn[], params: ChatParams | undefined): BackendRequest {
    const controller = new AbortController();
    const stream = provider.chat({ model, messages: history, signal: controller.signal, params });
    const iterator = stream[Symbol.asyncIterator]();
    const first = iterator.next();
    first.catch(() => undefined); // read by run(), or dropped with cancel()
    return {
      controller,
      iterator,
      first,
      cancel: () => {
        controller.abort();
        void first.then(() => iterator.return?.()).catch(() => undefined);
      },
    };
  }

  start(job: GenerationJob): void {
    const controller = job.request?.controller ?? new AbortController();
    const entry: Running = {
      controller,
      content: job.initialContent ?? '',
      thinking: job.initialThinking ?? '',
      reason: null,
      done: Promise.resolve(),
    };
    this.running.set(job.messageId, entry);
    entry.done = this.run(job, entry).finally(() => this.running.delete(job.messageId));
  }

  /** Stop one answer; resolves once its final state is stored. */
  async stop(messageId: string): Promise<boolean> {
    const entry = this.running.get(messageId);
    if (!entry) return false;
    entry.reason = 'user';
    entry.controller.abort();
    await entry.done;
    return true;
  }

  isRunning(messageId: string): boolean {
    return this.running.has(messageId);
  }

  /** The live text of a streaming answer, or undefined when it is not streaming here. */
  liveContent(messageId: string): string | undefined {
    return this.running.get(messageId)?.content;
  }

  /** The live reasoning of a streaming answer, or undefined when it is not streaming here. */
  liveThinking(messageId: string): string | undefined {
    return this.running.get(messageId)?.thinking;
  }

  /**
   * A small follow-up job (a title, a model download) that shutdown must abort and wait for, so
   * nothing writes to the database after it is closed. Failures are logged at debug level only.
   */
  runBackground(task: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const controller = new AbortController();
    const item = { controller, done: Promise.resolve() };
    item.done = task(controller.signal)
      .catch((err) => this.log.debug('background task failed', err))
      .finally(() => this.background.delete(item));
    this.background.add(item);
    return item.done;
  }

  /** On quit: keep every partial answer, marked interrupted so it can be continued later. */
  async shutdown(): Promise<void> {
    const all = [...this.running.values()];
    for (const entry of all) {
      entry.reason = 'shutdown';
      entry.controller.abort();
    }
    await Promise.all(all.map((e) => e.done));
    const tasks = [...this.background];
    for (const t of tasks) t.controller.abort();
    await Promise.all(tasks.map((t) => t.done));
  }

  private async run(job: GenerationJob, entry: Running): Promise<void> {
    const { chatId, messageId } = job;
    const persistEveryMs = this.options.persistEveryMs ?? 300;
    let content = entry.content;
    let thinking = entry.thinking;
    let sent = content.length;
    let sentThinking = thinking.length;
    let lastPersist = Date.now();
    let stats: GenerationStats | null = null;
    let status: MessageStatus = 'done';
    let error: { code: string; message: string } | null = null;
    // Reasoning time: from the first thinking token to the first answer token.
    let thinkingStarted: number | null = null;
    let thinkingMs: number | null = job.initialThinkingMs ?? null;
    const coalescer = new DeltaCoalescer((d) => {
      this.events.emit('message.delta', {
        chatId,
        messageId,
        offset: sent,
        delta: d.content,
        ...(d.thinking ? { thinkingOffset: sentThinking, thinking: d.thinking } : {}),
      });
      sent += d.content.length;
      sentThinking += d.thinking.length;
    }, this.options.coalesceMs ?? DELTA_INTERVAL_MS);

    const request = job.request ?? this.request(job.provider, job.model, job.history, job.params);
    let ended = false;
    try {
      for (let next = request.first; ; next = request.iterator.next()) {
        const read = await next;
        if (read.done) {
          ended = true;
          break;
        }
        const chunk = read.value;
        if (entry.controller.signal.aborted) break;
        if (chunk.type === 'content' || chunk.type === 'thinking') {
          if (chunk.type === 'content') {
            if (thinkingStarted !== null && thinkingMs === null)
              thinkingMs = Math.round(performance.now() - thinkingStarted);
            content += chunk.text;
            entry.content = content;
          } else {
            thinkingStarted ??= performance.now();
            thinking += chunk.text;
            entry.thinking = thinking;
          }
          coalescer.push(chunk.text, chunk.type);
          const now = Date.now();
          if (now - lastPersist >= persistEveryMs) {
            lastPersist = now;
            try {
              this.repo.saveProgress(messageId, content, thinking || null);
            } catch (err) {
              // A full disk: the answer goes on (shown, kept in memory); the final save below says if it failed.
              this.log.warn('could not store the answer so far', err);
            }
          }
        } else if (chunk.type === 'done') {
          stats = chunk.stats;
        }
      }
      if (entry.controller.signal.aborted) status = entry.reason === 'shutdown' ? 'interrupted' : 'stopped';
    } catch (err) {
      if (entry.controller.signal.aborted) {
        status = entry.reason === 'shutdown' ? 'interrupted' : 'stopped';
      } else {
        status = 'error';
        const appErr =
          err instanceof AppError ? err : new AppError('backend_error', (err as Error)?.message ?? String(err));
        if (!(err instanceof AppError)) this.log.warn('generation failed', err);
        error = { code: appErr.code, message: appErr.message };
      }
    } finally {
      // Left early (stopped): the stream's own clean-up (its connection) runs, as after for-await.
      if (!ended) void Promise.resolve(request.iterator.return?.()).catch(() => undefined);
    }
    // Thought but never answered (stopped while thinking): the whole time so far was reasoning.
    if (thinkingStarted !== null && thinkingMs === null) thinkingMs = Math.round(performance.now() - thinkingStarted);
    coalescer.flush();
    let version: string;
    try {
      version = this.repo.finishMessage(messageId, {
        content,
        status,
        error,
        stats,
        thinking: thinking || null,
        thinkingMs,
      });
    } catch (err) {
      // A full disk or a vanished file: tell the user instead of failing silently. What is shown is
      // the newest state of the answer, so it gets a version newer than the stored one.
      version = this.repo.version();
      const requestId = newRequestId();
      this.log.error('could not store the finished answer', { requestId, messageId, err });
      status = 'error';
      const full = diskFullError(
        err,
        'The disk holding Hearth’s data is full: this answer is shown but was not saved. Free some space, then regenerate it.',
      );
      error = full
        ? full.toJSON()
        : {
            code: 'internal',
            message: `The answer could not be saved; the details are in the log (request ${requestId}).`,
          };
    }
    this.events.emit('message.done', {
      chatId,
      messageId,
      status,
      content,
      error,
      stats,
      thinking: thinking || null,
      thinkingMs,
      version,
    });
    if (job.onFinished && entry.reason !== 'shutdown') {
      try {
        await job.onFinished({ status, content, error, stats });
      } catch (err) {
        this.log.warn('after-answer step failed', err);
      }
    }
  }
}
