/**
 * The ComfyUI backend client over its HTTP + WebSocket API (as ComfyUI's own websockets_api_example
 * does it): GET /system_stats (test), /object_info (options; every node type of a workflow checked
 * before queueing), then the job itself (comfy-job.ts): WebSocket /ws?clientId= opened before
 * POST /prompt, progress and binary preview frames from the socket, /history/{id} and /view for the
 * saved images, a cancel that resolves with the images finished so far. HTTP goes through the
 * injected fetch (comfy-http.ts), the socket through `ws` (injectable, comfy-socket.ts).
 *
 *   createComfyClient(config, deps) → { test, options, generate }
 */
import { WebSocket as WsWebSocket } from 'ws';
import type { ImageRequest } from '../../../shared/types/images';
import {
  ImageBackendError,
  type GenerateHooks,
  type GenerateResult,
  type ImageBackendClient,
  type ImageBackendConfig,
  type ImageClientDeps,
} from './backend';
import { missingNodeTypes, noCheckpoints } from './comfy-errors';
import { createComfyHttp, type NodeDef } from './comfy-http';
import { runComfyJob } from './comfy-job';
import { DEFAULT_COMFY_WORKFLOW, applyRequest, checkpointOf, validateWorkflowShape } from './comfy-workflow';

export interface ComfyClientDeps extends ImageClientDeps {
  WebSocket?: typeof WsWebSocket;
  /** A job that hears nothing from ComfyUI for this long is given up (default 10 minutes). */
  idleTimeoutMs?: number;
  /** After a cancel, how long to wait for ComfyUI to confirm the interrupt (default 15 s). */
  cancelGraceMs?: number;
}

const MINUTE = 60_000;

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

export function createComfyClient(config: ImageBackendConfig, deps: ComfyClientDeps = {}): ImageBackendClient {
  const http = createComfyHttp(config, deps.fetch ?? fetch);
  const { base, getJson } = http;
  const job = {
    http,
    WebSocket: deps.WebSocket ?? WsWebSocket,
    idleTimeoutMs: deps.idleTimeoutMs ?? 10 * MINUTE,
    cancelGraceMs: deps.cancelGraceMs ?? 15_000,
  };

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
      if (missing.length) throw missingNodeTypes(missing);
      let request = req;
      if (workflow.id === DEFAULT_COMFY_WORKFLOW.id && !req.checkpoint) {
        // The built-in graph names a stock checkpoint the user may not have: take ComfyUI's first.
        const available = comboOptions(nodes.CheckpointLoaderSimple, 'ckpt_name');
        const current = checkpointOf(graph, workflow.mapping);
        if (!available.length) throw noCheckpoints();
        if (!current || !available.includes(current)) request = { ...req, checkpoint: available[0] };
      }
      const { prompt, seed } = applyRequest(graph, workflow.mapping, request);
      return runComfyJob(job, prompt, workflow.mapping, hooks, seed, {
        workflowId: workflow.id,
        model: checkpointOf(prompt, workflow.mapping),
      });
    },
  };
}
