/**
 * The image job queue: one job at a time per backend (a GPU does one thing at a time; several
 * backends run side by side), progress throttled into `images.progress` events (a preview only when
 * it changed), cancel (a queued job is dropped; a running one is interrupted and keeps what it
 * finished), retry. The work of one job — calling the backend and storing what it made — is the
 * `run` function the image service hands in; finished jobs keep metadata only, never image bytes.
 */
import { createHash } from 'node:crypto';
import type { ImageJob, ImageJobError, ImageRequest } from '../../../shared/types/images';
import { AppError } from '../../../shared/types/errors';
import { uuidv7 } from '../../../shared/uuidv7';
import type { EventHub } from '../events';
import { diskFullError } from '../util/disk-full';
import { ImageBackendError, type BackendProgress } from './backend';

/** Finished jobs kept for the queue view (metadata only). */
const KEEP_FINISHED = 200;
/** At most this often a progress event per job (the preview is the heavy part). */
const PROGRESS_EVERY_MS = 150;

export interface JobRun {
  (
    job: ImageJob,
    ctx: { signal: AbortSignal; progress(p: BackendProgress): void; imageStored(id: string): void },
  ): Promise<{
    interrupted: boolean;
  }>;
}

export interface NewJob {
  backendId: string;
  backendKind: ImageJob['backendKind'];
  backendLabel: string;
  request: ImageRequest;
  chatId?: string | null;
  messageId?: string | null;
}

interface Entry {
  job: ImageJob;
  controller: AbortController;
  lastProgressAt: number;
  lastPreview: string | null;
  pendingProgress: ReturnType<typeof setTimeout> | null;
}

export class ImageJobs {
  private readonly entries = new Map<string, Entry>();
  private readonly running = new Map<string, string>(); // backendId → jobId
  /** Called when a job ends (any way): the image service finishes a chat turn with it. */
  onFinished: (job: ImageJob) => void = () => {};

  constructor(
    private readonly events: EventHub,
    private readonly run: JobRun,
    private readonly now: () => number = Date.now,
  ) {}

  add(n: NewJob): ImageJob {
    const job: ImageJob = {
      id: uuidv7(),
      backendId: n.backendId,
      backendKind: n.backendKind,
      backendLabel: n.backendLabel,
      request: n.request,
      state: 'queued',
      progress: 0,
      etaSeconds: null,
      step: null,
      steps: null,
      imageIds: [],
      error: null,
      chatId: n.chatId ?? null,
      messageId: n.messageId ?? null,
      createdAt: this.now(),
      startedAt: null,
      finishedAt: null,
    };
    this.entries.set(job.id, {
      job,
      controller: new AbortController(),
      lastProgressAt: 0,
      lastPreview: null,
      pendingProgress: null,
    });
    this.emit(job);
    this.trim();
    queueMicrotask(() => this.pump(job.backendId));
    return { ...job };
  }

  get(id: string): ImageJob | null {
    const e = this.entries.get(id);
    return e ? { ...e.job } : null;
  }

  /** The running or queued job of a chat message, if any. */
  forMessage(messageId: string): ImageJob | null {
    for (const e of this.entries.values()) {
      if (e.job.messageId === messageId && (e.job.state === 'queued' || e.job.state === 'running')) return { ...e.job };
    }
    return null;
  }

  list(): ImageJob[] {
    return [...this.entries.values()]
      .map((e) => ({ ...e.job }))
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  }

  cancel(id: string): ImageJob {
    const e = this.entries.get(id);
    if (!e) throw new AppError('not_found', 'That image job is not known (it may be from an earlier run).');
    if (e.job.state === 'queued') {
      this.finish(e, 'cancelled', null);
    } else if (e.job.state === 'running') {
      e.controller.abort();
    }
    return { ...e.job };
  }

