/**
 * The image-generation part of the contract (spread into shared/contract.ts): backends, jobs,
 * gallery, and images inside chats.
 */
import { z } from 'zod';
import { empty, httpUrl, out } from './contract-out';
import { entityIdSchema } from './ids';
import type { Attachment, Message } from './types/domain';
import type { ComfyMapping, GalleryImage, ImageBackendOptions, ImageBackendView, ImageJob } from './types/images';

const id = entityIdSchema;
const backendId = z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be an image backend id');
const nodeInput = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_:-]{1,80}\.[A-Za-z0-9_]{1,80}$/, 'must be "<node id>.<input name>"');
const text = (max: number) => z.string().max(max);

export const ComfyMappingSchema = z
  .object({
    prompt: nodeInput,
    negativePrompt: nodeInput.optional(),
    seed: nodeInput.optional(),
    steps: nodeInput.optional(),
    cfgScale: nodeInput.optional(),
    width: nodeInput.optional(),
    height: nodeInput.optional(),
    checkpoint: nodeInput.optional(),
    sampler: nodeInput.optional(),
    scheduler: nodeInput.optional(),
    batchSize: nodeInput.optional(),
  })
  .strict();

/** A ComfyUI workflow in API format: node id → { class_type, inputs }. */
export const ComfyWorkflowSchema = z
  .record(
    z.string().regex(/^[A-Za-z0-9_:-]{1,80}$/, 'node ids are letters, digits, _ : -'),
    z
      .object({
        class_type: z.string().min(1).max(200),
        inputs: z.record(z.string().max(200), z.unknown()),
        _meta: z.unknown().optional(),
      })
      .passthrough(),
  )
  .refine((w) => Object.keys(w).length > 0 && Object.keys(w).length <= 500, 'a workflow has 1 to 500 nodes');

export const ImageRequestSchema = z
  .object({
    prompt: z.string().trim().min(1, 'write a prompt').max(20_000),
    negativePrompt: text(20_000).optional(),
    steps: z.number().int().min(1).max(150).optional(),
    cfgScale: z.number().min(0).max(30).optional(),
    width: z.number().int().min(64).max(4096).multipleOf(8, 'must be a multiple of 8').optional(),
    height: z.number().int().min(64).max(4096).multipleOf(8, 'must be a multiple of 8').optional(),
    sampler: text(100).optional(),
    scheduler: text(100).optional(),
    seed: z
      .number()
      .int()
      .min(-1)
      .max(2 ** 53 - 1)
      .optional(),
    batchSize: z.number().int().min(1).max(8).optional(),
    checkpoint: text(500).optional(),
    initImageId: id.optional(),
    denoisingStrength: z.number().min(0).max(1).optional(),
    workflowId: z
      .string()
      .regex(/^[a-z0-9-]{1,40}$/)
      .optional(),
    size: text(20).optional(),
    quality: text(20).optional(),
  })
  .strict();

