/**
 * Which Ollama Hearth uses and how it is doing. Modes: external (the configured URL), bundled (the
 * shipped or configured executable, supervised), auto (a reachable external one, else the bundled
 * one, else a plain explanation of how to get one). Extra servers from settings are external, each
 * with its own status. Emits 'ollama.status' on every change and tells SettingsService where the
 * primary server is while the bundled one runs.
 *
 * Public API: start(), status(), control(action), logs(lines), settled(), close().
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { OllamaServerStatus, OllamaState, OllamaStatus } from '../../../shared/types/domain';
import { AppError } from '../../../shared/types/errors';
import type { EventHub } from '../events';
import type { FetchLike } from '../providers/provider';
import type { SettingsService } from '../settings-service';
import type { Logger } from '../util/logger';
import { silentLogger } from '../util/logger';
import { chooseModelsDir } from './bundled-env';
import { OllamaSupervisor, type SupervisorStatus, type SupervisorTimings } from './ollama-supervisor';
import { stopOrphan } from './pid-file';
import { parsePortEnv } from './port';
import { tailLog } from './rotating-log';

export const INSTALL_HINT =
  'Install Ollama from https://ollama.com/download and start it, or point Hearth at a running one (Settings › Ollama, or the OLLAMA_BASE_URL environment variable), then press Retry.';

export interface OllamaRuntimeOptions {
  settings: SettingsService;
  events: EventHub;
  dataDir: string;
  /** Configuration environment (HEARTH_OLLAMA_PORT, OLLAMA_MODELS, OLLAMA_KEEP_ALIVE…). */
  env: Record<string, string | undefined>;
  /** The environment the bundled server inherits (default process.env plus `env`). */
  childEnv?: Record<string, string | undefined>;
  /** Where the packaged app's resources are: the shipped server is <resourcesDir>/ollama/<platform>-<arch>/. */
  resourcesDir?: string;
  log?: Logger;
  fetch?: FetchLike;
  /** External servers' health check interval (also when a settings change is noticed). */
  pollMs?: number;
  /** How long the external URL may take to answer /api/version. */
  probeTimeoutMs?: number;
  /** Home folder (for ~/.ollama/models). */
  home?: string;
  supervisor?: Partial<SupervisorTimings>;
  platform?: NodeJS.Platform;
  arch?: string;
}

type Action = 'start' | 'stop' | 'restart' | 'retry';

interface External {
  providerId: string;
  label: string;
  baseUrl: string;
  state: OllamaState;
  version: string | null;
  error: string | null;
  since: number;
  /** It answered at least once (an error then means it went away). */
  seen: boolean;
}

/** The bundled executable: settings/HEARTH_OLLAMA_PATH, else <resources>/ollama/<platform>-<arch>/ollama[.exe]. */
export function findOllamaExecutable(
  configured: string | null,
  resourcesDir: string | undefined,
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): { path: string | null; available: boolean } {
  if (configured) return { path: configured, available: existsSync(configured) };
  if (!resourcesDir) return { path: null, available: false };
  const p = join(resourcesDir, 'ollama', `${platform}-${arch}`, platform === 'win32' ? 'ollama.exe' : 'ollama');
  return existsSync(p) ? { path: p, available: true } : { path: null, available: false };
}

export class OllamaRuntime {
  private readonly log: Logger;
  private readonly pollMs: number;
  private readonly probeTimeoutMs: number;
  private readonly fetchImpl: FetchLike;
  private supervisor: OllamaSupervisor | null = null;
  /** What the primary server is: chosen by select(). */
  private primaryKind: 'bundled' | 'external' | 'none' = 'none';
  private primary: External;
  private extras: External[] = [];
  private unavailableError: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private selecting: Promise<void> | null = null;
  private selectGen = 0;
  private primaryKey = '';
  private configKey = '';
  private lastEmitted = '';
  /** This run's id and the number of the last change announced (see OllamaStatus.seq). */
  private readonly run = randomUUID();
  private seq = 0;
  private closed = false;
  private started: Promise<void> | null = null;

  constructor(private readonly o: OllamaRuntimeOptions) {
    this.log = o.log ?? silentLogger;
    // HEARTH_OLLAMA_POLL_MS: how often external servers are checked (default 3 s; e2e tests shorten it).
    const envPoll = Number(o.env.HEARTH_OLLAMA_POLL_MS);
    this.pollMs = o.pollMs ?? (Number.isInteger(envPoll) && envPoll >= 100 ? envPoll : 3000);
    this.probeTimeoutMs = o.probeTimeoutMs ?? 1500;
    this.fetchImpl = o.fetch ?? fetch;
    this.primary = this.newExternal('ollama', 'Ollama', o.settings.config().ollamaBaseUrl.value);
    this.primary.state = 'starting';
  }

