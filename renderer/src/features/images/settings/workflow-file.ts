/**
 * Importing a ComfyUI workflow, the pure part: the file's text read as an API-format workflow (or
 * why not: not JSON, ComfyUI's UI format, not a workflow), the node inputs offered for each
 * parameter, and the mapping form turned into images.saveWorkflow's mapping.
 */
import type { ComfyMapping, ComfyWorkflow } from '../../../../../shared/types/images';

export type ApiWorkflow = ComfyWorkflow['workflow'];

export const MAX_WORKFLOW_BYTES = 5 * 1024 * 1024;
const MAX_NODES = 500;
const NODE_ID = /^[A-Za-z0-9_:-]{1,80}$/;

const API_HOW =
  'In ComfyUI, use Workflow → Export (API) (older versions: turn on the dev mode options in its settings, then Save (API Format)).';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const isNode = (v: unknown): boolean => isObject(v) && typeof v.class_type === 'string' && isObject(v.inputs);

/** The workflow in `text` (a file called `fileName`), or what is wrong with it, in words. */
export function readWorkflow(text: string, fileName: string): { workflow: ApiWorkflow } | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return {
      error: `“${fileName}” is not a JSON file. Hearth imports ComfyUI workflows saved in API format. ${API_HOW}`,
    };
  }
  if (!isObject(data))
    return { error: `“${fileName}” is JSON but not a ComfyUI workflow (expected an object of nodes). ${API_HOW}` };
  if (Array.isArray(data.nodes) && (Array.isArray(data.links) || 'last_node_id' in data)) {
    return {
      error: `“${fileName}” is in ComfyUI’s UI format (what Save writes), which Hearth cannot run. Export it in API format instead. ${API_HOW}`,
    };
  }
  // The body of a /prompt request ({ prompt: { …nodes } }) holds the workflow under `prompt`.
  const nodes = isObject(data.prompt) && Object.values(data.prompt).some(isNode) ? data.prompt : data;
  const entries = Object.entries(nodes);
  if (entries.length === 0) return { error: `“${fileName}” has no nodes.` };
  if (entries.length > MAX_NODES)
    return { error: `“${fileName}” has ${entries.length} nodes; at most ${MAX_NODES} can be imported.` };
  for (const [id, node] of entries) {
    if (!isNode(node))
      return {
        error: `“${fileName}” is not an API-format workflow: “${id}” is not a node with a class_type and inputs. ${API_HOW}`,
      };
    if (!NODE_ID.test(id)) return { error: `“${fileName}” has a node id Hearth cannot use: “${id.slice(0, 40)}”.` };
  }
  return { workflow: nodes as ApiWorkflow };
}

/** A name for the workflow from its file name. */
export function workflowName(fileName: string): string {
  return (
    fileName
      .replace(/\.json$/i, '')
      .trim()
      .slice(0, 80) || 'Workflow'
  );
}

export const MAPPING_FIELDS: { key: keyof ComfyMapping; label: string }[] = [
  { key: 'prompt', label: 'Prompt' },
  { key: 'negativePrompt', label: 'Negative prompt' },
  { key: 'seed', label: 'Seed' },
  { key: 'steps', label: 'Steps' },
  { key: 'cfgScale', label: 'CFG scale' },
  { key: 'width', label: 'Width' },
  { key: 'height', label: 'Height' },
  { key: 'checkpoint', label: 'Checkpoint' },
  { key: 'sampler', label: 'Sampler' },
  { key: 'scheduler', label: 'Scheduler' },
  { key: 'batchSize', label: 'Batch size' },
];

export interface WorkflowNode {
  id: string;
  classType: string;
  inputs: string[];
}

export interface InputOption {
  /** "<node id>.<input name>", as the mapping stores it. */
  value: string;
  /** "<node id> · <class type> · <input>". */
  label: string;
}

/** Every node input, in the order the app listed them. */
export function inputOptions(nodes: readonly WorkflowNode[]): InputOption[] {
  return nodes.flatMap((n) =>
    n.inputs.map((input) => ({ value: `${n.id}.${input}`, label: `${n.id} · ${n.classType} · ${input}` })),
  );
}

/** One select per parameter: the node input, or '' for not mapped. */
export type MappingDraft = Record<keyof ComfyMapping, string>;

/** The form as the app suggested it (suggestions that are not among the options are left out). */
export function mappingDraft(suggested: Partial<ComfyMapping>, options: readonly InputOption[]): MappingDraft {
  const known = new Set(options.map((o) => o.value));
  const draft = {} as MappingDraft;
  for (const { key } of MAPPING_FIELDS) {
    const v = suggested[key];
    draft[key] = v && known.has(v) ? v : '';
  }
  return draft;
}

/** The mapping to store, or what to fix. */
export function mappingInput(draft: MappingDraft): { mapping: ComfyMapping } | { error: string } {
  if (!draft.prompt) return { error: 'Choose the node input that takes the prompt.' };
  const used = new Map<string, string>();
  for (const { key, label } of MAPPING_FIELDS) {
    const v = draft[key];
    if (!v) continue;
    const other = used.get(v);
    if (other) return { error: `${other} and ${label} both use ${v}; a node input takes one parameter.` };
    used.set(v, label);
  }
  const mapping: ComfyMapping = { prompt: draft.prompt };
  for (const { key } of MAPPING_FIELDS) if (key !== 'prompt' && draft[key]) mapping[key] = draft[key];
  return { mapping };
}
