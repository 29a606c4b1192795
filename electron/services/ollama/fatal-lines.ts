/**
 * Known lines from `ollama serve`'s log, translated into plain words that say what to do.
 * `fatal` lines explain why the server stopped; the others are worth showing but not fatal.
 */
export interface Explained {
  message: string;
  fatal: boolean;
}

const RULES: { test: RegExp; fatal: boolean; message: (line: string) => string }[] = [
  {
    test: /bind: address already in use|only one usage of each socket address/i,
    fatal: true,
    message: (line) => {
      const port = /:(\d+): bind/.exec(line)?.[1];
      return `Another program already uses the port Ollama was told to listen on${port ? ` (${port})` : ''}. Hearth picks a different free port when it restarts Ollama; if you set the port yourself (HEARTH_OLLAMA_PORT), choose another one or quit the program that holds it.`;
    },
  },
  {
    test: /out of memory|cudaMalloc failed|failed to allocate|requires more system memory|insufficient memory|cannot allocate memory|\bOOM\b/i,
    fatal: true,
    message: () =>
      'Ollama ran out of memory. Close other programs or unload models, choose a smaller model (or a smaller quantisation), or lower the context length.',
  },
  {
    test: /no space left on device/i,
    fatal: true,
    message: () => 'The disk is full. Free some space (or move the models folder in Settings) and restart Ollama.',
  },
  {
    test: /CUDA error|CUDA driver version is insufficient|unable to load cudart|cuda driver library|cuInit|nvcuda/i,
    fatal: true,
    message: () =>
      'The NVIDIA GPU could not be used (CUDA error). Update the NVIDIA driver, or run on the CPU by setting OLLAMA_GPU_DRIVER=cpu, then restart Ollama.',
  },
  {
    test: /hipErrorNoBinaryForGpu|rocBLAS error|amdgpu .*not supported|ROCm error|HIP error/i,
    fatal: true,
    message: () =>
      'The AMD GPU could not be used (ROCm error). Update the driver, or run on the CPU by setting OLLAMA_GPU_DRIVER=cpu, then restart Ollama.',
  },
  {
    test: /no compatible GPUs were discovered|no GPU detected|unable to find a compatible GPU/i,
    fatal: false,
    message: () =>
      'No compatible GPU was found, so Ollama runs models on the CPU (slower). Check the graphics driver, or set OLLAMA_GPU_DRIVER to cuda or rocm to choose one.',
  },
  {
    test: /permission denied/i,
    fatal: true,
    message: () =>
      'Ollama was refused access to a file or folder it needs (permission denied). Check that the models folder is writable by you, or choose another one in Settings.',
  },
  {
    test: /exec format error|cannot execute binary file|bad CPU type/i,
    fatal: true,
    message: () =>
      'The Ollama executable is not built for this computer. Install Ollama from https://ollama.com/download, or point Hearth at the right executable in Settings.',
  },
];

/** The plain-words explanation of one log line, or null when it is not a known problem. */
export function explainOllamaLine(line: string): Explained | null {
  for (const r of RULES) if (r.test.test(line)) return { message: r.message(line), fatal: r.fatal };
  return null;
}

/** The most telling explanation among recent lines: the last fatal one, else the last known one. */
export function explainLines(lines: readonly string[]): Explained | null {
  let best: Explained | null = null;
  for (const line of lines) {
    const e = explainOllamaLine(line);
    if (e && (e.fatal || !best?.fatal)) best = e;
  }
  return best;
}
