/**
 * Runs the bundled `ollama serve` as a child: a free loopback port, its environment, readiness by
 * polling `/api/version`, stdout+stderr into a rotating log, known fatal lines in plain words, restart
 * after a crash with exponential backoff (giving up after 5 crashes in 2 minutes), and a stop that
 * leaves nothing behind (SIGTERM, wait, SIGKILL to the process group; Windows: taskkill /T /F).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '../util/logger';
import { silentLogger } from '../util/logger';
import { serveEnv, type GpuChoice } from './bundled-env';
import { explainLines } from './fatal-lines';
import { removePidFile, writePidFile } from './pid-file';
import { pickFreePort, portIsFree } from './port';
import { taskkillTree } from './process-tree';
import { RotatingLog, tailLog } from '../util/rotating-log';

export type SupervisorState = 'stopped' | 'starting' | 'running' | 'error';

export interface SupervisorStatus {
  state: SupervisorState;
  url: string | null;
  port: number | null;
  pid: number | null;
  version: string | null;
  error: string | null;
  /** Crashes within the current window. */
  restarts: number;
  since: number;
}

export interface SupervisorTimings {
  /** How long `serve` may take to answer before it is declared stuck. */
  readyTimeoutMs: number;
  /** SIGTERM → SIGKILL. */
  stopGraceMs: number;
  /** First restart delay; doubles per crash. */
  backoffMs: number;
  backoffMaxMs: number;
  crashWindowMs: number;
  maxCrashes: number;
  probeTimeoutMs: number;
}

export const DEFAULT_TIMINGS: SupervisorTimings = {
  readyTimeoutMs: 60_000,
  stopGraceMs: 5_000,
  backoffMs: 1_000,
  backoffMaxMs: 30_000,
  crashWindowMs: 120_000,
  maxCrashes: 5,
  probeTimeoutMs: 1_000,
};

export interface SupervisorOptions {
  exe: string;
  /** `<data>`: the log goes to <data>/logs/ollama.log, the pid file to <data>/ollama.pid. */
  dataDir: string;
  /** The environment the child inherits before Hearth's own variables are applied. */
  baseEnv: Record<string, string | undefined>;
  modelsDir: string;
  keepAlive?: string;
  gpu?: GpuChoice;
  /** A port the user chose (HEARTH_OLLAMA_PORT); otherwise a free one, never 11434. */
  port?: number | null;
  timings?: Partial<SupervisorTimings>;
  log?: Logger;
  onChange?: (s: SupervisorStatus) => void;
  /** Log rotation (default 5 MB × 3 files). */
  logMaxBytes?: number;
  logFiles?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const IS_WINDOWS = process.platform === 'win32';

/** SIGKILL whatever is left of a process group whose leader has exited (runners it started). */
function killGroupRemnants(pid: number): void {
  if (IS_WINDOWS) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // nothing left
  }
}

export class OllamaSupervisor {
  readonly logFile: string;
  readonly pidFile: string;
  private readonly t: SupervisorTimings;
  private readonly log: Logger;
  private readonly logWriter: RotatingLog;
  private st: SupervisorStatus = {
    state: 'stopped',
    url: null,
    port: null,
    pid: null,
    version: null,
    error: null,
    restarts: 0,
    since: Date.now(),
  };
  private child: ChildProcess | null = null;
  private childExited: Promise<void> | null = null;
  /** Should a server be running (false after stop, give-up or a fatal start error)? */
  private want = false;
  private crashes: number[] = [];
  private restartTimer: NodeJS.Timeout | null = null;
  private launching: Promise<void> | null = null;
  /** Failed health checks in a row while running, and whether that has been reported. */
  private misses = 0;
  private unresponsive = false;
  /** The last lines of output, for error messages. */
  private recent: string[] = [];

  constructor(private readonly o: SupervisorOptions) {
    this.t = { ...DEFAULT_TIMINGS, ...o.timings };
    this.log = o.log ?? silentLogger;
    this.logFile = join(o.dataDir, 'logs', 'ollama.log');
    this.pidFile = join(o.dataDir, 'ollama.pid');
    this.logWriter = new RotatingLog(this.logFile, { maxBytes: o.logMaxBytes, files: o.logFiles });
  }

  get exe(): string {
    return this.o.exe;
  }

  get modelsDir(): string {
    return this.o.modelsDir;
  }

  status(): SupervisorStatus {
    return { ...this.st };
  }

  /** Start (or keep) the server; resolves once it is running or has failed to start. */
  async start(): Promise<SupervisorStatus> {
    if (this.launching) {
      await this.launching;
      return this.status();
    }
    if (this.child && this.st.state === 'running') return this.status();
    this.want = true;
    this.crashes = [];
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    await this.launch();
    return this.status();
  }

  /** Stop the server and everything it started; resolves when they have exited. */
  async stop(): Promise<void> {
    this.want = false;
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    const child = this.child;
    if (child) await this.end(child);
    if (this.launching) await this.launching;
    if (this.st.state !== 'stopped') this.set({ state: 'stopped', error: null, pid: null, url: null, port: null });
  }

