/** Which model the quick prompt starts with, the keyboard cycling and filter, and the no-model words. */
import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../../../shared/types/domain';
import { cycleModel, defaultQuickModel, filterModels, modelLabel, noModelText } from './model-choice';

const m = (name: string, providerId = 'ollama', providerLabel = 'Ollama', parameterSize?: string): ModelInfo => ({
  id: `${providerId}/${name}`,
  providerId,
  providerKind: providerId === 'ollama' ? 'ollama' : 'openai',
  providerLabel,
  name,
  parameterSize,
});
const MODELS = [m('llama3.2:1b', 'ollama', 'Ollama', '1.2B'), m('qwen2.5:0.5b'), m('gpt-4o', 'openai', 'OpenAI')];

describe('quick prompt models', () => {
  it('starts with the quick prompt model, else the default, else the first (ids or bare names)', () => {
    expect(defaultQuickModel(MODELS, 'openai/gpt-4o', 'ollama/qwen2.5:0.5b')).toBe('openai/gpt-4o');
    expect(defaultQuickModel(MODELS, 'gone', 'qwen2.5:0.5b')).toBe('ollama/qwen2.5:0.5b');
    expect(defaultQuickModel(MODELS, null, null)).toBe('ollama/llama3.2:1b');
    expect(defaultQuickModel([], 'openai/gpt-4o', null)).toBeNull();
  });

  it('cycles both ways and wraps; an unknown current starts at an end', () => {
    expect(cycleModel(MODELS, 'ollama/llama3.2:1b', 1)).toBe('ollama/qwen2.5:0.5b');
    expect(cycleModel(MODELS, 'openai/gpt-4o', 1)).toBe('ollama/llama3.2:1b');
    expect(cycleModel(MODELS, 'ollama/llama3.2:1b', -1)).toBe('openai/gpt-4o');
    expect(cycleModel(MODELS, null, -1)).toBe('openai/gpt-4o');
    expect(cycleModel([], 'x', 1)).toBe('x');
  });

  it('filters by every word over name, provider and size', () => {
    expect(filterModels(MODELS, 'qwen').map((x) => x.name)).toEqual(['qwen2.5:0.5b']);
    expect(filterModels(MODELS, 'ollama 1.2b').map((x) => x.name)).toEqual(['llama3.2:1b']);
    expect(filterModels(MODELS, '  ')).toHaveLength(3);
    expect(filterModels(MODELS, 'nothing')).toEqual([]);
  });

  it('labels name the provider only when there are several', () => {
    expect(modelLabel(MODELS, 'openai/gpt-4o')).toBe('gpt-4o · OpenAI');
    expect(modelLabel(MODELS.slice(0, 2), 'ollama/qwen2.5:0.5b')).toBe('qwen2.5:0.5b');
    expect(modelLabel(MODELS, null)).toBe('No model');
    expect(modelLabel(MODELS, 'ollama/gone')).toBe('ollama/gone');
  });

  it('says why nothing can be asked', () => {
    expect(noModelText({ models: MODELS, providers: [] })).toBeNull();
    expect(noModelText({ models: [], providers: [] })).toMatch(/No model is installed yet/);
    expect(
      noModelText({
        models: [],
        providers: [
          {
            providerId: 'ollama',
            kind: 'ollama',
            label: 'Ollama',
            baseUrl: 'http://127.0.0.1:11434',
            ok: false,
            models: 0,
            error: 'connection refused',
          },
        ],
      }),
    ).toBe(
      'Ollama is not answering at http://127.0.0.1:11434 (connection refused). Start it, or set its address in Hearth’s Settings, then try again.',
    );
  });
});
