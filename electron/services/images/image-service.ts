/**
 * Image generation as the app offers it: jobs on the configured backends, the gallery (rows in
 * SQLite, files under <data>/images), PNGs that carry their parameters, and images inside chats.
 *
 * Public: backends (ImageBackends), options, test, generate, cancel, retry, jobs, list, thumbs, get,
 * png, delete, restore, generateInChat, attachToChat, stopMessage, purgeDeleted, close.
 */
import type { Attachment, Message } from '../../../shared/types/domain';
import type { GalleryImage, ImageBackendOptions, ImageJob, ImageRequest } from '../../../shared/types/images';
import { AppError } from '../../../shared/types/errors';
import { uuidv7 } from '../../../shared/uuidv7';
import type { AttachmentService } from '../attachments/attachment-service';
import type { ChatService } from '../chats/chat-service';
import type { EventHub } from '../events';
import { snapshotStamp } from '../util/hlc';
import { listRow, type ImageRepo } from '../store/image-repo';
import type { Logger } from '../util/logger';
import { ImageBackendError } from './backend';
import { DEFAULT_COMFY_WORKFLOW } from './comfy-workflow';
import type { GalleryFiles } from './gallery-files';
import { IMAGE_EXTENSIONS } from './gallery-files';
import type { ImageBackends } from './image-backends';
import { sniffImage, toPng } from './image-files';
import { ImageJobs, jobError, type JobRun } from './image-jobs';
import { a1111Parameters, withTextChunk } from './png-text';

/** Deleted gallery images keep their file this long (undo, restore), then the file goes. */
export const PURGE_DELETED_IMAGES_AFTER_MS = 30 * 24 * 60 * 60 * 1000;

export interface ImageServiceDeps {
  repo: ImageRepo;
  files: GalleryFiles;
  backends: ImageBackends;
  events: EventHub;
  chats: ChatService;
  attachments: AttachmentService;
  log: Logger;
  now?: () => number;
}

export class ImageService {
  readonly backends: ImageBackends;
  private readonly jobs: ImageJobs;
  private readonly now: () => number;

  constructor(private readonly d: ImageServiceDeps) {
    this.backends = d.backends;
    this.now = d.now ?? Date.now;
    this.jobs = new ImageJobs(d.events, (job, ctx) => this.runJob(job, ctx), this.now);
    this.jobs.onFinished = (job) => this.finishChatTurn(job);
  }

  async options(backendId: string): Promise<ImageBackendOptions> {
    const { backend, client } = this.d.backends.client(backendId);
    const found = await client.options();
    return {
      ...found,
      backendId,
      kind: backend.kind,
      workflows:
        backend.kind === 'comfyui'
          ? [DEFAULT_COMFY_WORKFLOW, ...backend.workflows].map((w) => ({ id: w.id, name: w.name }))
          : [],
    };
  }

  async test(backendId: string): Promise<{ ok: true; detail: string } | { ok: false; message: string }> {
    try {
      const { client } = this.d.backends.client(backendId);
      return { ok: true, detail: await client.test() };
    } catch (err) {
      if (err instanceof ImageBackendError || err instanceof AppError) return { ok: false, message: err.message };
      return { ok: false, message: jobError(err).message };
    }
  }

  generate(backendId: string, request: ImageRequest, chat?: { chatId: string; messageId: string }): ImageJob {
    const backend = this.d.backends.config(backendId);
    if (request.initImageId && !this.d.repo.get(request.initImageId))
      throw new AppError('not_found', 'The init image is no longer in the gallery.');
    return this.jobs.add({
      backendId,
      backendKind: backend.kind,
      backendLabel: backend.label,
      request,
      chatId: chat?.chatId ?? null,
      messageId: chat?.messageId ?? null,
    });
  }

  cancel(jobId: string): ImageJob {
    return this.jobs.cancel(jobId);
  }

  retry(jobId: string): ImageJob {
    const old = this.jobs.get(jobId);
    if (!old) throw new AppError('not_found', 'That image job is not known (it may be from an earlier run).');
    if (old.state === 'queued' || old.state === 'running')
      throw new AppError('conflict', 'That job is still going; cancel it first.');
    if (old.messageId && old.chatId) {
      const message = this.d.chats.reopenImageTurn(old.messageId);
      return this.generate(old.backendId, old.request, { chatId: old.chatId, messageId: message.id });
    }
    return this.generate(old.backendId, old.request);
  }

  listJobs(): ImageJob[] {
    return this.jobs.list();
  }

  /** messages.stop on an image turn: interrupt its job. */
  stopMessage(messageId: string): boolean {
    const job = this.jobs.forMessage(messageId);
    if (!job) return false;
    this.jobs.cancel(job.id);
    return true;
  }

  list(o: { query?: string; limit?: number; before?: string }) {
    const asOf = snapshotStamp();
    return { ...this.d.repo.list({ query: o.query, limit: o.limit ?? 200, before: o.before }), asOf };
  }