  /**
   * A health check while it runs (the runtime calls it every few seconds): a server that stops
   * answering twice in a row is reported as an error with its log tail (it is not restarted behind
   * the user's back, since it may only be busy); it is 'running' again as soon as it answers.
   */
  async checkHealth(): Promise<void> {
    const child = this.child;
    const url = this.st.url;
    if (!child || !url || this.launching || !(this.st.state === 'running' || this.unresponsive)) return;
    const version = await this.probe(url);
    if (this.child !== child || this.launching) return;
    if (version !== undefined) {
      this.misses = 0;
      if (this.unresponsive) {
        this.unresponsive = false;
        this.set({ state: 'running', error: null, version });
      }
      return;
    }
    this.misses++;
    if (this.misses >= 2 && !this.unresponsive) {
      this.unresponsive = true;
      const tail = this.recent.slice(-10).join('\n') || '(nothing)';
      this.set({
        state: 'error',
        error: `Ollama (pid ${child.pid}) is running but stopped answering at ${url}. It may be overloaded or stuck; it is marked running again as soon as it answers, or press Restart. Last lines of its log:\n${tail}`,
      });
    }
  }

  async restart(): Promise<SupervisorStatus> {
    await this.stop();
    return this.start();
  }

  /** The tail of the log file. */
  logs(lines: number): string {
    return tailLog(this.logFile, lines);
  }

  /** Release the log file (after stop). */
  close(): void {
    this.logWriter.close();
  }

  private set(patch: Partial<SupervisorStatus>): void {
    const next = { ...this.st, ...patch };
    if (patch.state && patch.state !== this.st.state) next.since = Date.now();
    this.st = next;
    this.o.onChange?.(this.status());
  }

  private launch(): Promise<void> {
    const p = this.doLaunch().finally(() => {
      if (this.launching === p) this.launching = null;
    });
    this.launching = p;
    return p;
  }

