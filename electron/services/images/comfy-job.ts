/**
 * One ComfyUI job, from queueing to images: the socket is opened before POST /prompt, its messages
 * (queued before the prompt_id is known, then filtered to ours) drive progress and previews until
 * `executing {node: null}`, and the images come from /history/{id} (or the `executed` messages) and
 * /view. A cancel drops a queued prompt (POST /queue delete) or interrupts a running one
 * (POST /interrupt) and resolves with the images finished so far. An idle timer gives up a job
 * that hears nothing.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket as WsWebSocket } from 'ws';
import type { ComfyMapping } from '../../../shared/types/images';
import type { BackendProgress, GenerateHooks, GenerateResult, GeneratedImage, ImageBackendError } from './backend';
import {
  connectionLost,
  executionFailed,
  httpFailed,
  noProgress,
  noPromptId,
  promptRefused,
  type PromptRefusal,
} from './comfy-errors';
import { pickImages, type ComfyHttp, type HistoryEntry, type ImageRef } from './comfy-http';
import { progressTracker } from './comfy-progress';
import { connectComfySocket, type ComfyFrame, type ComfySocket } from './comfy-socket';
import { findSamplers, type ComfyGraph } from './comfy-workflow';

export interface ComfyJobContext {
  http: ComfyHttp;
  WebSocket: typeof WsWebSocket;
  idleTimeoutMs: number;
  cancelGraceMs: number;
}

type Outcome = { kind: 'done' } | { kind: 'interrupted' } | { kind: 'error'; error: ImageBackendError };

/** What ComfyUI's history says of a finished prompt. */
function outcomeOf(h: HistoryEntry): Outcome {
  if (h.status?.status_str !== 'error') return { kind: 'done' };
  const err = h.status.messages?.find(([t]) => t === 'execution_error');
  return err ? { kind: 'error', error: executionFailed(err[1]) } : { kind: 'interrupted' };
}

