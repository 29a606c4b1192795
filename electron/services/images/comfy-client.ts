/**
 * The ComfyUI backend client over its HTTP + WebSocket API (as ComfyUI's own websockets_api_example
 * does it): GET /system_stats (test), /object_info (options; every node type of a workflow checked
 * before queueing), WebSocket /ws?clientId= opened before POST /prompt, progress and binary preview
 * frames from the socket, then /history/{id} and /view for the saved images. A cancel drops a queued
 * prompt (POST /queue delete) or interrupts a running one (POST /interrupt) and resolves with the images
 * finished so far. HTTP goes through the injected fetch, the socket through `ws` (injectable).
 */
import { randomUUID } from 'node:crypto';
import { WebSocket as WsWebSocket, type RawData } from 'ws';
import type { ComfyMapping, ImageRequest } from '../../../shared/types/images';
import { isConnectionError } from '../providers/provider';
import {
  ImageBackendError,
  type BackendProgress,
  type GenerateHooks,
  type GenerateResult,
  type GeneratedImage,
  type ImageBackendClient,
  type ImageBackendConfig,
  type ImageClientDeps,
} from './backend';
import {
  DEFAULT_COMFY_WORKFLOW,
  applyRequest,
  checkpointOf,
  findSamplers,
  mappedParam,
  validateWorkflowShape,
  type ComfyGraph,
} from './comfy-workflow';

export interface ComfyClientDeps extends ImageClientDeps {
  WebSocket?: typeof WsWebSocket;
  /** A job that hears nothing from ComfyUI for this long is given up (default 10 minutes). */
  idleTimeoutMs?: number;
  /** After a cancel, how long to wait for ComfyUI to confirm the interrupt (default 15 s). */
  cancelGraceMs?: number;
}

interface ImageRef {
  filename: string;
  subfolder?: string;
  type?: string;
}
interface NodeDef {
  input?: { required?: Record<string, unknown[]>; optional?: Record<string, unknown[]> };
}
interface PromptError {
  type?: string;
  message?: string;
  details?: string;
  extra_info?: { input_name?: string; received_value?: unknown; class_type?: string; node_id?: string };
}
interface HistoryEntry {
  outputs?: Record<string, { images?: ImageRef[] }>;
  status?: { status_str?: string; messages?: [string, Record<string, unknown>][] };
}
type Outcome = { kind: 'done' } | { kind: 'interrupted' } | { kind: 'error'; error: ImageBackendError };

const MINUTE = 60_000;
const CHECKPOINT_INPUTS = new Set(['ckpt_name']);

/** The options of a combo input: ComfyUI's [[...names], {…}] or the newer ["COMBO", {options}]. */
export function comboOptions(def: NodeDef | undefined, input: string): string[] {
  const spec = def?.input?.required?.[input] ?? def?.input?.optional?.[input];
  if (!Array.isArray(spec)) return [];
  const list = Array.isArray(spec[0])
    ? spec[0]
    : spec[0] === 'COMBO'
      ? (spec[1] as { options?: unknown } | undefined)?.options
      : undefined;
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
}

/** "cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync" → "NVIDIA GeForce RTX 4090". */
function deviceLabel(name: unknown): string | null {
  if (typeof name !== 'string' || !name.trim()) return null;
  const clean = name
    .replace(/^[a-z]+:\d+\s+/i, '')
    .replace(/\s+:\s+\S+$/, '')
    .trim();
  return clean === 'cpu' ? 'CPU' : clean;
}

