/**
 * Helpers for unit tests (test support, never imported by the app): temp data folders that are removed afterwards,
 * real AppServices over real SQLite, and a recorder for the events the services publish.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEnvelope, EventPayload, MethodName, MethodOutput } from '../../shared/contract';
import { createAppServices, type AppServices, type AppServicesOptions } from '../../electron/services/app-services';
import { silentLogger } from '../../electron/services/util/logger';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startFakeOllama, type FakeOllama } from './fake-ollama';

const made: string[] = [];

/** A fresh folder under the OS temp dir; `removeTempDirs` deletes every one made so far. */
export function makeTempDir(prefix = 'hearth-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Real services on a data dir; env is always explicit so the machine's own variables never leak in. */
export function openServices(dataDir: string, options: Partial<Omit<AppServicesOptions, 'dataDir'>> = {}): AppServices {
  return createAppServices({
    host: 'cli',
    secretsKey: randomBytes(32),
    log: silentLogger,
    env: {},
    ...options,
    dataDir,
  });
}

/** Call a method and return its value, failing the test with the error when the call fails. */
export async function callOk<M extends MethodName>(
  services: AppServices,
  method: M,
  input: unknown = {},
): Promise<MethodOutput<M>> {
  const result = await services.router.call(method, input);
  if (!result.ok) throw new Error(`${method} failed: ${result.error.code}: ${result.error.message}`);
  return result.value as MethodOutput<M>;
}

export interface EventRecorder {
  seen: EventEnvelope[];
  deltas(messageId: string): EventPayload<'message.delta'>[];
  waitFor(predicate: (e: EventEnvelope) => boolean, timeoutMs?: number): Promise<EventEnvelope>;
  done(messageId: string, timeoutMs?: number): Promise<EventPayload<'message.done'>>;
  stop(): void;
}

/**
 * Subscribe before acting, so no event is missed. 'ollama.status' events (the runtime manager checks
 * for Ollama in the background from start-up) are left out unless `ollamaStatus` asks for them.
 */
export function recordEvents(services: AppServices, opts: { ollamaStatus?: boolean } = {}): EventRecorder {
  const seen: EventEnvelope[] = [];
  const waiters = new Set<{ predicate: (e: EventEnvelope) => boolean; resolve: (e: EventEnvelope) => void }>();
  const unsubscribe = services.events.subscribe((e) => {
    if (e.event === 'ollama.status' && !opts.ollamaStatus) return;
    seen.push(e);
    for (const w of waiters) {
      if (w.predicate(e)) {
        waiters.delete(w);
        w.resolve(e);
      }
    }
  });
  const waitFor = (predicate: (e: EventEnvelope) => boolean, timeoutMs = 5000) => {
    const already = seen.find(predicate);
    if (already) return Promise.resolve(already);
    return new Promise<EventEnvelope>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no matching event within ${timeoutMs} ms; saw: ${seen.map((s) => s.event).join(', ')}`));
      }, timeoutMs);
      const waiter = {
        predicate,
        resolve: (e: EventEnvelope) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      waiters.add(waiter);
    });
  };
  return {
    seen,
    deltas: (messageId) =>
      seen.flatMap((e) => (e.event === 'message.delta' && e.payload.messageId === messageId ? [e.payload] : [])),
    waitFor,
    async done(messageId, timeoutMs) {
      const e = await waitFor((x) => x.event === 'message.done' && x.payload.messageId === messageId, timeoutMs);
      return e.payload as EventPayload<'message.done'>;
    },
    stop: () => void unsubscribe(),
  };
}

/** Rebuild streamed text from deltas, placing each at its offset (as the renderer does). */
export function applyDeltas(deltas: { offset: number; delta: string }[]): string {
  let text = '';
  for (const d of deltas) {
    if (d.offset > text.length) throw new Error(`gap: delta at ${d.offset} but only ${text.length} chars so far`);
    text = text.slice(0, d.offset) + d.delta + text.slice(d.offset + d.delta.length);
  }
  return text;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Poll until `check` returns a truthy value (or fail after timeoutMs). */
export async function until<T>(
  check: () => T | undefined | null | false,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/**
 * The usual setup of a services test: one test Ollama for the file (handed to `onStart`), and after
 * each test every services instance in `open` closed, the fake's behaviour reset, temp dirs removed.
 */
export function useFakeOllama(open: AppServices[], onStart: (fake: FakeOllama) => void): () => AppServices {
  let fake: FakeOllama | undefined;
  beforeAll(async () => {
    fake = await startFakeOllama();
    onStart(fake);
  });
  afterAll(async () => {
    await fake?.close();
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    fake?.reset();
    removeTempDirs();
  });
  /** Real services on a fresh data dir talking to the test Ollama, closed after the test. */
  return () => {
    const s = openServices(makeTempDir(), { env: { OLLAMA_BASE_URL: fake!.url } });
    open.push(s);
    return s;
  };
}
