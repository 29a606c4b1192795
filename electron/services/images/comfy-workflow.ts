/**
 * ComfyUI workflows, pure functions only: the built-in txt2img graph (DEFAULT_COMFY_WORKFLOW), a shape
 * check with helpful words for the common mistakes (validateWorkflowShape: UI format instead of API
 * format), a guess of which node inputs take the prompt, seed, size… (detectMapping), and applying a
 * request to a copy of the graph (applyRequest). The graph is ComfyUI's API format:
 * { "<node id>": { class_type, inputs } } where an input is a plain value or a link [nodeId, outputIndex].
 */
import type { ComfyMapping, ComfyWorkflow, ImageRequest } from '../../../shared/types/images';
import { ImageBackendError } from './backend';

export type ComfyGraph = ComfyWorkflow['workflow'];
type ComfyNode = ComfyGraph[string];

const DEFAULT_GRAPH: ComfyGraph = {
  '3': {
    class_type: 'KSampler',
    inputs: {
      seed: 0,
      steps: 20,
      cfg: 7,
      sampler_name: 'euler',
      scheduler: 'normal',
      denoise: 1,
      model: ['4', 0],
      positive: ['6', 0],
      negative: ['7', 0],
      latent_image: ['5', 0],
    },
    _meta: { title: 'KSampler' },
  },
  '4': {
    class_type: 'CheckpointLoaderSimple',
    inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' },
    _meta: { title: 'Load Checkpoint' },
  },
  '5': {
    class_type: 'EmptyLatentImage',
    inputs: { width: 512, height: 512, batch_size: 1 },
    _meta: { title: 'Empty Latent Image' },
  },
  '6': {
    class_type: 'CLIPTextEncode',
    inputs: { text: '', clip: ['4', 1] },
    _meta: { title: 'CLIP Text Encode (Positive Prompt)' },
  },
  '7': {
    class_type: 'CLIPTextEncode',
    inputs: { text: '', clip: ['4', 1] },
    _meta: { title: 'CLIP Text Encode (Negative Prompt)' },
  },
  '8': {
    class_type: 'VAEDecode',
    inputs: { samples: ['3', 0], vae: ['4', 2] },
    _meta: { title: 'VAE Decode' },
  },
  '9': {
    class_type: 'SaveImage',
    inputs: { filename_prefix: 'Hearth', images: ['8', 0] },
    _meta: { title: 'Save Image' },
  },
};

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/** ComfyUI's standard SD txt2img graph. Frozen: applyRequest works on a copy. */
export const DEFAULT_COMFY_WORKFLOW: ComfyWorkflow = deepFreeze({
  id: 'default',
  name: 'Built-in txt2img',
  workflow: DEFAULT_GRAPH,
  mapping: {
    prompt: '6.text',
    negativePrompt: '7.text',
    seed: '3.seed',
    steps: '3.steps',
    cfgScale: '3.cfg',
    sampler: '3.sampler_name',
    scheduler: '3.scheduler',
    width: '5.width',
    height: '5.height',
    batchSize: '5.batch_size',
    checkpoint: '4.ckpt_name',
  },
});

/** Is this input a link to another node's output ([nodeId, outputIndex])? */
export function isLink(v: unknown): v is [string, number] {
  return Array.isArray(v) && v.length === 2 && (typeof v[0] === 'string' || typeof v[0] === 'number');
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Check that `value` is an API-format graph; throws ImageBackendError 'validation' with words the user
 * can act on (the UI format, a JSON string, a node without class_type, a link to a missing node).
 */
export function validateWorkflowShape(value: unknown): ComfyGraph {
  const refuse = (message: string): never => {
    throw new ImageBackendError('validation', message, 'workflow');
  };
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      refuse('The workflow is not valid JSON.');
    }
  }
  if (!isObject(value)) return refuse('The workflow must be a JSON object of nodes.');
  if (Array.isArray(value.nodes) && Array.isArray(value.links)) {
    return refuse(
      "This is ComfyUI's UI format; export it with 'Export (API)' (enable dev mode options in older versions).",
    );
  }
  if (isObject(value.prompt) && !('class_type' in value)) {
    return refuse('This looks like a /prompt request body: use only the workflow inside its "prompt" field.');
  }
  const obj: Record<string, unknown> = value;
  const ids = Object.keys(obj);
  if (ids.length === 0) return refuse('The workflow has no nodes.');
  for (const id of ids) {
    const node: unknown = obj[id];
    if (!isObject(node) || typeof node.class_type !== 'string' || !node.class_type) {
      return refuse(
        `Node "${id}" has no class_type: this is not an API-format workflow. In ComfyUI use 'Export (API)' (enable dev mode options in older versions).`,
      );
    }
    if (node.inputs !== undefined && !isObject(node.inputs)) return refuse(`Node "${id}" has no inputs object.`);
    for (const [name, input] of Object.entries((node.inputs as Record<string, unknown> | undefined) ?? {})) {
      if (isLink(input) && !(String(input[0]) in obj)) {
        return refuse(
          `Node "${id}" (${node.class_type}) links its input "${name}" to node "${input[0]}", which is not in the workflow.`,
        );
      }
    }
  }
  const graph = obj as ComfyGraph;
  for (const node of Object.values(graph)) node.inputs ??= {};
  return graph;
}

