/**
 * Watches one Ollama that Hearth does not run: probes its /api/version (once with check(), or every
 * pollMs after watch()) and keeps what it last found: running with its version, or an error that
 * says whether it never answered or stopped answering. onChange hears each change (up, down, a new
 * version or error); stop() ends the watching and ignores answers still on their way.
 */
import type { OllamaState } from '../../../shared/types/domain';
import type { FetchLike } from '../providers/provider';
import type { Logger } from '../util/logger';
import type { ProbeResult } from './server-selection';

/** Ask an Ollama for its version; never throws. */
export async function probeOllama(fetchImpl: FetchLike, baseUrl: string, timeoutMs: number): Promise<ProbeResult> {
  try {
    const res = await fetchImpl(`${baseUrl.replace(/\/+$/, '')}/api/version`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) {
      await res.body?.cancel();
      return { ok: false, error: `HTTP ${res.status}` };
    }
    const body = (await res.json().catch(() => ({}))) as { version?: unknown };
    return { ok: true, version: typeof body.version === 'string' ? body.version : null };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const error =
      e.name === 'TimeoutError'
        ? `no answer within ${timeoutMs / 1000} s`
        : e.cause?.code === 'ECONNREFUSED'
          ? 'connection refused'
          : (e.cause?.code ?? e.message);
    return { ok: false, error };
  }
}

/** What is known of one external server. */
export interface ExternalState {
  providerId: string;
  label: string;
  baseUrl: string;
  /** 'starting' until first checked, then 'running' or 'error'. */
  state: OllamaState;
  version: string | null;
  error: string | null;
  /** When `state` last changed (ms since epoch). */
  since: number;
  /** It answered at least once (an error then means it went away). */
  seen: boolean;
}

export interface ExternalMonitorOptions {
  providerId: string;
  label: string;
  baseUrl: string;
  fetch: FetchLike;
  pollMs: number;
  probeTimeoutMs: number;
  onChange?: (s: ExternalState) => void;
  /** Where a failure of onChange during watching is reported. */
  log?: Logger;
  now?: () => number;
}

export class ExternalMonitor {
  private st: ExternalState;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<ExternalState> | null = null;
  private stopped = false;

  constructor(private readonly o: ExternalMonitorOptions) {
    this.now = o.now ?? Date.now;
    this.st = {
      providerId: o.providerId,
      label: o.label,
      baseUrl: o.baseUrl,
      state: 'starting',
      version: null,
      error: null,
      since: this.now(),
      seen: false,
    };
  }

  get providerId(): string {
    return this.o.providerId;
  }

  get baseUrl(): string {
    return this.o.baseUrl;
  }

  state(): ExternalState {
    return { ...this.st };
  }

  /** A new name for the same server (reported like any other change). */
  rename(label: string): void {
    if (label !== this.st.label) this.set({ label });
  }

  /** It answered elsewhere (the auto choice's probe): running now, without asking again. */
  markUp(version: string | null): void {
    this.set({ state: 'running', version, error: null, seen: true });
  }

  /** Probe once now (joining a probe already under way) and return what is known afterwards. */
  check(): Promise<ExternalState> {
    this.checking ??= this.probeOnce().finally(() => (this.checking = null));
    return this.checking;
  }

  /** Probe every pollMs from now on (each after the one before has finished). */
  watch(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      void this.check()
        .catch((err) => this.o.log?.warn('Ollama health check failed', err))
        .finally(() => {
          this.timer = null;
          this.watch();
        });
    }, this.o.pollMs);
    this.timer.unref();
  }

  /** Stop watching; what it knows stays readable, and answers still on their way are ignored. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async probeOnce(): Promise<ExternalState> {
    const r = await probeOllama(this.o.fetch, this.o.baseUrl, this.o.probeTimeoutMs);
    if (this.stopped) return this.state();
    if (r.ok) this.markUp(r.version);
    else {
      const s = this.st;
      this.set({
        state: 'error',
        error: s.seen
          ? `${s.label} at ${s.baseUrl} stopped answering (${r.error}). Start it again; Hearth notices within a few seconds.`
          : `Nothing answers at ${s.baseUrl} (${r.error}). Start Ollama there, or correct the address in Settings › Ollama.`,
      });
    }
    return this.state();
  }

  private set(patch: Partial<ExternalState>): void {
    const next = { ...this.st, ...patch };
    if (patch.state && patch.state !== this.st.state) next.since = this.now();
    const changed = (Object.keys(next) as (keyof ExternalState)[]).some((k) => next[k] !== this.st[k]);
    this.st = next;
    if (changed) this.o.onChange?.(this.state());
  }
}
