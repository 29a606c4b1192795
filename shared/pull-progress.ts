/**
 * The arithmetic of a model download, for the services (which send it with every
 * 'models.pullProgress' event) and the renderer (which derives it when an event lacks it): the sums
 * over layers, the speed averaged over the last few seconds, the time left, and Ollama's terse pull
 * errors in plain words.
 */

/** One layer (blob) of a model as a pull reports it. */
export interface PullLayer {
  digest: string;
  completed: number;
  total: number;
}

/** Bytes there and bytes in all, over every layer seen. */
export function sumLayers(layers: readonly PullLayer[]): { completed: number; total: number } {
  let completed = 0;
  let total = 0;
  for (const l of layers) {
    completed += l.completed;
    total += l.total;
  }
  return { completed, total };
}

/** Bytes downloaded by time `t` (ms), for the speed. */
export interface SpeedSample {
  t: number;
  bytes: number;
}

/** The window the speed is averaged over. */
export const SPEED_WINDOW_MS = 3000;
/** Less time than this between the first and last sample gives no speed yet. */
const MIN_SPAN_MS = 200;

/**
 * The samples with `sample` added and those older than the window dropped, keeping one older
 * sample so the average spans the whole window. A new array; `samples` is left as it was.
 */
export function addSample(
  samples: readonly SpeedSample[],
  sample: SpeedSample,
  windowMs = SPEED_WINDOW_MS,
): SpeedSample[] {
  let drop = 0;
  while (samples.length - drop > 1 && samples[drop + 1]!.t <= sample.t - windowMs) drop++;
  return [...samples.slice(drop), sample];
}

/** Bytes per second (whole bytes) from the first to the last sample, or undefined until they span 200 ms. */
export function speedOf(samples: readonly SpeedSample[]): number | undefined {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last || last.t - first.t < MIN_SPAN_MS) return undefined;
  return Math.max(0, Math.round(((last.bytes - first.bytes) * 1000) / (last.t - first.t)));
}

/** Whole seconds left at this speed: 0 once every byte is there, undefined while unknown. */
export function etaOf(total: number, completed: number, bytesPerSec: number | null | undefined): number | undefined {
  if (bytesPerSec && bytesPerSec > 0 && total > completed) return Math.ceil((total - completed) / bytesPerSec);
  if (total > 0 && total === completed) return 0;
  return undefined;
}

/**
 * Ollama's own pull errors are terse ("pull model manifest: file does not exist"); say what
 * happened and what to do. Messages already in plain words pass through.
 */
export function plainPullError(name: string, raw: string): string {
  const msg = raw.replace(/^Ollama could not pull "[^"]*":\s*/, '');
  if (/file does not exist|manifest unknown|not found/i.test(msg) && !/Can't reach/i.test(msg)) {
    return `“${name}” is not in the Ollama library. Check the spelling and the tag (for example llama3.2:1b) at ollama.com/library.`;
  }
  if (/no space left|disk full|not enough space/i.test(msg)) {
    return `The disk is full: “${name}” needs more free space where Ollama keeps its models. Free some space or move the models folder in Settings, then retry.`;
  }
  if (
    /ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|i\/o timeout|connection reset|TLS handshake|dial tcp|network is unreachable|no such host/i.test(
      msg,
    )
  ) {
    return `The download of “${name}” lost its network connection (${msg}). Check the internet connection and retry; what was downloaded is kept.`;
  }
  if (/invalid model name|invalid reference format/i.test(msg)) {
    return `“${name}” is not a valid model name. Use a name like llama3.2 or llama3.2:1b.`;
  }
  return raw;
}