// ---- detectMapping -------------------------------------------------------------------------------

const SAMPLER_TYPES = /^(KSampler|KSamplerAdvanced|SamplerCustom|SamplerCustomAdvanced)$|sampler/i;
const EMPTY_LATENT = /^Empty.*Latent/i;
const CHECKPOINT_INPUTS = ['ckpt_name'];
const SEED_INPUTS = ['seed', 'noise_seed'];
const TEXT_INPUTS = ['text', 'text_g', 'prompt'];
/** Inputs a passthrough node (FluxGuidance, ConditioningSetArea…) carries a prompt's conditioning on. */
const CONDITIONING_INPUTS = ['conditioning', 'conditioning_to', 'conditioning_1', 'positive'];

function plainInput(graph: ComfyGraph, id: string, names: string[]): string | undefined {
  const inputs = graph[id]?.inputs ?? {};
  return names.find((n) => n in inputs && !isLink(inputs[n]));
}

/**
 * The node input that holds a value: the input itself when plain, or the value input of the
 * primitive node it links to (a "Seed" or "Primitive" node): "<id>.<input>".
 */
function valueRef(graph: ComfyGraph, id: string, names: string[], primitiveNames: string[] = []): string | undefined {
  const inputs = graph[id]?.inputs ?? {};
  for (const name of names) {
    if (!(name in inputs)) continue;
    const v = inputs[name];
    if (!isLink(v)) return `${id}.${name}`;
    const from = String(v[0]);
    const found = plainInput(graph, from, [...names, ...primitiveNames, 'value']);
    if (found) return `${from}.${found}`;
  }
  return undefined;
}

/**
 * Breadth-first up the links of `start`'s `inputNames` to the first node `match` accepts. Beyond the
 * first hop only the `via` inputs are followed (all when absent), and `stop` nodes are not passed.
 */
function findUpstream(
  graph: ComfyGraph,
  start: string,
  inputNames: string[],
  match: (node: ComfyNode) => boolean,
  opts: { via?: string[]; stop?: (node: ComfyNode) => boolean } = {},
): string | undefined {
  const seen = new Set<string>([start]);
  const startInputs = graph[start]?.inputs ?? {};
  let frontier = inputNames.flatMap((n) => {
    const v = startInputs[n];
    return isLink(v) ? [String(v[0])] : [];
  });
  for (let depth = 0; depth < 12 && frontier.length; depth++) {
    const next: string[] = [];
    for (const id of frontier) {
      if (seen.has(id)) continue;
      seen.add(id);
      const node = graph[id];
      if (!node) continue;
      if (match(node)) return id;
      if (opts.stop?.(node)) continue;
      for (const [name, v] of Object.entries(node.inputs)) {
        if (isLink(v) && (!opts.via || opts.via.includes(name))) next.push(String(v[0]));
      }
    }
    frontier = next;
  }
  return undefined;
}

const hasPlain = (node: ComfyNode, names: string[]) => names.some((n) => n in node.inputs && !isLink(node.inputs[n]));

const isSampler = (node: ComfyNode) => 'latent_image' in node.inputs && SAMPLER_TYPES.test(node.class_type);
/** Has a prompt text input (plain text, or linked to a text node). */
const hasText = (node: ComfyNode) =>
  TEXT_INPUTS.some((n) => typeof node.inputs[n] === 'string' || (n in node.inputs && isLink(node.inputs[n])));
const LATENT_VIA = { via: ['samples', 'latent_image', 'latent'], stop: isSampler };

function samplerNodes(graph: ComfyGraph): string[] {
  return Object.keys(graph).filter((id) => isSampler(graph[id]!));
}

const byNodeId = (a: string, b: string) => {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
};

/** The sampler node ids of a graph (the nodes whose progress counts for a job), first pass first. */
export function findSamplers(graph: ComfyGraph): string[] {
  const first = pickSampler(graph);
  const all = samplerNodes(graph).sort(byNodeId);
  return first ? [first, ...all.filter((id) => id !== first)] : all;
}