  /** Stop everything (the app is closing): queued jobs are dropped, running ones interrupted. */
  async shutdown(): Promise<void> {
    for (const e of this.entries.values()) {
      if (e.job.state === 'queued') this.finish(e, 'cancelled', null);
      else if (e.job.state === 'running') e.controller.abort();
    }
    const deadline = this.now() + 5000;
    while (this.running.size && this.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  private pump(backendId: string): void {
    if (this.running.has(backendId)) return;
    const next = [...this.entries.values()]
      .filter((e) => e.job.backendId === backendId && e.job.state === 'queued')
      .sort((a, b) => a.job.createdAt - b.job.createdAt || (a.job.id < b.job.id ? -1 : 1))[0];
    if (!next) return;
    this.running.set(backendId, next.job.id);
    void this.start(next).finally(() => {
      this.running.delete(backendId);
      this.pump(backendId);
    });
  }

  private async start(e: Entry): Promise<void> {
    e.job.state = 'running';
    e.job.startedAt = this.now();
    this.emit(e.job);
    try {
      const { interrupted } = await this.run(
        { ...e.job },
        {
          signal: e.controller.signal,
          progress: (p) => this.progress(e, p),
          imageStored: (id) => {
            e.job.imageIds = [...e.job.imageIds, id];
            this.emit(e.job);
          },
        },
      );
      if (interrupted || e.controller.signal.aborted) {
        this.finish(e, 'interrupted', {
          kind: 'interrupted',
          message: e.job.imageIds.length
            ? `Interrupted: ${e.job.imageIds.length} finished image${e.job.imageIds.length === 1 ? ' was' : 's were'} kept.`
            : 'Interrupted before an image was finished.',
        });
      } else {
        e.job.progress = 1;
        this.finish(e, 'done', null);
      }
    } catch (err) {
      this.finish(e, 'error', jobError(err));
    }
  }

  private progress(e: Entry, p: BackendProgress): void {
    if (e.job.state !== 'running') return;
    e.job.progress = Math.max(0, Math.min(1, p.fraction));
    e.job.etaSeconds = p.etaSeconds;
    e.job.step = p.step;
    e.job.steps = p.steps;
    let preview: string | undefined;
    if (p.preview) {
      const digest = createHash('sha1').update(p.preview.data).digest('hex');
      if (digest !== e.lastPreview) {
        e.lastPreview = digest;
        preview = `data:${p.preview.mime};base64,${p.preview.data.toString('base64')}`;
      }
    }
    const send = () => {
      e.pendingProgress = null;
      e.lastProgressAt = this.now();
      this.events.emit('images.progress', {
        jobId: e.job.id,
        progress: e.job.progress,
        etaSeconds: e.job.etaSeconds,
        step: e.job.step,
        steps: e.job.steps,
        ...(preview ? { preview } : {}),
      });
    };
    const wait = PROGRESS_EVERY_MS - (this.now() - e.lastProgressAt);
    if (preview || wait <= 0) {
      if (e.pendingProgress) clearTimeout(e.pendingProgress);
      send();
    } else if (!e.pendingProgress) {
      e.pendingProgress = setTimeout(send, wait);
    }
  }

  private finish(e: Entry, state: ImageJob['state'], error: ImageJobError | null): void {
    if (e.pendingProgress) clearTimeout(e.pendingProgress);
    e.pendingProgress = null;
    e.job.state = state;
    e.job.error = error;
    e.job.finishedAt = this.now();
    if (state !== 'done') e.job.etaSeconds = null;
    this.emit(e.job);
    try {
      this.onFinished({ ...e.job });
    } catch {
      // The chat turn could not be finished; the job itself is over either way.
    }
  }

  private emit(job: ImageJob): void {
    this.events.emit('images.job', { ...job });
  }

  private trim(): void {
    const finished = [...this.entries.values()]
      .filter((e) => e.job.finishedAt !== null)
      .sort((a, b) => a.job.createdAt - b.job.createdAt);
    for (const e of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.entries.delete(e.job.id);
  }
}

export function jobError(err: unknown): ImageJobError {
  if (err instanceof ImageBackendError) return err.toJob();
  const full = diskFullError(err);
  if (full) return { kind: 'disk_full', message: full.message };
  if (err instanceof AppError)
    return { kind: err.code === 'backend_unreachable' ? 'unreachable' : 'backend', message: err.message };
  return { kind: 'backend', message: `The image could not be made: ${(err as Error)?.message ?? String(err)}` };
}