  async thumbs(ids: string[]): Promise<{ id: string; dataUrl: string | null }[]> {
    const out: { id: string; dataUrl: string | null }[] = [];
    for (const id of ids) {
      const row = this.d.repo.row(id);
      if (!row || row.deleted) {
        out.push({ id, dataUrl: null });
        continue;
      }
      try {
        // A cached thumbnail is read at once; the image itself is read only to make one.
        const t = await this.d.files.thumbnail(id, row.path);
        out.push({ id, dataUrl: t ? `data:${t.mime};base64,${t.data.toString('base64')}` : null });
      } catch (err) {
        // The image's file is gone (not synced yet, removed by hand) or does not decode.
        if (!(err instanceof AppError)) this.d.log.warn(`thumbnail of image ${id} failed`, err);
        out.push({ id, dataUrl: null });
      }
    }
    return out;
  }

  get(id: string): { image: GalleryImage; dataUrl: string } {
    const { image, bytes } = this.read(id);
    return { image, dataUrl: `data:${image.mime};base64,${bytes.toString('base64')}` };
  }

  png(id: string): { fileName: string; dataBase64: string; parameters: string } {
    const { image, bytes } = this.read(id);
    const parameters = a1111Parameters({
      prompt: image.prompt,
      negativePrompt: image.negativePrompt,
      params: image.params,
      seed: image.seed,
      model: image.model,
      width: image.width,
      height: image.height,
      backendLabel: image.backendLabel,
    });
    const png = withTextChunk(toPng(bytes), 'parameters', parameters);
    return { fileName: fileNameFor(image), dataBase64: png.toString('base64'), parameters };
  }

  delete(id: string): { ok: true; version: string } {
    const version = this.d.repo.markDeleted(id);
    if (!version) throw new AppError('not_found', 'That image is not in the gallery (it may be deleted already).');
    this.d.events.emit('images.changed', { added: [], deleted: [{ id, version }] });
    return { ok: true, version };
  }

  restore(id: string): GalleryImage {
    const row = this.d.repo.row(id);
    if (!row) throw new AppError('not_found', 'That image is not in the gallery.');
    if (!this.d.files.exists(row.path))
      throw new AppError('not_found', 'That image was deleted too long ago to bring back.');
    const image = this.d.repo.restore(id) ?? this.d.repo.get(id);
    if (!image) throw new AppError('not_found', 'That image is not in the gallery.');
    this.d.events.emit('images.changed', { added: [listRow(image)], deleted: [] });
    return image;
  }

  /** Remove the files of images deleted long ago (their tombstones stay for sync). */
  purgeDeleted(olderThanMs = PURGE_DELETED_IMAGES_AFTER_MS): number {
    let n = 0;
    for (const r of this.d.repo.deletedBefore(this.now() - olderThanMs)) {
      if (this.d.files.exists(r.path) && !this.d.repo.pathInUse(r.path, r.id)) {
        this.d.files.remove(r.id, r.path);
        n++;
      }
    }
    return n;
  }

  /**
   * `/image <prompt>` or "Generate image" on an answer: an assistant turn that receives the image.
   * The backend is the one asked for, else the first configured.
   */
  generateInChat(input: {
    chatId: string;
    id?: string;
    prompt: string;
    parentId?: string | null;
    asUserTurn?: boolean;
    backendId?: string;
    request?: Partial<ImageRequest>;
  }): { job: ImageJob; userMessage: Message | null; assistantMessage: Message } {
    const backendId = input.backendId ?? this.d.backends.list()[0]?.id;
    if (!backendId) {
      throw new AppError(
        'invalid_input',
        'No image backend is set up: add AUTOMATIC1111, ComfyUI or OpenAI Images in Settings → Image generation.',
      );
    }
    const backend = this.d.backends.config(backendId);
    const request: ImageRequest = { ...input.request, prompt: input.prompt };
    const turn = this.d.chats.startImageTurn({
      chatId: input.chatId,
      assistantId: input.id,
      prompt: input.prompt,
      parentId: input.parentId,
      asUserTurn: input.asUserTurn ?? false,
      model: `image:${backend.id}`,
    });
    const job = this.generate(backendId, request, { chatId: input.chatId, messageId: turn.assistantMessage.id });
    return { job, ...turn };
  }

  /** A gallery image as an attachment of the next message (a vision model sees it). */
  attachToChat(imageId: string, chatId: string | undefined): Attachment {
    if (!chatId) {
      throw new AppError(
        'invalid_input',
        'An attachment needs its chat: create the chat first, then attach the image.',
      );
    }
    const { image, bytes } = this.read(imageId);
    const ext = IMAGE_EXTENSIONS[image.mime] ?? 'png';
    return this.d.attachments.store({
      chatId,
      messageId: null,
      kind: 'image',
      name: `${slug(image.prompt)}.${ext}`,
      mime: image.mime,
      ext,
      bytes,
      width: image.width,
      height: image.height,
    }).attachment;
  }

  async close(): Promise<void> {
    await this.jobs.shutdown();
  }