  /** Clean up an orphan from a crashed run, choose the server, and keep watching. Never throws. */
  start(): Promise<void> {
    this.started ??= (async () => {
      try {
        const { outcome, rec } = await stopOrphan(join(this.o.dataDir, 'ollama.pid'));
        if (outcome === 'stopped')
          this.log.info(`stopped an Ollama server (pid ${rec!.pid}) left behind by an earlier run`);
      } catch (err) {
        this.log.warn('could not check for a left-behind Ollama server', err);
      }
      if (this.closed) return;
      await this.select();
      this.schedulePoll();
    })().catch((err) => this.log.error('Ollama runtime failed to start', err));
    return this.started;
  }

  /** Resolves once the first choice is made (the bundled server running or failed, or an external answered). */
  async settled(): Promise<OllamaStatus> {
    await this.start();
    if (this.selecting) await this.selecting;
    return this.status();
  }

  /**
   * The status as last announced: a change not yet announced is announced first, so a reply and
   * the event carrying the same `seq` always agree.
   */
  status(): OllamaStatus {
    this.changed();
    return { ...this.snapshot(), run: this.run, seq: this.seq };
  }

  private snapshot(): Omit<OllamaStatus, 'run' | 'seq'> {
    const exe = this.executable();
    return {
      mode: this.o.settings.ollamaMode(),
      servers: [this.primaryStatus(), ...this.extras.map((e) => this.externalStatus(e))],
      bundled: {
        available: exe.available,
        path: exe.path,
        modelsDir: this.modelsDir(),
        logFile: this.logFile(),
      },
    };
  }

  async control(action: Action): Promise<OllamaStatus> {
    if (action === 'retry') {
      await this.select({ supersede: true, lookAgain: true });
      return this.status();
    }
    const mode = this.o.settings.ollamaMode();
    if (this.primaryKind === 'external' || mode === 'external') {
      throw new AppError(
        'conflict',
        `Hearth is using the Ollama at ${this.primary.baseUrl}, which it does not run; start and stop it where it runs. To use Hearth's own server, choose "Bundled" in Settings › Ollama.`,
      );
    }
    if (!this.supervisorFor()) throw new AppError('not_found', this.noExecutableText());
    this.primaryKind = 'bundled';
    if (action === 'stop' || action === 'restart') await this.supervisor?.stop();
    if (action !== 'stop') {
      // Asked again after a stop, so a changed path or models folder takes effect now.
      const sup = this.supervisorFor();
      if (!sup) throw new AppError('not_found', this.noExecutableText());
      // Returns once it is starting (the state is set synchronously); 'ollama.status' events tell the rest.
      void sup.start().catch((err) => this.log.error(`Ollama ${action} failed`, err));
    }
    this.changed();
    return this.status();
  }

  /** Settings may have changed: choose again now if anything Ollama-related did (else the next poll would). */
  reconsider(): void {
    if (this.closed || !this.started || this.currentConfigKey() === this.configKey) return;
    void this.select({ supersede: true }).catch((err) => this.log.warn('could not apply the new Ollama settings', err));
  }

  logs(lines = 200): { file: string; text: string } {
    const file = this.logFile();
    return { file, text: tailLog(file, lines) };
  }

  /** Stop watching and stop the bundled server (waiting for it and its children to exit). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // Stop first (a start waiting for readiness then ends at once), then again for a start that raced in.
    await this.supervisor?.stop();
    if (this.selecting) await this.selecting.catch(() => {});
    if (this.supervisor) {
      await this.supervisor.stop();
      this.supervisor.close();
    }
    this.o.settings.setRuntimeOllamaUrl(null);
  }

  /* ─── choosing ─── */

  /**
   * Choose the server; a forced choice supersedes one in progress (which stops at its next step).
   * When only the extra servers changed, the primary is left as it is (no flicker, no restart).
   */
  private select(o: { supersede?: boolean; lookAgain?: boolean } = {}): Promise<void> {
    if (this.selecting && !o.supersede) return this.selecting;
    const gen = ++this.selectGen;
    const primaryToo = o.lookAgain || this.primaryKind === 'none' || this.primaryConfigKey() !== this.primaryKey;
    const p = this.doSelect(gen, primaryToo).finally(() => {
      if (this.selecting === p) this.selecting = null;
    });
    this.selecting = p;
    return p;
  }

