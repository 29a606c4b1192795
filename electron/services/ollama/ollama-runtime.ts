/**
 * Which Ollama Hearth uses and how it is doing: wires the pieces that each do one job.
 * - server-selection.ts decides the primary server: external (the configured URL), bundled (the
 *   shipped or configured executable, run by ollama-supervisor.ts), or auto (a reachable external
 *   one, else the bundled one, else a plain explanation of how to get one).
 * - external-monitor.ts watches each external server: the primary one when it is external, and the
 *   extra servers from settings, each with its own status.
 * - status-projection.ts turns all that into the contract's OllamaStatus and numbers it.
 * This class applies the choice (starting and stopping the bundled server), re-chooses when the
 * settings change, checks the bundled server's health every poll, tells SettingsService where the
 * primary server is while the bundled one runs, and emits 'ollama.status' whenever the projected
 * status changes (refresh). status() only reads: it returns the status last announced.
 *
 * Public API: start(), status(), settled(), control(action), reconsider(), logs(lines), close().
 */
import { join } from 'node:path';
import type { OllamaStatus } from '../../../shared/types/domain';
import { AppError } from '../../../shared/types/errors';
import type { EventHub } from '../events';
import type { FetchLike } from '../providers/provider';
import type { SettingsService } from '../settings-service';
import type { Logger } from '../util/logger';
import { silentLogger } from '../util/logger';
import { chooseModelsDir } from './bundled-env';
import { ExternalMonitor, probeOllama } from './external-monitor';
import { OllamaSupervisor, type SupervisorStatus, type SupervisorTimings } from './ollama-supervisor';
import { stopOrphan } from './pid-file';
import { parsePortEnv } from './port';
import { tailLog } from '../util/rotating-log';
import {
  chooseServer,
  configKey,
  findOllamaExecutable,
  noExecutableText,
  primaryKey,
  type OllamaConfig,
  type ServerChoice,
} from './server-selection';
import { projectStatus, StatusVersions, type PrimaryInput, type StatusSnapshot } from './status-projection';

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
  /** How often external servers are checked, the bundled one's health too, and settings compared. */
  pollMs?: number;
  /** How long an external server may take to answer /api/version. */
  probeTimeoutMs?: number;
  /** Home folder (for ~/.ollama/models). */
  home?: string;
  supervisor?: Partial<SupervisorTimings>;
  platform?: NodeJS.Platform;
  arch?: string;
}

type Action = 'start' | 'stop' | 'restart' | 'retry';

export class OllamaRuntime {
  private readonly log: Logger;
  private readonly pollMs: number;
  private readonly probeTimeoutMs: number;
  private readonly fetchImpl: FetchLike;
  private supervisor: OllamaSupervisor | null = null;
  /** What the primary server is: chosen by select(). */
  private primaryKind: 'bundled' | 'external' | 'none' = 'none';
  /** The primary slot's external server: watched while primaryKind is 'external', else only shown. */
  private primary: ExternalMonitor;
  private extras: ExternalMonitor[] = [];
  private unavailableError: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private selecting: Promise<void> | null = null;
  private selectGen = 0;
  private primaryKey = '';
  private configKey = '';
  /** The status last announced, with this run's id and its number (see OllamaStatus.seq). */
  private readonly versions: StatusVersions;
  private closed = false;
  private started: Promise<void> | null = null;

  constructor(private readonly o: OllamaRuntimeOptions) {
    this.log = o.log ?? silentLogger;
    // HEARTH_OLLAMA_POLL_MS: how often servers are checked and settings compared (default 3 s; e2e tests shorten it).
    const envPoll = Number(o.env.HEARTH_OLLAMA_POLL_MS);
    this.pollMs = o.pollMs ?? (Number.isInteger(envPoll) && envPoll >= 100 ? envPoll : 3000);
    this.probeTimeoutMs = o.probeTimeoutMs ?? 1500;
    this.fetchImpl = o.fetch ?? fetch;
    this.primary = this.external('ollama', 'Ollama', o.settings.config().ollamaBaseUrl.value);
    this.versions = new StatusVersions(this.snapshot());
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
    this.refresh();
    return this.status();
  }

