/**
 * Child processes and temp dirs for the bench, tracked so that every exit path (success, crash,
 * timeout, Ctrl-C) can end them: `cleanup()` when there is time, `cleanupSync()` on process exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
/** Set once cleanup starts: a run still in flight must not start new children or dirs behind it. */
let closing = false;

export function makeTempDir(prefix: string): string {
  if (closing) throw new Error('the bench is shutting down');
  const dir = mkdtempSync(join(tmpdir(), `hearth-bench-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  tempDirs.delete(dir);
}

/** A port that was free a moment ago on 127.0.0.1 (the child binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface Spawned {
  child: ChildProcess;
  /** performance.now() taken immediately before spawn(). */
  t0: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  /** The last few KB of the child's stdout + stderr, for error messages. */
  output(): string;
}

export function spawnNode(args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }): Spawned {
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString('utf8')).slice(-4000);
  };
  if (closing) throw new Error('the bench is shutting down');
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    // No daily backup starting in the middle of a measurement (the backup bench asks for its own).
    env: { HEARTH_AUTO_BACKUP: '0', ...options.env },
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      children.delete(child);
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      keep(Buffer.from(`spawn error: ${err.message}\n`));
      done = true;
      children.delete(child);
      resolve({ code: null, signal: null });
    });
  });
  return { child, t0, exited, hasExited: () => done, output: () => out };
}

/** SIGTERM, wait for exit; SIGKILL after `graceMs`. Resolves with how the child ended. */
export async function stop(
  sp: Spawned,
  graceMs = 5000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }> {
  if (sp.hasExited()) return { ...(await sp.exited), killed: false };
  sp.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), graceMs)));
  const first = await Promise.race([sp.exited, timedOut]);
  clearTimeout(timer);
  if (first !== 'timeout') return { ...first, killed: false };
  sp.child.kill('SIGKILL');
  return { ...(await sp.exited), killed: true };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function probe(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/**
 * Polls `url` every `intervalMs` until it answers 200; returns performance.now() at that answer.
 * Fails early, with the child's output, if the child exits first.
 */
export async function waitHealthy(url: string, sp: Spawned, timeoutMs = 15_000, intervalMs = 5): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (sp.hasExited()) {
      const { code, signal } = await sp.exited;
      throw new Error(`child exited (code ${code}, signal ${signal}) before ${url} answered. Output:\n${sp.output()}`);
    }
    if (await probe(url)) return performance.now();
    if (performance.now() > deadline) {
      throw new Error(`${url} did not answer within ${timeoutMs} ms. Child output:\n${sp.output()}`);
    }
    await sleep(intervalMs);
  }
}

/** From now on, spawnNode and makeTempDir refuse (teardown has begun). */
export function beginShutdown(): void {
  closing = true;
}

/** End every tracked child (SIGTERM, then SIGKILL) and remove every tracked temp dir. */
export async function cleanup(): Promise<void> {
  closing = true;
  await Promise.all(
    [...children].map(async (child) => {
      child.kill('SIGTERM');
      const ended = await Promise.race([
        new Promise<boolean>((r) => child.once('exit', () => r(true))),
        sleep(3000).then(() => false),
      ]);
      if (!ended) child.kill('SIGKILL');
    }),
  );
  cleanupSync();
}

/** Last resort from process.on('exit'): no waiting possible, so SIGKILL. */
export function cleanupSync(): void {
  closing = true;
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
  for (const dir of [...tempDirs]) {
    try {
      removeTempDir(dir);
    } catch {
      // best effort
    }
  }
}