  private async doSelect(gen: number, primaryToo: boolean): Promise<void> {
    if (this.closed) return;
    const settings = this.o.settings;
    const mode = settings.ollamaMode();
    const url = settings.config().ollamaBaseUrl.value;
    this.configKey = this.currentConfigKey();
    this.syncExtras();
    const extrasChecked = Promise.all(this.extras.map((e) => this.check(e)));
    if (!primaryToo) {
      await extrasChecked;
      this.changed();
      return;
    }
    this.primaryKey = this.primaryConfigKey();
    this.unavailableError = null;
    if (mode === 'external') {
      await this.useExternal(url);
    } else if (mode === 'bundled') {
      await this.useBundled();
    } else {
      // While looking, a server in use stays as it is; with none yet, the pill says "starting".
      if (this.primaryKind === 'none') {
        this.primary = this.newExternal('ollama', 'Ollama', url);
        this.changed();
      }
      const ext = await this.probe(url);
      if (this.closed || gen !== this.selectGen) return;
      if (ext.ok) await this.useExternal(url, ext.version);
      else if (this.executable().available) await this.useBundled();
      else {
        await this.stopBundled();
        this.primaryKind = 'none';
        this.unavailableError = `No Ollama was found: nothing answers at ${url} (${ext.error}) and Hearth has no Ollama of its own on this computer. ${INSTALL_HINT}`;
        this.changed();
      }
    }
    await extrasChecked;
    if (gen === this.selectGen) this.changed();
  }

  private async useExternal(url: string, version?: string | null): Promise<void> {
    await this.stopBundled();
    this.primaryKind = 'external';
    this.primary = this.newExternal('ollama', 'Ollama', url);
    if (version !== undefined) this.markUp(this.primary, version);
    else await this.check(this.primary);
    this.changed();
  }

  private async useBundled(): Promise<void> {
    this.primaryKind = 'bundled';
    const sup = this.supervisorFor();
    if (!sup) {
      this.changed();
      return;
    }
    this.changed();
    if (!this.closed) await sup.start();
  }

  private async stopBundled(): Promise<void> {
    if (this.supervisor && this.supervisor.status().state !== 'stopped') await this.supervisor.stop();
    this.o.settings.setRuntimeOllamaUrl(null);
  }

  /* ─── the bundled server ─── */

  private executable(): { path: string | null; available: boolean } {
    return findOllamaExecutable(this.o.settings.ollamaPath(), this.o.resourcesDir, this.o.platform, this.o.arch);
  }

  private modelsDir(): string {
    return chooseModelsDir({
      setting: this.o.settings.ollamaModelsDir(),
      env: this.o.env,
      dataDir: this.o.dataDir,
      home: this.o.home,
    });
  }

  private logFile(): string {
    return this.supervisor?.logFile ?? join(this.o.dataDir, 'logs', 'ollama.log');
  }

  private noExecutableText(): string {
    const configured = this.o.settings.ollamaPath();
    if (configured) {
      return `The Ollama executable set in ${this.o.env.HEARTH_OLLAMA_PATH?.trim() ? 'HEARTH_OLLAMA_PATH' : 'Settings'} (${configured}) does not exist. Correct the path, or ${INSTALL_HINT.charAt(0).toLowerCase()}${INSTALL_HINT.slice(1)}`;
    }
    return `This copy of Hearth has no Ollama of its own. ${INSTALL_HINT}`;
  }

  /** The supervisor for the current executable (re-created when the path or models folder changes). */
  private supervisorFor(): OllamaSupervisor | null {
    const exe = this.executable();
    if (!exe.available || !exe.path) return this.supervisor;
    const modelsDir = this.modelsDir();
    const cur = this.supervisor;
    if (cur && cur.exe === exe.path && cur.modelsDir === modelsDir) return cur;
    if (cur && cur.status().state !== 'stopped') return cur; // changes apply at the next restart
    cur?.close();
    const gpu = this.o.settings.config().gpu;
    const sup = new OllamaSupervisor({
      exe: exe.path,
      dataDir: this.o.dataDir,
      baseEnv: this.o.childEnv ?? { ...process.env, ...this.o.env },
      modelsDir,
      keepAlive: this.o.env.OLLAMA_KEEP_ALIVE?.trim() || '5m',
      gpu,
      port: parsePortEnv(this.o.env.HEARTH_OLLAMA_PORT),
      timings: this.o.supervisor,
      log: this.log,
      onChange: (s) => this.onSupervisor(s),
    });
    this.supervisor = sup;
    return sup;
  }

  private onSupervisor(s: SupervisorStatus): void {
    if (this.primaryKind === 'bundled') {
      // An unresponsive server that still runs keeps its URL: chats fail with its own error meanwhile.
      this.o.settings.setRuntimeOllamaUrl(s.state === 'running' || (s.state === 'error' && s.pid) ? s.url : null);
    }
    this.changed();
  }

