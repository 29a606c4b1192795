/**
 * Helpers for the runtime's tests (not a test file itself): the fake `ollama serve`, and the
 * process table as `ps` shows it (a zombie counts as gone).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FAKE_SERVE = resolve(__dirname, 'fake-ollama-serve.mjs');

/** Is the process in the process table and not a zombie? */
export function processRunning(pid: number): boolean {
  try {
    const stat = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return stat !== '' && !stat.startsWith('Z');
  } catch {
    return false; // ps exits 1 when the pid is not there
  }
}

export async function waitGone(pid: number, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!processRunning(pid)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return !processRunning(pid);
}

/** What the fake wrote about itself once started (pid, its child's pid, the env it saw). */
export interface FakeState {
  pid: number;
  childPid: number | null;
  starts: number;
  env: Record<string, string>;
}

export function readState(file: string): FakeState | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as FakeState) : null;
}

/** A resources folder laid out like the packaged app's, its `ollama` a link to the fake. */
export function fakeResources(dir: string): { resourcesDir: string; exe: string } {
  const folder = join(dir, 'resources', 'ollama', `${process.platform}-${process.arch}`);
  mkdirSync(folder, { recursive: true });
  const exe = join(folder, 'ollama');
  symlinkSync(FAKE_SERVE, exe);
  return { resourcesDir: join(dir, 'resources'), exe };
}