/** The first-pass sampler: the one whose latent comes from an empty latent (not from another sampler). */
function pickSampler(graph: ComfyGraph): string | undefined {
  const samplers = samplerNodes(graph).sort(byNodeId);
  const fromEmpty = samplers.find((id) =>
    findUpstream(graph, id, ['latent_image'], (n) => EMPTY_LATENT.test(n.class_type), LATENT_VIA),
  );
  return fromEmpty ?? samplers[0];
}

/**
 * Suggest which node inputs take each parameter: the first-pass sampler's seed/steps/cfg/sampler/
 * scheduler (also through SamplerCustomAdvanced's noise/guider/sampler/sigmas nodes), the text of the
 * prompts its positive/negative links lead to, the empty latent's size and batch, the checkpoint loader's
 * ckpt_name. Only plain values are mapped; `nodes` lists every node with its plain inputs.
 */
export function detectMapping(workflow: ComfyGraph): {
  mapping: Partial<ComfyMapping>;
  nodes: { id: string; classType: string; inputs: string[] }[];
} {
  const graph = workflow;
  const nodes = Object.keys(graph)
    .sort(byNodeId)
    .map((id) => ({
      id,
      classType: graph[id]!.class_type,
      inputs: Object.entries(graph[id]!.inputs ?? {})
        .filter(([, v]) => !isLink(v))
        .map(([k]) => k),
    }));
  const mapping: Partial<ComfyMapping> = {};
  const set = (key: keyof ComfyMapping, ref: string | undefined) => {
    if (ref && !mapping[key]) mapping[key] = ref;
  };
  const sampler = pickSampler(graph);

  if (sampler) {
    // Parts of SamplerCustomAdvanced: noise (RandomNoise), guider (CFGGuider/BasicGuider), sampler
    // (KSamplerSelect), sigmas (BasicScheduler). Plain KSampler has them all itself.
    const part = (input: string, names: string[]) => findUpstream(graph, sampler, [input], (n) => hasPlain(n, names));
    set('seed', valueRef(graph, sampler, SEED_INPUTS, ['int']));
    const noise = findUpstream(graph, sampler, ['noise'], (n) => SEED_INPUTS.some((k) => k in n.inputs));
    if (noise) set('seed', valueRef(graph, noise, SEED_INPUTS));
    set('steps', valueRef(graph, sampler, ['steps']));
    set('cfgScale', valueRef(graph, sampler, ['cfg']));
    set('sampler', valueRef(graph, sampler, ['sampler_name']));
    set('scheduler', valueRef(graph, sampler, ['scheduler']));
    const guider = findUpstream(
      graph,
      sampler,
      ['guider'],
      (n) => 'positive' in n.inputs || 'conditioning' in n.inputs,
    );
    if (guider) set('cfgScale', valueRef(graph, guider, ['cfg']));
    const samplerSelect = part('sampler', ['sampler_name']);
    if (samplerSelect) set('sampler', valueRef(graph, samplerSelect, ['sampler_name']));
    const sigmas = part('sigmas', ['steps', 'scheduler']);
    if (sigmas) {
      set('steps', valueRef(graph, sigmas, ['steps']));
      set('scheduler', valueRef(graph, sigmas, ['scheduler']));
    }

    const textOf = (from: string, input: string) => {
      const id = findUpstream(graph, from, [input], hasText, { via: CONDITIONING_INPUTS });
      return id ? valueRef(graph, id, TEXT_INPUTS, ['string']) : undefined;
    };
    const condHolder = guider ?? sampler;
    set('prompt', textOf(condHolder, 'positive') ?? textOf(condHolder, 'conditioning'));
    set('negativePrompt', textOf(condHolder, 'negative'));

    const latent = findUpstream(
      graph,
      sampler,
      ['latent_image'],
      (n) => EMPTY_LATENT.test(n.class_type) || hasPlain(n, ['width', 'height']),
      LATENT_VIA,
    );
    if (latent) {
      set('width', valueRef(graph, latent, ['width']));
      set('height', valueRef(graph, latent, ['height']));
      set('batchSize', valueRef(graph, latent, ['batch_size']));
    }
    const loader = findUpstream(graph, sampler, ['model'], (n) => hasPlain(n, CHECKPOINT_INPUTS));
    if (loader) set('checkpoint', valueRef(graph, loader, CHECKPOINT_INPUTS));
  }
  if (!mapping.checkpoint) {
    const loader = Object.keys(graph)
      .sort(byNodeId)
      .find((id) => hasPlain(graph[id]!, CHECKPOINT_INPUTS));
    if (loader) set('checkpoint', valueRef(graph, loader, CHECKPOINT_INPUTS));
  }
  if (!mapping.prompt) {
    // No sampler found (or its prompt is not plain text): the first text-encode node.
    const text = Object.keys(graph)
      .sort(byNodeId)
      .find((id) => /TextEncode/i.test(graph[id]!.class_type) && hasText(graph[id]!));
    if (text) set('prompt', valueRef(graph, text, TEXT_INPUTS));
  }
  return { mapping, nodes };
}