  /* ─── external servers ─── */

  private newExternal(providerId: string, label: string, baseUrl: string): External {
    return {
      providerId,
      label,
      baseUrl,
      state: 'starting',
      version: null,
      error: null,
      since: Date.now(),
      seen: false,
    };
  }

  private syncExtras(): void {
    const old = new Map(this.extras.map((e) => [e.providerId, e]));
    this.extras = this.o.settings.ollamaServers().map((s) => {
      const prev = old.get(s.id);
      return prev && prev.baseUrl === s.baseUrl
        ? { ...prev, label: s.label }
        : this.newExternal(s.id, s.label, s.baseUrl);
    });
  }

  private async probe(baseUrl: string): Promise<{ ok: true; version: string | null } | { ok: false; error: string }> {
    try {
      const res = await this.fetchImpl(`${baseUrl.replace(/\/+$/, '')}/api/version`, {
        signal: AbortSignal.timeout(this.probeTimeoutMs),
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
          ? `no answer within ${this.probeTimeoutMs / 1000} s`
          : e.cause?.code === 'ECONNREFUSED'
            ? 'connection refused'
            : (e.cause?.code ?? e.message);
      return { ok: false, error };
    }
  }

  private markUp(e: External, version: string | null): void {
    if (e.state !== 'running') e.since = Date.now();
    e.state = 'running';
    e.version = version;
    e.error = null;
    e.seen = true;
  }

  /** Probe one external server and publish what changed at once (each server's pill updates on its own). */
  private async check(e: External): Promise<void> {
    await this.checkQuietly(e);
    this.changed();
  }

  private async checkQuietly(e: External): Promise<void> {
    const r = await this.probe(e.baseUrl);
    if (r.ok) {
      this.markUp(e, r.version);
      return;
    }
    const state: OllamaState = 'error';
    if (e.state !== state) e.since = Date.now();
    e.state = state;
    e.error = e.seen
      ? `${e.label} at ${e.baseUrl} stopped answering (${r.error}). Start it again; Hearth notices within a few seconds.`
      : `Nothing answers at ${e.baseUrl} (${r.error}). Start Ollama there, or correct the address in Settings › Ollama.`;
  }

  /** What decides the primary server (not the extra ones). */
  private primaryConfigKey(): string {
    const s = this.o.settings;
    return JSON.stringify([s.ollamaMode(), s.config().ollamaBaseUrl.value, s.ollamaPath(), s.ollamaModelsDir()]);
  }

  private currentConfigKey(): string {
    const s = this.o.settings;
    return JSON.stringify([
      s.ollamaMode(),
      s.config().ollamaBaseUrl.value,
      s.ollamaPath(),
      s.ollamaModelsDir(),
      s.ollamaServers(),
    ]);
  }

  private schedulePoll(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    if (this.closed || this.polling) return;
    this.polling = true;
    try {
      if (this.currentConfigKey() !== this.configKey) await this.select();
      else {
        const list = [...this.extras];
        if (this.primaryKind === 'external') list.push(this.primary);
        const bundled = this.primaryKind === 'bundled' ? this.supervisor?.checkHealth() : undefined;
        await Promise.all([...list.map((e) => this.check(e)), bundled]);
        this.changed();
      }
    } catch (err) {
      this.log.warn('Ollama health check failed', err);
    } finally {
      this.polling = false;
      this.schedulePoll();
    }
  }

  /* ─── status ─── */

  private externalStatus(e: External, kind: 'external' | 'bundled' = 'external'): OllamaServerStatus {
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

  private primaryStatus(): OllamaServerStatus {
    if (this.primaryKind === 'external') return this.externalStatus(this.primary);
    if (this.primaryKind === 'bundled') {
      const sup = this.supervisor;
      if (!sup || !this.executable().available) {
        return {
          ...this.externalStatus(this.primary, 'bundled'),
          state: 'unavailable',
          baseUrl: null,
          error: this.noExecutableText(),
        };
      }
      const s = sup.status();
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
    return {
      ...this.externalStatus(this.primary),
      state: this.unavailableError ? 'unavailable' : 'starting',
      error: this.unavailableError,
      version: null,
    };
  }

  /** Emit 'ollama.status' when anything a user could see has changed. */
  private changed(): void {
    if (this.closed) return;
    const snapshot = this.snapshot();
    const key = JSON.stringify(snapshot);
    if (key === this.lastEmitted) return;
    this.lastEmitted = key;
    this.seq++;
    this.o.events.emit('ollama.status', { ...snapshot, run: this.run, seq: this.seq });
  }
}