  /**
   * The status as last announced (a reply and the event carrying the same `seq` always agree).
   * Only reads: every change is announced where it happens (refresh), and what the runtime does
   * not hear about (settings changed behind the router's back, an executable appearing on disk)
   * is picked up by the next poll.
   */
  status(): OllamaStatus {
    return structuredClone(this.versions.current);
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
    if (!this.supervisorFor()) throw new AppError('not_found', this.noExecutable());
    this.primaryKind = 'bundled';
    if (action === 'stop' || action === 'restart') await this.supervisor?.stop();
    if (action !== 'stop') {
      // Asked again after a stop, so a changed path or models folder takes effect now.
      const sup = this.supervisorFor();
      if (!sup) throw new AppError('not_found', this.noExecutable());
      // Returns once it is starting (the state is set synchronously); 'ollama.status' events tell the rest.
      void sup.start().catch((err) => this.log.error(`Ollama ${action} failed`, err));
    }
    this.refresh();
    return this.status();
  }

  /** Settings may have changed: choose again now if anything Ollama-related did (else the next poll would). */
  reconsider(): void {
    if (this.closed || !this.started || configKey(this.config()) === this.configKey) return;
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
    this.primary.stop();
    for (const e of this.extras) e.stop();
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

  private config(): OllamaConfig {
    const s = this.o.settings;
    return {
      mode: s.ollamaMode(),
      url: s.config().ollamaBaseUrl.value,
      path: s.ollamaPath(),
      modelsDir: s.ollamaModelsDir(),
      servers: s.ollamaServers(),
    };
  }

  /**
   * Choose the server; a forced choice supersedes one in progress (which stops at its next step).
   * When only the extra servers changed, the primary is left as it is (no flicker, no restart).
   */
  private select(o: { supersede?: boolean; lookAgain?: boolean } = {}): Promise<void> {
    if (this.selecting && !o.supersede) return this.selecting;
    const gen = ++this.selectGen;
    const primaryToo = o.lookAgain || this.primaryKind === 'none' || primaryKey(this.config()) !== this.primaryKey;
    const p = this.doSelect(gen, primaryToo).finally(() => {
      if (this.selecting === p) this.selecting = null;
    });
    this.selecting = p;
    return p;
  }

  private async doSelect(gen: number, primaryToo: boolean): Promise<void> {
    if (this.closed) return;
    const config = this.config();
    this.configKey = configKey(config);
    this.syncExtras();
    const extrasChecked = Promise.all(this.extras.map((e) => e.check()));
    if (!primaryToo) {
      this.refresh();
      await extrasChecked;
      this.refresh();
      return;
    }
    this.primaryKey = primaryKey(config);
    this.unavailableError = null;
    const input = { mode: config.mode, url: config.url };
    let choice: ServerChoice = chooseServer({ ...input, bundledAvailable: this.executable().available });
    if (choice.use === 'probe') {
      // While looking, a server in use stays as it is; with none yet, the pill says "starting".
      if (this.primaryKind === 'none') this.replacePrimary(config.url);
      this.refresh();
      const probe = await probeOllama(this.fetchImpl, choice.url, this.probeTimeoutMs);
      if (this.closed || gen !== this.selectGen) return;
      choice = chooseServer({ ...input, bundledAvailable: this.executable().available, probe });
    }
    this.log.debug(`Ollama: ${choice.use} (${choice.why})`);
    if (choice.use === 'external') await this.useExternal(choice.url, choice.version);
    else if (choice.use === 'bundled') await this.useBundled();
    else if (choice.use === 'none') {
      await this.stopBundled();
      this.primary.stop();
      this.primaryKind = 'none';
      this.unavailableError = choice.error;
      this.refresh();
    }
    await extrasChecked;
    if (gen === this.selectGen) this.refresh();
  }

  private async useExternal(url: string, version?: string | null): Promise<void> {
    await this.stopBundled();
    this.primaryKind = 'external';
    const primary = this.replacePrimary(url);
    if (version !== undefined) primary.markUp(version);
    else await primary.check();
    if (primary === this.primary && this.primaryKind === 'external') primary.watch();
    this.refresh();
  }

  private async useBundled(): Promise<void> {
    this.primary.stop();
    this.primaryKind = 'bundled';
    const sup = this.supervisorFor();
    this.refresh();
    if (sup && !this.closed) await sup.start();
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

  private noExecutable(): string {
    const setBy = this.o.env.HEARTH_OLLAMA_PATH?.trim() ? 'HEARTH_OLLAMA_PATH' : 'Settings';
    return noExecutableText(this.o.settings.ollamaPath(), setBy);
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
    this.refresh();
  }

  /* ─── external servers ─── */

  /** A monitor for an external server; each change it sees is announced at once (each pill updates on its own). */
  private external(providerId: string, label: string, baseUrl: string): ExternalMonitor {
    return new ExternalMonitor({
      providerId,
      label,
      baseUrl,
      fetch: this.fetchImpl,
      pollMs: this.pollMs,
      probeTimeoutMs: this.probeTimeoutMs,
      log: this.log,
      onChange: () => this.refresh(),
    });
  }

  /** A fresh, unchecked record for the primary slot (the one before stops being watched). */
  private replacePrimary(url: string): ExternalMonitor {
    this.primary.stop();
    this.primary = this.external('ollama', 'Ollama', url);
    return this.primary;
  }

  /** Match the extra servers to settings: a server at the same URL keeps its monitor (and its state). */
  private syncExtras(): void {
    const old = new Map(this.extras.map((e) => [e.providerId, e]));
    const servers = this.o.settings.ollamaServers();
    const kept: [ExternalMonitor, string][] = [];
    this.extras = servers.map((s) => {
      const prev = old.get(s.id);
      if (prev && prev.baseUrl === s.baseUrl) {
        old.delete(s.id);
        kept.push([prev, s.label]);
        return prev;
      }
      const m = this.external(s.id, s.label, s.baseUrl);
      m.watch();
      return m;
    });
    for (const gone of old.values()) gone.stop();
    for (const [m, label] of kept) m.rename(label); // announced with the new list in place
  }

  /* ─── polling ─── */

  private schedulePoll(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  /** Every pollMs: choose again if the settings changed, else check the bundled server's health; then refresh. */
  private async poll(): Promise<void> {
    if (this.closed || this.polling) return;
    this.polling = true;
    try {
      if (configKey(this.config()) !== this.configKey) await this.select();
      else if (this.primaryKind === 'bundled') await this.supervisor?.checkHealth();
      this.refresh();
    } catch (err) {
      this.log.warn('Ollama health check failed', err);
    } finally {
      this.polling = false;
      this.schedulePoll();
    }
  }

  /* ─── status ─── */

  private primaryInput(): PrimaryInput {
    const last = this.primary.state();
    if (this.primaryKind === 'external') return { kind: 'external', server: last };
    if (this.primaryKind === 'bundled') {
      return {
        kind: 'bundled',
        supervisor: this.supervisor?.status() ?? null,
        last,
        noExecutable: this.noExecutable(),
      };
    }
    return { kind: 'none', last, unavailable: this.unavailableError };
  }

  private snapshot(): StatusSnapshot {
    const exe = this.executable();
    return projectStatus({
      mode: this.o.settings.ollamaMode(),
      primary: this.primaryInput(),
      extras: this.extras.map((e) => e.state()),
      bundled: { available: exe.available, path: exe.path, modelsDir: this.modelsDir(), logFile: this.logFile() },
    });
  }

  /** Project the status again and emit 'ollama.status' when anything a user could see has changed. */
  private refresh(): void {
    if (this.closed) return;
    const next = this.versions.offer(this.snapshot());
    if (next) this.o.events.emit('ollama.status', next);
  }
}
