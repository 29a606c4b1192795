/**
 * AUTOMATIC1111's progress, polled from /sdapi/v1/progress while a generation request is open:
 * fractions that only grow, steps, ETA and live previews for onProgress; whether the job was
 * interrupted (from its own page too), during the job and after it.
 */
import type { BackendProgress, GenerateHooks } from './backend';
import type { A1111Call } from './a1111-http';
import { decodeBase64, isObject, num } from './a1111-json';
import { sniffImage } from './image-files';

interface ProgressAnswer {
  progress?: number;
  eta_relative?: number;
  state?: {
    interrupted?: boolean;
    job_count?: number;
    job_timestamp?: string;
    sampling_step?: number;
    sampling_steps?: number;
  };
  current_image?: string | null;
}

export interface Polling {
  /** `interrupted` turns true once a poll saw the job interrupted. */
  seen: { interrupted: boolean };
  /** Stop polling; resolves once the last poll is done. */
  stop(): Promise<void>;
}

/** Poll every `pollMs` until stopped, turning answers into onProgress calls. */
export function startPolling(call: A1111Call, hooks: GenerateHooks, pollMs: number): Polling {
  const stop = new AbortController();
  let lastPreview: string | null = null;
  let best = 0;
  const seen = { interrupted: false };
  const loop = (async () => {
    while (!stop.signal.aborted) {
      await delay(pollMs, stop.signal);
      if (stop.signal.aborted) break;
      let answer: ProgressAnswer;
      try {
        answer = (await call('GET', '/sdapi/v1/progress?skip_current_image=false', undefined, {
          signal: stop.signal,
        })) as ProgressAnswer;
      } catch {
        continue; // progress is best effort; the generation request decides success
      }
      if (stop.signal.aborted) break;
      if (!isObject(answer)) continue;
      const state = isObject(answer.state) ? answer.state : {};
      if (!state.job_count) continue; // idle: not started yet, or finished
      if (state.interrupted) seen.interrupted = true;
      best = Math.max(best, clamp01(num(answer.progress) ?? 0));
      const eta = num(answer.eta_relative);
      const steps = num(state.sampling_steps);
      const p: BackendProgress = {
        fraction: best,
        etaSeconds: eta !== null && eta >= 0 ? Math.round(eta * 10) / 10 : null,
        step: steps ? (num(state.sampling_step) ?? null) : null,
        steps: steps || null,
      };
      const image = typeof answer.current_image === 'string' ? answer.current_image : null;
      if (image && image !== lastPreview) {
        lastPreview = image;
        const data = decodeBase64(image);
        if (data.length) p.preview = { data, mime: sniffImage(data)?.mime ?? 'image/png' };
      }
      try {
        hooks.onProgress(p);
      } catch {
        // a listener's error must not stop the job
      }
    }
  })();
  return {
    seen,
    async stop() {
      stop.abort();
      await loop;
    },
  };
}

/** After the fact: did A1111 itself interrupt this job (someone pressed Interrupt in its page)? */
export async function interruptedOnServer(call: A1111Call, jobTimestamp: string | null): Promise<boolean> {
  if (!jobTimestamp) return false;
  try {
    const p = (await call('GET', '/sdapi/v1/progress?skip_current_image=true')) as ProgressAnswer;
    return !!p?.state?.interrupted && p.state.job_timestamp === jobTimestamp;
  } catch {
    return false;
  }
}

const clamp01 = (v: number) => Math.max(0, Math.min(1, v));

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
