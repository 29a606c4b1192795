/**
 * The generation loop, owned by the main process: streams a provider's answer into an assistant
 * message, emits coalesced `message.delta` events, writes partial text to SQLite every few hundred
 * ms, and finishes the message as done / stopped / error / interrupted. Closing a window never
 * stops it; only `stop()` or shutdown does.
 */
import type { GenerationStats, MessageStatus } from '../../../shared/types/domain';
import { AppError } from '../../../shared/types/errors';
import type { EventHub } from '../events';
import type { Provider, ChatTurn } from '../providers/provider';
import type { ChatRepo } from '../store/chat-repo';
import type { Logger } from '../util/logger';
import { DeltaCoalescer } from './delta-coalescer';

export interface GenerationJob {
  chatId: string;
  messageId: string;
  provider: Provider;
  model: string;
  history: ChatTurn[];
}

interface Running {
  controller: AbortController;
  /** Text streamed so far (what readers see while the row in SQLite lags by a few hundred ms). */
  content: string;
  reason: 'user' | 'shutdown' | null;
  done: Promise<void>;
}

export class GenerationManager {
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly repo: ChatRepo,
    private readonly events: EventHub,
    private readonly log: Logger,
    private readonly options: { persistEveryMs?: number; coalesceMs?: number } = {},
  ) {}

  start(job: GenerationJob): void {
    const controller = new AbortController();
    const entry: Running = { controller, content: '', reason: null, done: Promise.resolve() };
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

  /** On quit: keep every partial answer, marked interrupted so it can be continued later. */
  async shutdown(): Promise<void> {
    const all = [...this.running.values()];
    for (const entry of all) {
      entry.reason = 'shutdown';
      entry.controller.abort();
    }
    await Promise.all(all.map((e) => e.done));
  }

  private async run(job: GenerationJob, entry: Running): Promise<void> {
    const { chatId, messageId } = job;
    const persistEveryMs = this.options.persistEveryMs ?? 300;
    let content = '';
    let sent = 0;
    let lastPersist = Date.now();
    let stats: GenerationStats | null = null;
    let status: MessageStatus = 'done';
    let error: { code: string; message: string } | null = null;
    const coalescer = new DeltaCoalescer((delta) => {
      this.events.emit('message.delta', { chatId, messageId, offset: sent, delta });
      sent += delta.length;
    }, this.options.coalesceMs ?? 16);

    try {
      for await (const chunk of job.provider.chat({
        model: job.model,
        messages: job.history,
        signal: entry.controller.signal,
      })) {
        if (entry.controller.signal.aborted) break;
        if (chunk.type === 'content') {
          content += chunk.text;
          entry.content = content;
          coalescer.push(chunk.text);
          const now = Date.now();
          if (now - lastPersist >= persistEveryMs) {
            this.repo.saveProgress(messageId, content);
            lastPersist = now;
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
    }
    coalescer.flush();
    try {
      this.repo.finishMessage(messageId, { content, status, error, stats });
    } catch (err) {
      // A full disk or a vanished file: tell the user instead of failing silently.
      this.log.error('could not store the finished answer', err);
      status = 'error';
      error = { code: 'internal', message: 'The answer could not be saved (is the disk full?).' };
    }
    this.events.emit('message.done', { chatId, messageId, status, content, error, stats });
  }
}