/** Queue `prompt` and follow it to the end; see the header for the protocol. */
export async function runComfyJob(
  ctx: ComfyJobContext,
  prompt: ComfyGraph,
  mapping: Partial<ComfyMapping>,
  hooks: GenerateHooks,
  seed: number | null,
  info: { workflowId: string; model: string | null },
): Promise<GenerateResult> {
  const { http, idleTimeoutMs, cancelGraceMs } = ctx;
  const clientId = randomUUID();
  let promptId: string | null = null;
  const early: { type: string; data: Record<string, unknown> }[] = [];
  let started = false;
  let terminal: Outcome | null = null;
  let userCancelled = false;
  const executed: Record<string, ImageRef[]> = {};
  // A throwing listener must not break the socket's event handling.
  const emit = (p: BackendProgress) => {
    try {
      hooks.onProgress(p);
    } catch {}
  };
  const tracker = progressTracker(findSamplers(prompt), emit);

  let settle!: (o: Outcome) => void;
  const outcome = new Promise<Outcome>((r) => (settle = r));
  let settled = false;
  const finish = (o: Outcome) => {
    if (settled) return;
    settled = true;
    settle(o);
  };

  let idle: NodeJS.Timeout | undefined;
  let grace: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      stopOnServer().catch(() => {});
      finish({ kind: 'error', error: noProgress(idleTimeoutMs) });
    }, idleTimeoutMs);
  };

  const onJson = (type: string, data: Record<string, unknown>) => {
    const pid = data.prompt_id;
    if (promptId === null) {
      if (pid !== undefined) early.push({ type, data });
      return;
    }
    if (pid !== undefined && pid !== promptId) return;
    switch (type) {
      case 'execution_start':
      case 'execution_cached':
        if (!started) {
          started = true;
          emit(tracker.current());
        }
        break;
      case 'executing':
        if (data.node === null || data.node === undefined) {
          if (pid === promptId) finish(terminal ?? { kind: 'done' });
        } else started = true;
        break;
      case 'progress':
        started = true;
        tracker.step(String(data.node ?? ''), Number(data.value), Number(data.max));
        break;
      case 'executed': {
        const images = (data.output as { images?: ImageRef[] } | undefined)?.images;
        if (Array.isArray(images)) executed[String(data.node)] = images;
        break;
      }
      case 'execution_success':
        terminal = { kind: 'done' };
        break;
      case 'execution_interrupted':
        terminal = { kind: 'interrupted' };
        break;
      case 'execution_error':
        terminal = { kind: 'error', error: executionFailed(data) };
        break;
    }
    // ComfyUI always ends with executing {node: null}; should that not come, don't hang on it.
    if (terminal && !grace) grace = setTimeout(() => finish(terminal!), 5_000);
  };

  const onFrame = (frame: ComfyFrame) => {
    if (frame.kind === 'json') return onJson(frame.type, frame.data);
    if (!started || terminal) return;
    if (frame.promptId && frame.promptId !== promptId) return;
    emit({ ...tracker.current(), preview: { data: Buffer.from(frame.data), mime: frame.mime } });
  };

  /** Take our prompt off ComfyUI: out of the queue if it waits, interrupted if it runs. */
  async function stopOnServer(): Promise<'dropped' | 'interrupting'> {
    if (!promptId) return 'dropped';
    if (!started) {
      await http.postJson('/queue', { delete: [promptId] });
      const q = await http.getJson<{ queue_running?: unknown[][] }>('/queue');
      const runningNow = (q.queue_running ?? []).some((row) => Array.isArray(row) && row[1] === promptId);
      if (!runningNow && !started) return 'dropped';
    }
    await http.postJson('/interrupt', { prompt_id: promptId });
    return 'interrupting';
  }

  const onAbort = () => {
    if (userCancelled || settled) return;
    userCancelled = true;
    stopOnServer().then(
      (how) => {
        if (how === 'dropped') finish({ kind: 'interrupted' });
        else setTimeout(() => finish({ kind: 'interrupted' }), cancelGraceMs).unref?.();
      },
      () => finish({ kind: 'interrupted' }),
    );
  };

  const empty = (): GenerateResult => ({
    images: [],
    info: { promptId, outputs: {}, workflowId: info.workflowId },
    model: info.model,
    interrupted: true,
  });

  let socket: ComfySocket | null = null;
  try {
    socket = await connectComfySocket({
      WebSocket: ctx.WebSocket,
      base: http.base,
      headers: http.headers,
      clientId,
      onActivity: touch,
      onFrame,
      isDone: () => settled,
      async onReconnect() {
        if (!promptId) return;
        const h = await http.historyOf(promptId);
        if (h) finish(outcomeOf(h));
      },
      onLost: () => finish({ kind: 'error', error: connectionLost(http.base) }),
    });
    if (hooks.signal.aborted) return empty();
    touch();
    const res = await http.postJson('/prompt', { prompt, client_id: clientId });
    if (res.status === 400) {
      const body = (await res.json().catch(() => null)) as PromptRefusal;
      throw promptRefused(body, mapping);
    }
    if (!res.ok) throw await httpFailed(res, 'POST /prompt', http.base);
    const queued = (await res.json().catch(() => null)) as { prompt_id?: string } | null;
    if (!queued?.prompt_id) throw noPromptId(http.base);
    promptId = queued.prompt_id;
    for (const m of early.splice(0)) onJson(m.type, m.data);
    if (hooks.signal.aborted) onAbort();
    else hooks.signal.addEventListener('abort', onAbort, { once: true });

    const end = await outcome;
    if (end.kind === 'error' && !userCancelled) throw end.error;
    const interrupted = end.kind !== 'done';
    if (userCancelled && !started) return empty();

    let outputs: Record<string, ImageRef[]> = executed;
    let images: GeneratedImage[] = [];
    try {
      const h = await http.historyOf(promptId);
      if (h?.outputs) {
        const fromHistory = pickImages(h.outputs);
        if (Object.keys(fromHistory).length || !Object.keys(executed).length) outputs = fromHistory;
      }
      if (outputs === executed)
        outputs = pickImages(Object.fromEntries(Object.entries(executed).map(([k, v]) => [k, { images: v }])));
      images = await http.fetchImages(Object.values(outputs).flat(), seed);
    } catch (err) {
      if (!userCancelled && !interrupted) throw err;
      outputs = {};
    }
    return {
      images,
      info: {
        promptId,
        outputs: Object.fromEntries(Object.entries(outputs).map(([node, refs]) => [node, refs.map((r) => r.filename)])),
        workflowId: info.workflowId,
      },
      model: info.model,
      interrupted,
    };
  } catch (err) {
    if (userCancelled || hooks.signal.aborted) return empty();
    throw err;
  } finally {
    clearTimeout(idle);
    clearTimeout(grace);
    hooks.signal.removeEventListener('abort', onAbort);
    socket?.close();
  }
}