function pngSize(data: Buffer): { width: number; height: number } | null {
  if (data.length < 24 || data.readUInt32BE(0) !== 0x89504e47 || data.toString('latin1', 12, 16) !== 'IHDR')
    return null;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

function mimeOf(filename: string, header: string | null): string {
  if (header?.startsWith('image/')) return header.split(';')[0]!;
  const ext = filename.toLowerCase().split('.').pop();
  return ext === 'jpg' || ext === 'jpeg' ? 'image/jpeg' : ext === 'webp' ? 'image/webp' : 'image/png';
}

const firstLine = (s: string, max = 300) => {
  const line = s.trim().split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
};

export function createComfyClient(config: ImageBackendConfig, deps: ComfyClientDeps = {}): ImageBackendClient {
  const doFetch = deps.fetch ?? fetch;
  const WS = deps.WebSocket ?? WsWebSocket;
  const idleTimeoutMs = deps.idleTimeoutMs ?? 10 * MINUTE;
  const cancelGraceMs = deps.cancelGraceMs ?? 15_000;
  const base = config.baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = {};
  if (config.apiKey) headers.Authorization = `Bearer ${config.apiKey}`;
  else if (config.username)
    headers.Authorization = `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64')}`;

  const unreachable = () =>
    new ImageBackendError(
      'unreachable',
      `Can't reach ComfyUI at ${base}. Is it running? Start it with --listen if it is on another machine.`,
    );

  async function http(path: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await doFetch(`${base}${path}`, { ...init, headers: { ...headers, ...(init.headers as object) } });
    } catch (err) {
      if (init.signal?.aborted) throw err;
      if (isConnectionError(err)) throw unreachable();
      throw new ImageBackendError('backend', `ComfyUI at ${base} failed: ${(err as Error).message}`);
    }
  }

  async function failed(res: Response, what: string): Promise<ImageBackendError> {
    if (res.status === 401 || res.status === 403) {
      return new ImageBackendError(
        'unauthorized',
        `ComfyUI at ${base} refused ${what} (HTTP ${res.status}): check the credentials.`,
      );
    }
    if (res.status === 404) {
      return new ImageBackendError(
        'no_api',
        `${base} answers, but not like ComfyUI (${what} is not there). Check the URL.`,
      );
    }
    const text = await res.text().catch(() => '');
    return new ImageBackendError(
      'backend',
      `ComfyUI answered HTTP ${res.status} to ${what}${text ? `: ${firstLine(text, 200)}` : ''}`,
    );
  }

  async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
    const res = await http(path, { signal });
    if (!res.ok) throw await failed(res, path);
    try {
      return (await res.json()) as T;
    } catch {
      throw new ImageBackendError('no_api', `${base}${path} did not answer with JSON: is this ComfyUI?`);
    }
  }

  async function postJson(path: string, body: unknown): Promise<Response> {
    return http(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  }

  /** Open /ws?clientId=; handlers are attached before the first message can arrive. */
  function openSocket(clientId: string, onMessage: (data: RawData, isBinary: boolean) => void, onClose: () => void) {
    const url = `${base.replace(/^http/i, 'ws')}/ws?clientId=${encodeURIComponent(clientId)}`;
    return new Promise<WsWebSocket>((resolve, reject) => {
      const ws = new WS(url, { headers, handshakeTimeout: 15_000 });
      let open = false;
      const fail = (err: ImageBackendError) => {
        if (open) return;
        ws.removeAllListeners('message');
        ws.removeAllListeners('close');
        try {
          ws.terminate();
        } catch {}
        reject(err);
      };
      ws.on('error', (err) =>
        fail(
          isConnectionError(err)
            ? unreachable()
            : new ImageBackendError('backend', `ComfyUI's WebSocket at ${url} failed: ${err.message}`),
        ),
      );
      ws.once('unexpected-response', (req, res) => {
        req.destroy();
        fail(
          new ImageBackendError(
            res.statusCode === 401 || res.statusCode === 403 ? 'unauthorized' : 'no_api',
            `ComfyUI at ${base} did not accept a WebSocket on /ws (HTTP ${res.statusCode}). If it is behind a proxy, let WebSocket upgrades through.`,
          ),
        );
      });
      ws.on('message', onMessage);
      ws.on('close', onClose);
      ws.once('open', () => {
        open = true;
        resolve(ws);
      });
    });
  }

  async function fetchImages(refs: ImageRef[], seed: number | null): Promise<GeneratedImage[]> {
    const images: GeneratedImage[] = [];
    for (const ref of refs) {
      const q = new URLSearchParams({
        filename: ref.filename,
        subfolder: ref.subfolder ?? '',
        type: ref.type ?? 'output',
      });
      const res = await http(`/view?${q}`);
      if (!res.ok) throw await failed(res, `the image ${ref.filename}`);
      const data = Buffer.from(await res.arrayBuffer());
      const size = pngSize(data);
      images.push({
        data,
        mime: mimeOf(ref.filename, res.headers.get('content-type')),
        seed,
        width: size?.width ?? null,
        height: size?.height ?? null,
      });
    }
    return images;
  }

  /** The saved images (type "output"), node by node; a workflow that only previews gives its temp images. */
  function pickImages(outputs: Record<string, { images?: ImageRef[] }>): Record<string, ImageRef[]> {
    const all = Object.entries(outputs).map(
      ([node, o]) => [node, (o?.images ?? []).filter((i) => i?.filename)] as const,
    );
    const saved = all.map(([node, imgs]) => [node, imgs.filter((i) => (i.type ?? 'output') === 'output')] as const);
    const chosen = saved.some(([, imgs]) => imgs.length)
      ? saved
      : all.map(([n, i]) => [n, i.filter((x) => x.type === 'temp')] as const);
    return Object.fromEntries(chosen.filter(([, imgs]) => imgs.length));
  }

  function promptRefused(
    body: { error?: PromptError | string; node_errors?: Record<string, unknown> } | null,
    mapping: Partial<ComfyMapping>,
  ) {
    const err = body?.error;
    if (err && typeof err === 'object' && err.type === 'missing_node_type') {
      const cls = err.extra_info?.class_type ?? err.message ?? 'unknown';
      return new ImageBackendError(
        'missing_node',
        `ComfyUI doesn't have the node type "${cls}" (${err.details ?? 'in this workflow'}). Install the custom nodes it comes from (ComfyUI-Manager's "Install Missing Custom Nodes" finds them) and restart ComfyUI, or choose another workflow.`,
      );
    }
    const nodeErrors = Object.entries(body?.node_errors ?? {}) as [
      string,
      { errors?: PromptError[]; class_type?: string },
    ][];
    for (const [, ne] of nodeErrors) {
      for (const e of ne.errors ?? []) {
        const input = e.extra_info?.input_name;
        if (e.type === 'value_not_in_list' && input && CHECKPOINT_INPUTS.has(input)) {
          return new ImageBackendError(
            'unknown_checkpoint',
            `ComfyUI has no checkpoint "${String(e.extra_info?.received_value ?? '')}". Choose one of its checkpoints (ComfyUI/models/checkpoints) or refresh the list.`,
            'checkpoint',
          );
        }
      }
    }
    for (const [id, ne] of nodeErrors) {
      const e = ne.errors?.[0];
      if (!e) continue;
      const input = e.extra_info?.input_name;
      const field = input ? (mappedParam(mapping, `${id}.${input}`) ?? input) : undefined;
      return new ImageBackendError(
        'validation',
        `ComfyUI refused ${ne.class_type ?? 'a node'} (node ${id})${input ? `, input "${input}"` : ''}: ${e.message ?? e.type}${e.details ? ` (${firstLine(e.details, 200)})` : ''}.`,
        field,
      );
    }
    if (err && typeof err === 'object' && err.type === 'prompt_no_outputs') {
      return new ImageBackendError(
        'validation',
        'The workflow has no output node: add a Save Image node to it.',
        'workflow',
      );
    }
    const text = typeof err === 'string' ? err : (err?.message ?? 'the workflow is invalid');
    return new ImageBackendError(
      'validation',
      `ComfyUI refused the workflow: ${firstLine(text)}${typeof err === 'object' && err?.details ? ` (${firstLine(err.details, 200)})` : ''}.`,
    );
  }

  function executionFailed(data: Record<string, unknown>): ImageBackendError {
    const type = String(data.exception_type ?? '');
    const msg = String(data.exception_message ?? '');
    const where = `${String(data.node_type ?? 'a node')} (node ${String(data.node_id ?? '?')})`;
    if (/OutOfMemory/i.test(type) || /out of memory|Allocation on device/i.test(msg)) {
      return new ImageBackendError(
        'out_of_memory',
        `ComfyUI ran out of GPU memory in ${where}. Try a smaller size or batch, close other programs using the GPU, or start ComfyUI with --lowvram.`,
      );
    }
    return new ImageBackendError(
      'backend',
      `ComfyUI failed in ${where}: ${type ? `${type}: ` : ''}${firstLine(msg) || 'unknown error'}`,
    );
  }

  /** Queue `prompt` and follow it to the end; see the header for the protocol. */
  async function run(
    prompt: ComfyGraph,
    mapping: Partial<ComfyMapping>,
    hooks: GenerateHooks,
    seed: number | null,
    info: { workflowId: string; model: string | null },
  ): Promise<GenerateResult> {
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
        finish({
          kind: 'error',
          error: new ImageBackendError(
            'backend',
            `ComfyUI made no progress for ${Math.round(idleTimeoutMs / MINUTE) || '<1'} minutes, so the job was given up.`,
          ),
        });
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

    const onMessage = (raw: RawData, isBinary: boolean) => {
      touch();
      const buf = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw as ArrayBuffer);
      if (isBinary) {
        if (!started || terminal || buf.length < 8) return;
        const event = buf.readUInt32BE(0);
        let mime: string | null = null;
        let data: Buffer | null = null;
        if (event === 1) {
          // PREVIEW_IMAGE: image type (1 JPEG, 2 PNG), then the image.
          mime = buf.readUInt32BE(4) === 2 ? 'image/png' : 'image/jpeg';
          data = buf.subarray(8);
        } else if (event === 4) {
          // PREVIEW_IMAGE_WITH_METADATA: metadata length, metadata JSON, then the image.
          const len = buf.readUInt32BE(4);
          try {
            const meta = JSON.parse(buf.toString('utf8', 8, 8 + len)) as { prompt_id?: string; image_type?: string };
            if (meta.prompt_id && meta.prompt_id !== promptId) return;
            mime = meta.image_type ?? 'image/jpeg';
            data = buf.subarray(8 + len);
          } catch {
            return;
          }
        }
        if (mime && data?.length) emit({ ...tracker.current(), preview: { data: Buffer.from(data), mime } });
        return;
      }
      try {
        const msg = JSON.parse(buf.toString('utf8')) as { type?: string; data?: Record<string, unknown> };
        if (typeof msg.type === 'string') onJson(msg.type, msg.data ?? {});
      } catch {}
    };

    let socket: WsWebSocket | null = null;
    let closing = false;
    const onClose = () => {
      if (closing || settled) return;
      void reconnect();
    };
    /** The socket dropped mid-job (ComfyUI restarted, network): reconnect and ask the history. */
    async function reconnect() {
      for (let attempt = 0; attempt < 3 && !settled; attempt++) {
        await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
        try {
          const again = await openSocket(clientId, onMessage, onClose);
          if (closing) {
            again.close();
            return;
          }
          socket = again;
          if (promptId) {
            const h = await historyOf(promptId);
            if (h) finish(outcomeOf(h));
          }
          return;
        } catch {}
      }
      finish({
        kind: 'error',
        error: new ImageBackendError(
          'unreachable',
          `Lost the connection to ComfyUI at ${base} while it was generating.`,
        ),
      });
    }

    async function historyOf(id: string): Promise<HistoryEntry | null> {
      const all = await getJson<Record<string, HistoryEntry>>(`/history/${encodeURIComponent(id)}`);
      return all?.[id] ?? null;
    }
    function outcomeOf(h: HistoryEntry): Outcome {
      if (h.status?.status_str !== 'error') return { kind: 'done' };
      const err = h.status.messages?.find(([t]) => t === 'execution_error');
      return err ? { kind: 'error', error: executionFailed(err[1]) } : { kind: 'interrupted' };
    }

    /** Take our prompt off ComfyUI: out of the queue if it waits, interrupted if it runs. */
    async function stopOnServer(): Promise<'dropped' | 'interrupting'> {
      if (!promptId) return 'dropped';
      if (!started) {
        await postJson('/queue', { delete: [promptId] });
        const q = await getJson<{ queue_running?: unknown[][] }>('/queue');
        const runningNow = (q.queue_running ?? []).some((row) => Array.isArray(row) && row[1] === promptId);
        if (!runningNow && !started) return 'dropped';
      }
      await postJson('/interrupt', { prompt_id: promptId });
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

    try {
      socket = await openSocket(clientId, onMessage, onClose);
      if (hooks.signal.aborted) return empty();
      touch();
      const res = await postJson('/prompt', { prompt, client_id: clientId });
      if (res.status === 400) {
        const body = (await res.json().catch(() => null)) as Parameters<typeof promptRefused>[0];
        throw promptRefused(body, mapping);
      }
      if (!res.ok) throw await failed(res, 'POST /prompt');
      const queued = (await res.json().catch(() => null)) as { prompt_id?: string } | null;
      if (!queued?.prompt_id)
        throw new ImageBackendError(
          'no_api',
          `${base} accepted the prompt but returned no prompt_id: is this ComfyUI?`,
        );
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
        const h = await historyOf(promptId);
        if (h?.outputs) {
          const fromHistory = pickImages(h.outputs);
          if (Object.keys(fromHistory).length || !Object.keys(executed).length) outputs = fromHistory;
        }
        if (outputs === executed)
          outputs = pickImages(Object.fromEntries(Object.entries(executed).map(([k, v]) => [k, { images: v }])));
        images = await fetchImages(Object.values(outputs).flat(), seed);
      } catch (err) {
        if (!userCancelled && !interrupted) throw err;
        outputs = {};
      }
      return {
        images,
        info: {
          promptId,
          outputs: Object.fromEntries(
            Object.entries(outputs).map(([node, refs]) => [node, refs.map((r) => r.filename)]),
          ),
          workflowId: info.workflowId,
        },
        model: info.model,
        interrupted,
      };
    } catch (err) {
      if (userCancelled || hooks.signal.aborted) return empty();
      throw err;
    } finally {
      closing = true;
      clearTimeout(idle);
      clearTimeout(grace);
      hooks.signal.removeEventListener('abort', onAbort);
      try {
        socket?.close();
      } catch {}
    }
  }

  return {
    async test() {
      const stats = await getJson<{ system?: { comfyui_version?: string }; devices?: { name?: string }[] }>(
        '/system_stats',
      );
      if (!stats?.system)
        throw new ImageBackendError('no_api', `${base}/system_stats is not ComfyUI's: check the URL.`);
      const version = String(stats.system.comfyui_version ?? 'unknown').replace(/^v(?=\d)/, '');
      const device = deviceLabel(stats.devices?.[0]?.name);
      return device ? `ComfyUI ${version} · ${device}` : `ComfyUI ${version}`;
    },

    async options() {
      const [ckpt, ks] = await Promise.all([
        getJson<Record<string, NodeDef>>('/object_info/CheckpointLoaderSimple'),
        getJson<Record<string, NodeDef>>('/object_info/KSampler'),
      ]);
      return {
        checkpoints: comboOptions(ckpt.CheckpointLoaderSimple, 'ckpt_name').map((name) => ({
          name,
          title: name.replace(/\.(safetensors|ckpt|pt|pth|bin|sft|gguf)$/i, ''),
        })),
        currentCheckpoint: null,
        samplers: comboOptions(ks.KSampler, 'sampler_name'),
        schedulers: comboOptions(ks.KSampler, 'scheduler'),
        sizes: [],
        qualities: [],
        img2img: false,
      };
    },

    async generate(req: ImageRequest, hooks: GenerateHooks): Promise<GenerateResult> {
      const workflow = hooks.workflow ?? DEFAULT_COMFY_WORKFLOW;
      const graph = validateWorkflowShape(workflow.workflow);
      const cancelled = (): GenerateResult => ({
        images: [],
        info: { promptId: null, outputs: {}, workflowId: workflow.id },
        model: null,
        interrupted: true,
      });
      if (hooks.signal.aborted) return cancelled();
      let nodes: Record<string, NodeDef>;
      try {
        nodes = await getJson<Record<string, NodeDef>>('/object_info', hooks.signal);
      } catch (err) {
        if (hooks.signal.aborted) return cancelled();
        throw err;
      }
      const missing = [...new Set(Object.values(graph).map((n) => n.class_type))].filter((c) => !(c in nodes));
      if (missing.length) {
        throw new ImageBackendError(
          'missing_node',
          `ComfyUI doesn't have the node type${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} this workflow needs. Install the custom nodes that provide ${missing.length > 1 ? 'them' : 'it'} (ComfyUI-Manager's "Install Missing Custom Nodes" finds them) and restart ComfyUI, or choose another workflow.`,
        );
      }
      let request = req;
      if (workflow.id === DEFAULT_COMFY_WORKFLOW.id && !req.checkpoint) {
        // The built-in graph names a stock checkpoint the user may not have: take ComfyUI's first.
        const available = comboOptions(nodes.CheckpointLoaderSimple, 'ckpt_name');
        const current = checkpointOf(graph, workflow.mapping);
        if (!available.length) {
          throw new ImageBackendError(
            'unknown_checkpoint',
            'ComfyUI has no checkpoints: put a model in ComfyUI/models/checkpoints, then refresh.',
            'checkpoint',
          );
        }
        if (!current || !available.includes(current)) request = { ...req, checkpoint: available[0] };
      }
      const { prompt, seed } = applyRequest(graph, workflow.mapping, request);
      return run(prompt, workflow.mapping, hooks, seed, {
        workflowId: workflow.id,
        model: checkpointOf(prompt, workflow.mapping),
      });
    },
  };
}

