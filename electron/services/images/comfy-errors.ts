/**
 * ComfyUI's failures as ImageBackendErrors that say what to do: HTTP answers (401/403, 404, others),
 * a /prompt 400 body (missing node type, unknown checkpoint, a node's invalid input, no output node),
 * an execution_error message (out of GPU memory or a node's exception), and connection trouble
 * (unreachable, WebSocket refused, lost mid-job, no progress for too long).
 */
import type { ComfyMapping } from '../../../shared/types/images';
import { ImageBackendError } from './backend';
import { mappedParam } from './comfy-workflow';

/** One entry of a /prompt 400 body (its `error`, or one of a node's `errors`). */
interface PromptError {
  type?: string;
  message?: string;
  details?: string;
  extra_info?: { input_name?: string; received_value?: unknown; class_type?: string; node_id?: string };
}

/** The body ComfyUI sends with a 400 from POST /prompt. */
export type PromptRefusal = { error?: PromptError | string; node_errors?: Record<string, unknown> } | null;

const MINUTE = 60_000;
const CHECKPOINT_INPUTS = new Set(['ckpt_name']);

export const firstLine = (s: string, max = 300) => {
  const line = s.trim().split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
};

export const unreachable = (base: string) =>
  new ImageBackendError(
    'unreachable',
    `Can't reach ComfyUI at ${base}. Is it running? Start it with --listen if it is on another machine.`,
  );

/** A fetch that threw without an answer (the connection itself failed otherwise). */
export const requestFailed = (base: string, err: unknown) =>
  new ImageBackendError('backend', `ComfyUI at ${base} failed: ${(err as Error).message}`);

/** A non-OK HTTP answer to `what`. */
export async function httpFailed(res: Response, what: string, base: string): Promise<ImageBackendError> {
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

export const notJson = (base: string, path: string) =>
  new ImageBackendError('no_api', `${base}${path} did not answer with JSON: is this ComfyUI?`);

export const socketFailed = (url: string, err: Error) =>
  new ImageBackendError('backend', `ComfyUI's WebSocket at ${url} failed: ${err.message}`);

export const socketRefused = (base: string, status: number | undefined) =>
  new ImageBackendError(
    status === 401 || status === 403 ? 'unauthorized' : 'no_api',
    `ComfyUI at ${base} did not accept a WebSocket on /ws (HTTP ${status}). If it is behind a proxy, let WebSocket upgrades through.`,
  );

export const connectionLost = (base: string) =>
  new ImageBackendError('unreachable', `Lost the connection to ComfyUI at ${base} while it was generating.`);

export const noProgress = (idleTimeoutMs: number) =>
  new ImageBackendError(
    'backend',
    `ComfyUI made no progress for ${Math.round(idleTimeoutMs / MINUTE) || '<1'} minutes, so the job was given up.`,
  );

export const noPromptId = (base: string) =>
  new ImageBackendError('no_api', `${base} accepted the prompt but returned no prompt_id: is this ComfyUI?`);

/** Node types the workflow needs that /object_info doesn't list. */
export const missingNodeTypes = (missing: string[]) =>
  new ImageBackendError(
    'missing_node',
    `ComfyUI doesn't have the node type${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} this workflow needs. Install the custom nodes that provide ${missing.length > 1 ? 'them' : 'it'} (ComfyUI-Manager's "Install Missing Custom Nodes" finds them) and restart ComfyUI, or choose another workflow.`,
  );

export const noCheckpoints = () =>
  new ImageBackendError(
    'unknown_checkpoint',
    'ComfyUI has no checkpoints: put a model in ComfyUI/models/checkpoints, then refresh.',
    'checkpoint',
  );

/** A 400 from POST /prompt; a node's invalid input is named by the request field mapped onto it. */
export function promptRefused(body: PromptRefusal, mapping: Partial<ComfyMapping>): ImageBackendError {
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

/** An execution_error message (from the socket or from /history). */
export function executionFailed(data: Record<string, unknown>): ImageBackendError {
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
