/**
 * The contract's OllamaStatus from what the runtime knows: projectStatus turns the chosen primary
 * server (an external one, the bundled supervisor, or none), the extra servers and the bundled
 * executable into the status object; StatusVersions numbers them, giving a new `seq` only when the
 * projected status differs from the one before. Both are pure: no I/O, no events.
 */
import { randomUUID } from 'node:crypto';
import type { OllamaMode, OllamaServerStatus, OllamaStatus } from '../../../shared/types/domain';
import type { ExternalState } from './external-monitor';
import type { SupervisorStatus } from './ollama-supervisor';

/** A status without its version (run and seq). */
export type StatusSnapshot = Omit<OllamaStatus, 'run' | 'seq'>;

/**
 * The primary server as chosen. `last` is the last external record for the primary slot (its
 * provider id, label, URL and time are what a bundled server without an executable, or no server
 * at all, is shown with).
 */
export type PrimaryInput =
  | { kind: 'external'; server: ExternalState }
  | { kind: 'bundled'; supervisor: SupervisorStatus | null; last: ExternalState; noExecutable: string }
  | { kind: 'none'; last: ExternalState; unavailable: string | null };

export interface StatusInput {
  mode: OllamaMode;
  primary: PrimaryInput;
  extras: ExternalState[];
  bundled: OllamaStatus['bundled'];
}

export function externalStatus(e: ExternalState, kind: 'external' | 'bundled' = 'external'): OllamaServerStatus {
  return {
    providerId: e.providerId,
    label: e.label,
    kind,
    state: e.state,
    baseUrl: e.baseUrl,
    version: e.version,
    error: e.error,
    pid: null,
    restarts: 0,
    since: e.since,
  };
}

export function primaryStatus(p: PrimaryInput, bundledAvailable: boolean): OllamaServerStatus {
  if (p.kind === 'external') return externalStatus(p.server);
  if (p.kind === 'bundled') {
    const s = p.supervisor;
    if (!s || !bundledAvailable) {
      return { ...externalStatus(p.last, 'bundled'), state: 'unavailable', baseUrl: null, error: p.noExecutable };
    }
    return {
      providerId: 'ollama',
      label: 'Ollama (built in)',
      kind: 'bundled',
      state: s.state,
      baseUrl: s.url,
      version: s.version,
      error: s.error,
      pid: s.pid,
      restarts: s.restarts,
      since: s.since,
    };
  }
  // Still looking ('starting'), or nothing found ('unavailable', saying why).
  return {
    ...externalStatus(p.last),
    state: p.unavailable ? 'unavailable' : 'starting',
    error: p.unavailable,
    version: null,
  };
}

export function projectStatus(i: StatusInput): StatusSnapshot {
  return {
    mode: i.mode,
    servers: [primaryStatus(i.primary, i.bundled.available), ...i.extras.map((e) => externalStatus(e))],
    bundled: { ...i.bundled },
  };
}

/**
 * The current status and its version. A run of the app has one `run` id; `seq` starts at 0 for the
 * first status and grows by one with each status that differs from the one before.
 */
export class StatusVersions {
  readonly run: string;
  private seq = 0;
  private key: string;
  private cur: OllamaStatus;

  constructor(first: StatusSnapshot, run: string = randomUUID()) {
    this.run = run;
    this.key = JSON.stringify(first);
    this.cur = { ...first, run, seq: 0 };
  }

  get current(): OllamaStatus {
    return this.cur;
  }

  /** The new status when `snapshot` differs from the current one (it then becomes current), else null. */
  offer(snapshot: StatusSnapshot): OllamaStatus | null {
    const key = JSON.stringify(snapshot);
    if (key === this.key) return null;
    this.key = key;
    this.cur = { ...snapshot, run: this.run, seq: ++this.seq };
    return this.cur;
  }
}
