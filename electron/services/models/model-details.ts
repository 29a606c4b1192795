/**
 * Reading Ollama's /api/show: the context window, the capabilities (from `capabilities`, or for servers
 * older than 0.6.4 from model_info, projector_info and the template), and the model_info entries worth
 * showing.
 */
import type { ModelCapability, ModelDetails } from '../../../shared/types/domain';
import type { OllamaShow } from '../providers/ollama-provider';

const KNOWN: ModelCapability[] = ['completion', 'vision', 'thinking', 'tools', 'embedding', 'insert'];

export function contextLengthOf(show: OllamaShow): number | undefined {
  const info = show.model_info ?? {};
  const arch = typeof info['general.architecture'] === 'string' ? info['general.architecture'] : undefined;
  const key =
    (arch && `${arch}.context_length` in info && `${arch}.context_length`) ||
    Object.keys(info).find((k) => k.endsWith('.context_length'));
  const n = key ? Number(info[key]) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export function capabilitiesOf(show: OllamaShow): ModelCapability[] {
  if (Array.isArray(show.capabilities)) {
    return KNOWN.filter((c) => show.capabilities!.includes(c));
  }
  // Older servers: infer what they would have said.
  const info = show.model_info ?? {};
  const keys = Object.keys(info);
  const template = show.template ?? '';
  const caps = new Set<ModelCapability>();
  const embedding = keys.some((k) => k.endsWith('.pooling_type')) && !template.includes('.Prompt');
  caps.add(embedding ? 'embedding' : 'completion');
  if (
    (show.projector_info && Object.keys(show.projector_info).length > 0) ||
    keys.some((k) => k.includes('.vision.'))
  ) {
    caps.add('vision');
  }
  if (template.includes('.Tools')) caps.add('tools');
  if (template.includes('.Suffix')) caps.add('insert');
  if (template.includes('.Thinking') || template.includes('.IsThinkSet')) caps.add('thinking');
  return KNOWN.filter((c) => caps.has(c));
}

/** model_info entries with a plain value, tokenizer tables left out; the architecture first. */
export function selectedModelInfo(show: OllamaShow): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  const entries = Object.entries(show.model_info ?? {})
    .filter(([k, v]) => !k.startsWith('tokenizer.') && ['string', 'number', 'boolean'].includes(typeof v))
    .sort(([a], [b]) =>
      a.startsWith('general.') === b.startsWith('general.') ? a.localeCompare(b) : a.startsWith('general.') ? -1 : 1,
    );
  for (const [k, v] of entries.slice(0, 60)) out[k] = v as string | number | boolean;
  return out;
}

export function detailsFromShow(providerId: string, name: string, show: OllamaShow): ModelDetails {
  const text = (v: string | undefined) => (v && v.trim() ? v : null);
  return {
    id: `${providerId}/${name}`,
    name,
    family: show.details?.family || undefined,
    parameterSize: show.details?.parameter_size || undefined,
    quantization: show.details?.quantization_level || undefined,
    contextLength: contextLengthOf(show),
    capabilities: capabilitiesOf(show),
    parameters: text(show.parameters),
    template: text(show.template),
    system: text(show.system),
    license: text(show.license),
    modelInfo: selectedModelInfo(show),
    modifiedAt: show.modified_at ? new Date(show.modified_at).getTime() || undefined : undefined,
  };
}