  private async doLaunch(): Promise<void> {
    const restarts = this.crashes.length;
    this.set({ state: 'starting', restarts, url: null, version: null, pid: null });
    let port: number;
    if (this.o.port) {
      if (!(await portIsFree(this.o.port))) {
        this.want = false;
        this.set({
          state: 'error',
          error: `Port ${this.o.port} (HEARTH_OLLAMA_PORT) is already used by another program. Quit that program, or unset HEARTH_OLLAMA_PORT so Hearth picks a free port.`,
        });
        return;
      }
      port = this.o.port;
    } else {
      port = await pickFreePort();
    }
    if (!this.want) return;
    mkdirSync(dirname(this.logFile), { recursive: true });
    this.recent = [];
    this.logWriter.write(
      `--- ${new Date().toISOString()} Hearth starts ${this.o.exe} serve on 127.0.0.1:${port} ---\n`,
    );
    const env = serveEnv({
      base: this.o.baseEnv,
      port,
      modelsDir: this.o.modelsDir,
      keepAlive: this.o.keepAlive ?? '5m',
      gpu: this.o.gpu ?? { driver: null, count: null },
    });
    let child: ChildProcess;
    try {
      child = spawn(this.o.exe, ['serve'], {
        env,
        // Its own process group on POSIX, so stopping it reaches the model runners it starts.
        detached: !IS_WINDOWS,
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (err) {
      this.failToSpawn(err as NodeJS.ErrnoException);
      return;
    }
    const spawnError = new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve));
    this.child = child;
    this.childExited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        this.onExit(child, code, signal);
        resolve();
      });
    });
    this.pipe(child);
    const failed = await Promise.race([spawnError, sleep(0).then(() => null)]);
    if (failed || !child.pid) {
      this.child = null;
      this.failToSpawn(failed ?? (await spawnError));
      return;
    }
    void spawnError.then((err) => this.log.warn(`ollama child error: ${err.message}`));
    writePidFile(this.pidFile, { pid: child.pid, exe: this.o.exe, startedAt: Date.now(), port });
    this.set({ pid: child.pid, port });
    await this.waitReady(child, port);
  }

  private failToSpawn(err: NodeJS.ErrnoException): void {
    this.want = false;
    const why =
      err.code === 'ENOENT'
        ? `was not found`
        : err.code === 'EACCES'
          ? `is not executable (permission denied; on macOS/Linux run chmod +x on it)`
          : `could not be started (${err.message})`;
    this.set({
      state: 'error',
      pid: null,
      error: `The Ollama executable ${this.o.exe} ${why}. Install Ollama from https://ollama.com/download, or set its path in Settings (or HEARTH_OLLAMA_PATH).`,
    });
  }

  private pipe(child: ChildProcess): void {
    const partial = { out: '', err: '' };
    const onData = (key: 'out' | 'err') => (chunk: Buffer) => {
      this.logWriter.write(chunk);
      const text = partial[key] + chunk.toString('utf8');
      const lines = text.split(/\r?\n/);
      partial[key] = lines.pop() ?? '';
      if (partial[key].length > 4096) partial[key] = partial[key].slice(-4096);
      this.recent.push(...lines.filter((l) => l.trim()));
      if (this.recent.length > 60) this.recent.splice(0, this.recent.length - 60);
    };
    child.stdout?.on('data', onData('out'));
    child.stderr?.on('data', onData('err'));
  }

  private async waitReady(child: ChildProcess, port: number): Promise<void> {
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + this.t.readyTimeoutMs;
    let delay = 20;
    while (this.child === child && this.want) {
      const version = await this.probe(base);
      if (this.child !== child || !this.want) return;
      if (version !== undefined) {
        this.misses = 0;
        this.unresponsive = false;
        this.set({ state: 'running', url: base, version, error: null });
        this.log.info(`Ollama ${version ?? ''} is running at ${base} (pid ${child.pid})`);
        return;
      }
      if (Date.now() >= deadline) {
        const tail = this.recent.slice(-15).join('\n') || '(nothing was logged)';
        const explained = explainLines(this.recent);
        this.want = false;
        await this.end(child);
        this.set({
          state: 'error',
          error: `Ollama did not answer within ${Math.round(this.t.readyTimeoutMs / 1000)} s after starting, so Hearth stopped it.${explained ? ` ${explained.message}` : ''} Last lines of its log:\n${tail}`,
        });
        return;
      }
      await sleep(delay);
      delay = Math.min(500, Math.round(delay * 1.5));
    }
  }

  /** The version when the server answers (null if it answers without one), undefined when it does not. */
  private async probe(base: string): Promise<string | null | undefined> {
    try {
      const res = await fetch(`${base}/api/version`, { signal: AbortSignal.timeout(this.t.probeTimeoutMs) });
      if (res.ok) {
        const body = (await res.json().catch(() => ({}))) as { version?: unknown };
        return typeof body.version === 'string' ? body.version : null;
      }
      await res.body?.cancel();
      const root = await fetch(`${base}/`, { signal: AbortSignal.timeout(this.t.probeTimeoutMs) });
      await root.body?.cancel();
      return root.ok ? null : undefined;
    } catch {
      return undefined;
    }
  }

  /** SIGTERM the group, wait, SIGKILL; resolves when the child has exited. */
  private async end(child: ChildProcess): Promise<void> {
    const exited = this.child === child ? this.childExited : null;
    if (!exited || child.pid === undefined) return;
    const pid = child.pid;
    if (IS_WINDOWS) {
      await taskkillTree(pid);
    } else {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        child.kill('SIGTERM');
      }
      // The grace timer is cleared once the child exits: a pending timer would keep `hearth serve`
      // alive for the whole grace period after everything else has stopped.
      let grace: NodeJS.Timeout | undefined;
      const done = await Promise.race([
        exited.then(() => true),
        new Promise<false>((r) => (grace = setTimeout(() => r(false), this.t.stopGraceMs))),
      ]);
      clearTimeout(grace);
      if (!done) {
        this.log.warn(`Ollama (pid ${pid}) did not stop within ${this.t.stopGraceMs} ms; killing it`);
        killGroupRemnants(pid);
      }
    }
    await exited;
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child.pid !== undefined) killGroupRemnants(child.pid);
    if (this.child !== child) return;
    this.child = null;
    removePidFile(this.pidFile);
    this.logWriter.write(`--- ${new Date().toISOString()} ollama exited (${signal ?? `code ${code}`}) ---\n`);
    if (!this.want) {
      this.set({ state: 'stopped', pid: null, url: null, port: null, version: null });
      return;
    }
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < this.t.crashWindowMs), now];
    const n = this.crashes.length;
    const explained = explainLines(this.recent.slice(-30));
    const how = signal ? `was ended by ${signal}` : `exited with code ${code}`;
    const reason = explained?.message ?? `Last lines of its log:\n${this.recent.slice(-10).join('\n') || '(nothing)'}`;
    this.log.warn(`Ollama ${how} (crash ${n} within ${this.t.crashWindowMs / 1000} s)`);
    if (n >= this.t.maxCrashes) {
      this.want = false;
      this.set({
        state: 'error',
        pid: null,
        url: null,
        restarts: n,
        error: `Ollama stopped unexpectedly ${n} times within ${Math.round(this.t.crashWindowMs / 60_000) || 1} minute(s), so Hearth stopped restarting it. ${reason}\nPress Restart to try again; the full log is ${this.logFile}.`,
      });
      return;
    }
    const delay = Math.min(this.t.backoffMs * 2 ** (n - 1), this.t.backoffMaxMs);
    this.set({
      state: 'error',
      pid: null,
      url: null,
      restarts: n,
      error: `Ollama stopped unexpectedly (it ${how}). ${reason}\nRestarting in ${delay >= 1000 ? `${Math.round(delay / 1000)} s` : `${delay} ms`} (restart ${n} of ${this.t.maxCrashes - 1}).`,
    });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.want) void this.launch();
    }, delay);
  }
}
