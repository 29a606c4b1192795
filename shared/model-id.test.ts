/** Model ids: provider and model part, Ollama names with slashes, the implicit :latest tag. */
import { describe, expect, it } from 'vitest';
import { isOllamaProviderId, modelName, ollamaRef, splitModelId, withTag } from './model-id';

describe('splitModelId', () => {
  it('splits at the first slash; the model part keeps its own slashes and tag', () => {
    expect(splitModelId('ollama/llama3.2:1b')).toEqual({ providerId: 'ollama', model: 'llama3.2:1b' });
    expect(splitModelId('ollama-gpu-box/hf.co/a/b:Q4')).toEqual({
      providerId: 'ollama-gpu-box',
      model: 'hf.co/a/b:Q4',
    });
    expect(splitModelId('openai/gpt-4o')).toEqual({ providerId: 'openai', model: 'gpt-4o' });
  });

  it('is null without both parts', () => {
    for (const id of ['llama3.2', '/llama3.2', 'ollama/', '', '/']) expect(splitModelId(id)).toBeNull();
  });
});

describe('modelName', () => {
  it('is the model part, or the id itself when there is none', () => {
    expect(modelName('ollama/hf.co/a/b:Q4')).toBe('hf.co/a/b:Q4');
    expect(modelName('llama3.2')).toBe('llama3.2');
    expect(modelName('ollama/')).toBe('ollama/');
  });
});

describe('ollamaRef', () => {
  it('takes an Ollama server prefix, else the whole is a name on the primary server', () => {
    expect(ollamaRef('ollama-gpu-box/hf.co/a/b:Q4')).toEqual({ providerId: 'ollama-gpu-box', name: 'hf.co/a/b:Q4' });
    expect(ollamaRef('ollama/llama3.2')).toEqual({ providerId: 'ollama', name: 'llama3.2' });
    expect(ollamaRef('llama3.2')).toEqual({ providerId: 'ollama', name: 'llama3.2' });
    expect(ollamaRef('hf.co/a/b:Q4')).toEqual({ providerId: 'ollama', name: 'hf.co/a/b:Q4' });
  });

  it('asks the caller which prefixes are servers when it knows', () => {
    const known = new Set(['ollama', 'lab']);
    expect(ollamaRef('lab/phi4', (id) => known.has(id))).toEqual({ providerId: 'lab', name: 'phi4' });
    expect(ollamaRef('ollama-x/phi4', (id) => known.has(id))).toEqual({ providerId: 'ollama', name: 'ollama-x/phi4' });
  });

  it('knows Ollama server ids', () => {
    expect(isOllamaProviderId('ollama')).toBe(true);
    expect(isOllamaProviderId('ollama-gpu-box')).toBe(true);
    expect(isOllamaProviderId('openai')).toBe(false);
    expect(isOllamaProviderId('hf.co')).toBe(false);
  });
});

describe('withTag', () => {
  it('adds :latest to a name without a tag, and only then', () => {
    expect(withTag('phi4')).toBe('phi4:latest');
    expect(withTag('phi4:latest')).toBe('phi4:latest');
    expect(withTag('llama3.2:1b')).toBe('llama3.2:1b');
    expect(withTag('hf.co/a/b')).toBe('hf.co/a/b:latest');
    expect(withTag('hf.co/a/b:Q4')).toBe('hf.co/a/b:Q4');
    // A colon in the host part (a registry port) is not a tag.
    expect(withTag('localhost:5000/a/b')).toBe('localhost:5000/a/b:latest');
  });
});
