/** The bench's way to talk to a running serve from Node, and to read a process's memory. */
import { readFileSync } from 'node:fs';

/** POST /api/call/<method> on `base`; the value, or an Error naming the method and Hearth's message. */
export async function callApi<T = unknown>(base: string, method: string, input: unknown = {}): Promise<T> {
  const res = await fetch(`${base}/api/call/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; value?: T; error?: { code?: string; message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
  return body.value as T;
}

/** Resident set size of a process from /proc (Linux), in bytes; 0 when it cannot be read. */
export function rssBytes(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
