import { describe, expect, it } from 'vitest';
import { explainLines, explainOllamaLine } from './fatal-lines';

describe('Ollama log lines in plain words', () => {
  it('translates the known fatal lines', () => {
    expect(explainOllamaLine('Error: listen tcp 127.0.0.1:41234: bind: address already in use')).toEqual({
      fatal: true,
      message: expect.stringMatching(/^Another program already uses the port .* \(41234\)/),
    });
    expect(explainOllamaLine('ggml_cuda_host_malloc: cudaMalloc failed: out of memory')?.message).toMatch(
      /ran out of memory/,
    );
    expect(
      explainOllamaLine('Error: llama runner process has terminated: CUDA error: no kernel image is available')
        ?.message,
    ).toMatch(/NVIDIA GPU could not be used.*OLLAMA_GPU_DRIVER=cpu/);
    expect(explainOllamaLine('write /models/blobs/x: no space left on device')?.message).toMatch(/disk is full/);
    expect(explainOllamaLine('msg="no compatible GPUs were discovered"')).toMatchObject({ fatal: false });
    expect(explainOllamaLine('level=INFO msg="Listening on 127.0.0.1:11434"')).toBeNull();
  });

  it('prefers the fatal line over a later warning', () => {
    const e = explainLines([
      'level=INFO msg="starting"',
      'Error: listen tcp 127.0.0.1:1: bind: address already in use',
      'msg="no compatible GPUs were discovered"',
    ]);
    expect(e?.fatal).toBe(true);
    expect(e?.message).toMatch(/Another program/);
  });
});