export const imageMethods = {
  /** The configured image backends (settings and AUTOMATIC1111_BASE_URL / COMFYUI_BASE_URL). */
  'images.backends': { input: empty, output: out<{ backends: ImageBackendView[] }>() },
  /** Add (no id) or change a backend. A missing password/apiKey keeps the stored one; null removes it. */
  'images.saveBackend': {
    input: z
      .object({
        id: backendId.optional(),
        kind: z.enum(['a1111', 'comfyui', 'openai']),
        label: z.string().trim().min(1).max(80),
        baseUrl: httpUrl,
        username: z.string().max(200).nullable().optional(),
        password: z.string().max(1000).nullable().optional(),
        apiKey: z.string().max(4096).nullable().optional(),
      })
      .strict(),
    output: out<ImageBackendView>(),
  },
  'images.removeBackend': { input: z.object({ id: backendId }).strict(), output: out<{ ok: true }>() },
  /** Does the backend answer, with these credentials? Nothing is changed. */
  'images.testBackend': {
    input: z.object({ id: backendId }).strict(),
    output: out<{ ok: true; detail: string } | { ok: false; message: string }>(),
  },
  /** Checkpoints, samplers, schedulers, sizes, workflows: what the parameter panel offers. */
  'images.options': { input: z.object({ backendId }).strict(), output: out<ImageBackendOptions>() },
  /** Suggest which node inputs of a ComfyUI workflow take the prompt, seed, size… */
  'images.detectMapping': {
    input: z.object({ workflow: ComfyWorkflowSchema }).strict(),
    output: out<{ mapping: Partial<ComfyMapping>; nodes: { id: string; classType: string; inputs: string[] }[] }>(),
  },
  /** Store a user ComfyUI workflow (API format) with its mapping; an id replaces that workflow. */
  'images.saveWorkflow': {
    input: z
      .object({
        backendId,
        id: z
          .string()
          .regex(/^[a-z0-9-]{1,40}$/)
          .optional(),
        name: z.string().trim().min(1).max(80),
        workflow: ComfyWorkflowSchema,
        mapping: ComfyMappingSchema,
      })
      .strict(),
    output: out<ImageBackendView>(),
  },
  'images.removeWorkflow': {
    input: z.object({ backendId, id: z.string().regex(/^[a-z0-9-]{1,40}$/) }).strict(),
    output: out<ImageBackendView>(),
  },
  /** Queue a job; progress comes as images.job / images.progress events. */
  'images.generate': {
    input: z.object({ backendId, request: ImageRequestSchema }).strict(),
    output: out<ImageJob>(),
  },
  /** A queued job is dropped; a running one is interrupted, keeping the images finished so far. */
  'images.cancel': { input: z.object({ jobId: id }).strict(), output: out<ImageJob>() },
  /** Run a failed, cancelled or interrupted job again (a new job with the same request). */
  'images.retry': { input: z.object({ jobId: id }).strict(), output: out<ImageJob>() },
  /** This run's jobs, newest first (finished ones are kept until the app stops). */
  'images.jobs': { input: empty, output: out<{ jobs: ImageJob[] }>() },
  /** Gallery rows, newest first; `query` searches the prompt. */
  'images.list': {
    input: z
      .object({
        query: z.string().max(500).optional(),
        limit: z.number().int().min(1).max(10_000).optional(),
        /** Rows created before this one (paging): the last id of the previous page. */
        before: id.optional(),
      })
      .strict(),
    output: out<{ images: GalleryImage[]; total: number; asOf: string }>(),
  },
  /** Small JPEG thumbnails (made once, then cached on disk) as data: URLs. */
  'images.thumbs': {
    input: z.object({ ids: z.array(id).min(1).max(200) }).strict(),
    output: out<{ thumbs: { id: string; dataUrl: string | null }[] }>(),
  },
  /** One image, full size, as a data: URL. */
  'images.get': { input: z.object({ id }).strict(), output: out<{ image: GalleryImage; dataUrl: string }>() },
  /** The image as a PNG carrying its parameters in a `parameters` text chunk, as AUTOMATIC1111 writes them. */
  'images.png': {
    input: z.object({ id }).strict(),
    output: out<{ fileName: string; dataBase64: string; parameters: string }>(),
  },
  /** Delete (a tombstone; images.restore undoes it). */
  'images.delete': { input: z.object({ id }).strict(), output: out<{ ok: true; version: string }>() },
  'images.restore': { input: z.object({ id }).strict(), output: out<GalleryImage>() },
  /**
   * `/image <prompt>` in a chat, or "Generate image" on an answer: the image arrives as an assistant
   * turn with its parameters. `parentId`: the message it follows (default: the chat's current leaf);
   * with `asUserTurn` the prompt is first added as the user's message.
   */
  'images.generateInChat': {
    input: z
      .object({
        chatId: id,
        id: id.optional(),
        prompt: z.string().trim().min(1, 'write a prompt').max(20_000),
        parentId: id.nullable().optional(),
        asUserTurn: z.boolean().optional(),
        backendId: backendId.optional(),
        request: ImageRequestSchema.partial().optional(),
      })
      .strict(),
    output: out<{ job: ImageJob; userMessage: Message | null; assistantMessage: Message }>(),
  },
  /** Attach a gallery image to the next message (for a vision model). */
  'attachments.fromImage': {
    input: z.object({ imageId: id, chatId: id.optional() }).strict(),
    output: out<Attachment>(),
  },
} as const;

export const imageEvents = {
  /** A job's state changed (queued, running, done, error, cancelled, interrupted), or its images grew. */
  'images.job': z.custom<ImageJob>(),
  /** Throttled progress of a running job; `preview` is a data: URL of the backend's current preview. */
  'images.progress': z.object({
    jobId: z.string(),
    progress: z.number(),
    etaSeconds: z.number().nullable(),
    step: z.number().nullable(),
    steps: z.number().nullable(),
    preview: z.string().optional(),
  }),
  /** Gallery rows added, deleted or restored (by a job, another window, an import or sync). */
  'images.changed': z.object({
    added: z.array(z.custom<GalleryImage>()),
    deleted: z.array(z.object({ id: z.string(), version: z.string() })),
  }),
} as const;