// ---- applyRequest --------------------------------------------------------------------------------

const PARAMS: { key: keyof ComfyMapping; value(req: ImageRequest): unknown }[] = [
  { key: 'prompt', value: (r) => r.prompt },
  { key: 'negativePrompt', value: (r) => r.negativePrompt },
  { key: 'steps', value: (r) => r.steps },
  { key: 'cfgScale', value: (r) => r.cfgScale },
  { key: 'width', value: (r) => r.width },
  { key: 'height', value: (r) => r.height },
  { key: 'checkpoint', value: (r) => r.checkpoint },
  { key: 'sampler', value: (r) => r.sampler },
  { key: 'scheduler', value: (r) => r.scheduler },
  { key: 'batchSize', value: (r) => r.batchSize },
];

/** A random seed 0 … 2^50 (well inside ComfyUI's range, and exact as a JS number). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 50);
}

/** Split "<node id>.<input name>" (node ids have no dots). */
export function parseRef(ref: string): { node: string; input: string } | null {
  const dot = ref.indexOf('.');
  if (dot <= 0 || dot === ref.length - 1) return null;
  return { node: ref.slice(0, dot), input: ref.slice(dot + 1) };
}

/** The parameter a "node.input" is mapped to, if any ('steps', 'checkpoint'…). */
export function mappedParam(mapping: Partial<ComfyMapping>, ref: string): keyof ComfyMapping | undefined {
  return (Object.keys(mapping) as (keyof ComfyMapping)[]).find((k) => mapping[k] === ref);
}

/**
 * A copy of the graph with the request's values set on the mapped inputs (unmapped or absent values
 * keep the workflow's own). The seed is the request's, or random when absent or -1; `seed` is null when
 * the workflow maps no seed. Throws 'validation' when a mapped "node.input" is not in the graph.
 */
export function applyRequest(
  workflow: ComfyGraph,
  mapping: Partial<ComfyMapping>,
  req: ImageRequest,
): { prompt: ComfyGraph; seed: number | null } {
  const prompt = structuredClone(workflow) as ComfyGraph;
  if (!mapping.prompt) {
    throw new ImageBackendError(
      'validation',
      'The workflow has no prompt mapping: choose the node input that takes the prompt.',
      'prompt',
    );
  }
  const target = (key: keyof ComfyMapping, ref: string) => {
    const parsed = parseRef(ref);
    const node = parsed ? prompt[parsed.node] : undefined;
    if (!parsed || !node) {
      throw new ImageBackendError(
        'validation',
        `The workflow's mapping for ${key} points to "${ref}", but there is no node "${parsed?.node ?? ref}" in the workflow.`,
        key,
      );
    }
    if (!(parsed.input in node.inputs)) {
      throw new ImageBackendError(
        'validation',
        `The workflow's mapping for ${key} points to "${ref}", but node ${parsed.node} (${node.class_type}) has no input "${parsed.input}".`,
        key,
      );
    }
    if (isLink(node.inputs[parsed.input])) {
      throw new ImageBackendError(
        'validation',
        `The workflow's mapping for ${key} points to "${ref}", which is connected to another node; map a plain value instead.`,
        key,
      );
    }
    return { node, input: parsed.input };
  };
  // Check every mapping first, so a broken one is named even when the request leaves it unused.
  const targets = new Map<keyof ComfyMapping, { node: ComfyNode; input: string }>();
  for (const key of Object.keys(mapping) as (keyof ComfyMapping)[]) {
    const ref = mapping[key];
    if (ref) targets.set(key, target(key, ref));
  }
  for (const p of PARAMS) {
    const t = targets.get(p.key);
    const v = p.value(req);
    if (t && v !== undefined && v !== null) t.node.inputs[t.input] = v;
  }
  let seed: number | null = null;
  const seedTarget = targets.get('seed');
  if (seedTarget) {
    seed = req.seed === undefined || req.seed === null || req.seed < 0 ? randomSeed() : req.seed;
    seedTarget.node.inputs[seedTarget.input] = seed;
  }
  return { prompt, seed };
}

/** The checkpoint a graph will load: the mapped input's value, else the first checkpoint loader's. */
export function checkpointOf(graph: ComfyGraph, mapping: Partial<ComfyMapping>): string | null {
  const parsed = mapping.checkpoint ? parseRef(mapping.checkpoint) : null;
  const mapped = parsed ? graph[parsed.node]?.inputs[parsed.input] : undefined;
  if (typeof mapped === 'string') return mapped;
  for (const id of Object.keys(graph).sort(byNodeId)) {
    const v = graph[id]!.inputs.ckpt_name;
    if (typeof v === 'string') return v;
  }
  return null;
}
