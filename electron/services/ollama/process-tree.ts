/**
 * Ending a server and everything it started, and recognising a process by its command line.
 * POSIX: the server is spawned detached, so it leads its own process group and `kill(-pid)` reaches
 * its runners too. Windows: `taskkill /T /F` ends the whole tree.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Signal the process group led by `pid` (POSIX); false when nothing was there. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      // Not a group leader (e.g. an orphan started some other way): the process alone.
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(cmd, args, { windowsHide: true, timeout: 10_000 }, (_err, stdout) => resolve(String(stdout ?? '')));
  });
}

/** Windows: end the process and its descendants. */
export async function taskkillTree(pid: number): Promise<void> {
  await run('taskkill', ['/pid', String(pid), '/T', '/F']);
}

/**
 * The command line of a running process, or null when it is gone or cannot be read:
 * /proc/<pid>/cmdline on Linux, `ps` on macOS, CIM on Windows.
 */
export async function commandLineOf(pid: number, platform: NodeJS.Platform = process.platform): Promise<string | null> {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (platform === 'linux') {
    try {
      const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return raw ? raw.split('\0').filter(Boolean).join(' ') : null;
    } catch {
      return null;
    }
  }
  if (platform === 'win32') {
    const out = await run('powershell.exe', [
      '-NoProfile',
      '-Command',
      `(Get-CimInstance Win32_Process -Filter "ProcessId=${pid}").CommandLine`,
    ]);
    return out.trim() || null;
  }
  const out = await run('ps', ['-p', String(pid), '-o', 'command=']);
  return out.trim() || null;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Stop a process tree that is not our child (an orphan from an earlier run): SIGTERM to the group,
 * wait up to graceMs, then SIGKILL. Resolves true when the process is gone.
 */
export async function stopTree(
  pid: number,
  graceMs: number,
  platform: NodeJS.Platform = process.platform,
): Promise<boolean> {
  if (platform === 'win32') {
    await taskkillTree(pid);
    return !isAlive(pid);
  }
  if (!signalGroup(pid, 'SIGTERM')) return !isAlive(pid);
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(25);
  signalGroup(pid, 'SIGKILL');
  for (let i = 0; i < 40 && isAlive(pid); i++) await sleep(25);
  return !isAlive(pid);
}
