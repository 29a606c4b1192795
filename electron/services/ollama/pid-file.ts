/**
 * `<data>/ollama.pid`: which server Hearth started (pid, executable, start time), so that one left
 * behind by a crash of Hearth is found and stopped at the next start — and only that one: the pid
 * is checked to still be that executable before anything is killed.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { commandLineOf, isAlive, stopTree } from './process-tree';

export interface PidRecord {
  pid: number;
  exe: string;
  startedAt: number;
  port: number;
}

export function writePidFile(file: string, rec: PidRecord): void {
  writeFileSync(file, JSON.stringify(rec) + '\n');
}

export function readPidFile(file: string): PidRecord | null {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<PidRecord>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && typeof v.exe === 'string') {
      return { pid: v.pid, exe: v.exe, startedAt: Number(v.startedAt) || 0, port: Number(v.port) || 0 };
    }
  } catch {
    // missing or unreadable: nothing to clean up
  }
  return null;
}

export function removePidFile(file: string): void {
  rmSync(file, { force: true });
}

export type OrphanOutcome = 'none' | 'gone' | 'not-ours' | 'stopped' | 'still-running';

/** Is this command line our server: the executable's path and the `serve` argument? */
export function isOurServer(commandLine: string, exe: string): boolean {
  return commandLine.includes(exe) && /\bserve\b/.test(commandLine);
}

/** Stop the server a previous run left behind, if the pid file names one that is still that server. */
export async function stopOrphan(
  file: string,
  graceMs = 5000,
): Promise<{ outcome: OrphanOutcome; rec: PidRecord | null }> {
  const rec = readPidFile(file);
  if (!rec) return { outcome: 'none', rec };
  let outcome: OrphanOutcome;
  if (!isAlive(rec.pid)) outcome = 'gone';
  else {
    const cmd = await commandLineOf(rec.pid);
    if (!cmd || !isOurServer(cmd, rec.exe)) outcome = 'not-ours';
    else outcome = (await stopTree(rec.pid, graceMs)) ? 'stopped' : 'still-running';
  }
  if (outcome !== 'still-running') removePidFile(file);
  return { outcome, rec };
}