/**
 * Progress over the sampler steps of the whole job (a hires-fix graph has two samplers), with an ETA
 * from the step rate. Progress of other nodes (an upscaler) is not counted when samplers are known.
 */
function progressTracker(samplers: string[], emit: (p: BackendProgress) => void) {
  const done = new Set<string>();
  let node: string | null = null;
  let value = 0;
  let max = 0;
  let t0 = 0;
  let v0 = 0;
  let fraction = 0;
  let eta: number | null = null;
  const current = (): BackendProgress => ({
    fraction,
    etaSeconds: eta,
    step: node ? value : null,
    steps: node ? max : null,
  });
  return {
    current,
    step(id: string, v: number, m: number) {
      if (!Number.isFinite(v) || !Number.isFinite(m) || m <= 0) return;
      if (samplers.length && !samplers.includes(id)) return;
      const now = Date.now();
      if (id !== node) {
        if (node) done.add(node);
        node = id;
        t0 = now;
        v0 = v;
      }
      value = v;
      max = m;
      const total = Math.max(samplers.length, done.size + 1);
      fraction = Math.max(fraction, Math.min(0.99, (done.size + v / m) / total));
      const rate = v > v0 && now > t0 ? (v - v0) / (now - t0) : 0;
      const remaining = m - v + m * Math.max(0, total - done.size - 1);
      eta = rate > 0 ? Math.round(remaining / rate / 100) / 10 : null;
      emit(current());
    },
  };
}
