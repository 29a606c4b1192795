/**
 * `hearth serve` with the bundled Ollama: no external server answers, so auto mode starts the
 * executable from HEARTH_OLLAMA_PATH (here a stand-in for `ollama serve`). Stopping Hearth the way a
 * user or a service manager does (SIGTERM, Ctrl-C) must stop that server too: no orphan left in the
 * process table, no pid file left behind.
 */
import { expect, test } from '@playwright/test';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OllamaServerStatus, OllamaStatus } from '../shared/types/domain';
import { ROOT, startServe } from './fixtures/serve-process';

const FAKE_OLLAMA_SERVE = join(ROOT, 'e2e/support/fake-ollama-serve.mjs');

async function closedPortUrl(): Promise<string> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return `http://127.0.0.1:${port}`;
}

/** Is `pid` in the process table (a zombie counts as gone: it no longer runs)? */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (process.platform === 'linux') {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  }
  return true;
}

async function status(url: string): Promise<OllamaStatus> {
  const res = await fetch(new URL('/api/call/ollama.status', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  const body = (await res.json()) as { ok: boolean; value: OllamaStatus };
  expect(body.ok).toBe(true);
  return body.value;
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} to hearth serve stops the bundled Ollama it started`, async () => {
    test.skip(process.platform === 'win32', 'POSIX signals');
    const dir = mkdtempSync(join(tmpdir(), 'hearth-bundled-'));
    try {
      const stateFile = join(dir, 'fake-ollama-state.json');
      mkdirSync(join(dir, 'data'));
      const serve = await startServe({
        dataDir: join(dir, 'data'),
        env: {
          HOME: dir, // no ~/.ollama/models of the machine's user
          OLLAMA_BASE_URL: await closedPortUrl(), // nothing external answers: auto mode starts the bundled one
          HEARTH_OLLAMA_PATH: FAKE_OLLAMA_SERVE,
          FAKE_OLLAMA_SERVE_STATE_FILE: stateFile,
          FAKE_OLLAMA_SERVE_VERSION: '0.33.3-fake',
        },
      });

      let primary: OllamaServerStatus | undefined;
      await expect
        .poll(
          async () => {
            primary = (await status(serve.url)).servers[0];
            return primary && `${primary.kind} ${primary.state}`;
          },
          { timeout: 15_000 },
        )
        .toBe('bundled running');
      expect(primary!.version).toBe('0.33.3-fake');
      const pid = primary!.pid!;
      expect(pid).toBeGreaterThan(0);
      expect(JSON.parse(readFileSync(stateFile, 'utf8')).pid).toBe(pid); // the fake reports the same process
      expect(running(pid)).toBe(true);
      expect(existsSync(join(dir, 'data', 'ollama.pid'))).toBe(true);
      // It answers where Hearth says it runs.
      const version = (await (await fetch(`${primary!.baseUrl}/api/version`)).json()) as { version: string };
      expect(version.version).toBe('0.33.3-fake');

      const t0 = Date.now();
      const code = await serve.stop(signal);
      expect(code, serve.output()).toBe(0);
      // Promptly: nothing (such as a pending grace timer) keeps hearth alive once Ollama has gone.
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(serve.output()).toContain('Stopping Hearth');
      // Gone by the time hearth has exited: it waited for the server to stop.
      expect(running(pid)).toBe(false);
      expect(existsSync(join(dir, 'data', 'ollama.pid'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