  private read(id: string): { image: GalleryImage; bytes: Buffer } {
    const image = this.d.repo.get(id);
    if (!image) throw new AppError('not_found', 'That image is not in the gallery (it may have been deleted).');
    const row = this.d.repo.row(id)!;
    return { image, bytes: this.d.files.read(row.path) };
  }

  /** One job's work: ask the backend, then store every image it made (file first, then row). */
  private async runJob(job: ImageJob, ctx: Parameters<JobRun>[1]): Promise<{ interrupted: boolean }> {
    const { backend, client } = this.d.backends.client(job.backendId);
    const req = job.request;
    let initImage: { data: Buffer; mime: string } | undefined;
    if (req.initImageId) {
      const { image, bytes } = this.read(req.initImageId);
      initImage = { data: bytes, mime: image.mime };
    }
    let workflow;
    if (backend.kind === 'comfyui') {
      const wanted = req.workflowId ?? 'default';
      workflow = wanted === 'default' ? DEFAULT_COMFY_WORKFLOW : backend.workflows.find((w) => w.id === wanted);
      if (!workflow)
        throw new ImageBackendError('validation', 'That ComfyUI workflow was removed; choose another one.', 'workflow');
    }
    ctx.progress({ fraction: 0, etaSeconds: null, step: null, steps: req.steps ?? null });
    const result = await client.generate(req, { signal: ctx.signal, onProgress: ctx.progress, initImage, workflow });
    for (const img of result.images) {
      const sniffed = sniffImage(img.data);
      const mime = sniffed?.mime ?? img.mime;
      const id = uuidv7();
      const path = this.d.files.write(id, mime, img.data);
      try {
        const seed = img.seed ?? (req.seed !== undefined && req.seed >= 0 ? req.seed : null);
        const stored = this.d.repo.insert({
          id,
          prompt: req.prompt,
          negativePrompt: req.negativePrompt ?? '',
          params: { ...req, ...(seed !== null ? { seed } : {}) },
          backendKind: backend.kind,
          backendLabel: backend.label,
          model: result.model,
          seed,
          info: result.info ?? null,
          mime,
          size: img.data.length,
          width: sniffed?.width ?? img.width,
          height: sniffed?.height ?? img.height,
          path,
          chatId: job.chatId,
          messageId: job.messageId,
          createdAt: this.now(),
        });
        this.d.events.emit('images.changed', { added: [listRow(stored)], deleted: [] });
        ctx.imageStored(id);
        // The gallery will ask for it: make the thumbnail once, now, off the request's path.
        setImmediate(() => void this.d.files.thumbnail(id, path).catch(() => {}));
      } catch (err) {
        this.d.files.remove(id, path);
        throw err;
      }
    }
    return { interrupted: result.interrupted };
  }

  /** A job made for a chat ended: its assistant turn gets the images (as attachments) and the parameters. */
  private finishChatTurn(job: ImageJob): void {
    if (!job.messageId || !job.chatId) return;
    const files: Attachment[] = [];
    for (const id of job.imageIds) {
      try {
        files.push(this.attachToChat(id, job.chatId));
      } catch (err) {
        this.d.log.warn(`image ${id} could not be added to its chat`, err);
      }
    }
    const images = job.imageIds.map((id) => this.d.repo.get(id)).filter((i): i is GalleryImage => !!i);
    const status = job.state === 'done' ? 'done' : job.state === 'error' ? 'error' : 'stopped';
    this.d.chats.finishImageTurn(job.messageId, {
      content: describeTurn(job, images),
      status: files.length && status === 'error' ? 'stopped' : status,
      error: job.error && job.state === 'error' ? { code: job.error.kind, message: job.error.message } : null,
      files,
    });
  }
}

/** The parameters under a generated image in a chat, as markdown. */
export function describeTurn(job: ImageJob, images: GalleryImage[]): string {
  const r = job.request;
  const first = images[0];
  const facts = [
    first?.model ? `Model ${first.model}` : r.checkpoint ? `Model ${r.checkpoint}` : null,
    r.steps ? `Steps ${r.steps}` : null,
    r.cfgScale !== undefined ? `CFG ${r.cfgScale}` : null,
    r.sampler ? `Sampler ${r.sampler}` : null,
    images.length ? `Seed ${images.map((i) => i.seed ?? '?').join(', ')}` : null,
    first?.width && first?.height ? `${first.width}×${first.height}` : r.size ? r.size : null,
  ].filter(Boolean);
  const quoted = r.prompt
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
  const head = `**Image** · ${job.backendLabel}`;
  const tail =
    job.state === 'interrupted' || job.state === 'cancelled' ? `\n\n_${job.error?.message ?? 'Interrupted.'}_` : '';
  return `${head}\n\n${quoted}\n\n${facts.join(' · ')}${tail}`.trim();
}

function slug(prompt: string): string {
  const s = prompt
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return s || 'image';
}

function fileNameFor(image: GalleryImage): string {
  const d = new Date(image.createdAt);
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
  return `hearth-${stamp}-${image.seed ?? slug(image.prompt)}.png`;
}
