/**
 * Smoke test of the packaged Linux app (dist/linux-unpacked/hearth from `npx electron-builder --dir
 * --linux`, packaged with HEARTH_FUSES_ALLOW_INSPECT=1: Playwright drives Electron's main process
 * through the Node inspector, which release builds switch off). One launch, in order:
 *   the main window opens → a message to a fake Ollama (e2e/support/fake-ollama.ts, via OLLAMA_BASE_URL)
 *   streams its answer → the tray and the quick-prompt window exist → quitting leaves no process.
 *
 * What the shell must provide for it:
 *   - a BrowserWindow titled "Quick prompt" (BrowserWindow.getTitle(); created at start, hidden is fine;
 *     if the page sets document.title, that is the title Electron reports)
 *   - globalThis.__hearthTray = the Tray, once created (Electron cannot list trays)
 * HEARTH_SMOKE_EXECUTABLE runs another build; HEARTH_SMOKE_NO_SANDBOX=1 adds --no-sandbox (for a
 * container running as root; CI keeps Chromium's sandbox on).
 */
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { ChatPage } from '../e2e/fixtures/chat-page';
import { startFakeOllama, type FakeOllama } from '../e2e/support/fake-ollama';

const EXECUTABLE = process.env.HEARTH_SMOKE_EXECUTABLE ?? resolve(__dirname, '../dist/linux-unpacked/hearth');
const APP_DIR = dirname(EXECUTABLE);
const QUICK_PROMPT_TITLE = 'Quick prompt';

interface WindowInfo {
  title: string;
  visible: boolean;
}

/** Title and visibility of every BrowserWindow, from the main process. */
function windows(app: ElectronApplication): Promise<WindowInfo[]> {
  return app.evaluate(({ BrowserWindow }) =>
    BrowserWindow.getAllWindows().map((w) => ({ title: w.getTitle(), visible: w.isVisible() })),
  );
}

/** The page of the first window that is not the quick prompt (waits up to 30 s for one). */
async function mainWindow(app: ElectronApplication): Promise<Page> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    for (const page of app.windows()) {
      try {
        const title = await (await app.browserWindow(page)).evaluate((w) => w.getTitle());
        if (title !== QUICK_PROMPT_TITLE) return page;
      } catch {
        // closed meanwhile
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`No main window within 30 s; windows: ${JSON.stringify(await windows(app))}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Processes whose executable lives in the packaged app's folder (the app and its Chromium helpers). */
function processesOf(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/exe`).startsWith(`${dir}/`)) pids.push(Number(entry));
    } catch {
      // gone already, or not ours to read
    }
  }
  return pids;
}

test.describe('the packaged app', () => {
  let ollama: FakeOllama;
  let dataDir: string;
  let app: ElectronApplication | null = null;
  const output: string[] = [];

  test.beforeAll(async () => {
    expect(existsSync(EXECUTABLE), `${EXECUTABLE} (run \`npx electron-builder --dir --linux\` first)`).toBe(true);
    ollama = await startFakeOllama();
    dataDir = mkdtempSync(join(tmpdir(), 'hearth-smoke-'));
  });

  test.afterAll(async () => {
    if (app && isRunning(app.process().pid!)) await app.close().catch(() => app?.process().kill('SIGKILL'));
    await ollama?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('opens, streams an answer from Ollama, has its tray and quick prompt, and quits cleanly', async () => {
    try {
      await smoke();
    } catch (err) {
      await test.info().attach('app output', { body: output.join(''), contentType: 'text/plain' });
      throw err;
    }
  });

  async function smoke(): Promise<void> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    delete env.ELECTRON_RUN_AS_NODE;
    Object.assign(env, { OLLAMA_BASE_URL: ollama.url, HEARTH_DATA_DIR: dataDir, HEARTH_LOG_LEVEL: 'debug' });

    const launched = await electron.launch({
      executablePath: EXECUTABLE,
      args: process.env.HEARTH_SMOKE_NO_SANDBOX === '1' ? ['--no-sandbox'] : [],
      env,
      chromiumSandbox: process.env.HEARTH_SMOKE_NO_SANDBOX !== '1',
      timeout: 60_000,
    });
    app = launched;
    const child = launched.process();
    child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    const pid = child.pid!;

    await test.step('the main window opens', async () => {
      const page = await mainWindow(launched);
      const window = await launched.browserWindow(page);
      await expect
        .poll(() => window.evaluate((w) => w.isVisible()), { message: 'the main window is shown' })
        .toBe(true);
      await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
    });

    await test.step('a message streams its answer from Ollama', async () => {
      const chat = new ChatPage(await mainWindow(launched), { openUrl: '', url: '' });
      ollama.behavior.tokenDelayMs = 40;
      const sentence = 'The packaged app streams this answer token by token. ';
      ollama.behavior.reply = () => sentence.repeat(5) + 'End of the smoke answer.';
      await chat.waitForModels();
      await chat.ask('Hello from the packaged app');
      await expect(chat.userMessages.last()).toContainText('Hello from the packaged app');
      const answer = chat.lastAnswer();
      await expect(answer).toContainText('The packaged app streams');
      // Streaming: part of the answer is shown before the end arrives.
      expect(await answer.locator('.message-body').textContent()).not.toContain('End of the smoke answer.');
      await expect(answer).toContainText('End of the smoke answer.');
      expect(ollama.requests.at(-1)?.messages?.at(-1)?.content).toBe('Hello from the packaged app');
    });

    await test.step('the tray and the quick-prompt window exist', async () => {
      await expect
        .poll(
          () =>
            launched.evaluate(() => {
              const tray = (globalThis as { __hearthTray?: { isDestroyed(): boolean } }).__hearthTray;
              return !!tray && !tray.isDestroyed();
            }),
          { message: 'globalThis.__hearthTray is a live Tray' },
        )
        .toBe(true);
      await expect
        .poll(async () => (await windows(launched)).map((w) => w.title), {
          message: `a window titled "${QUICK_PROMPT_TITLE}"`,
        })
        .toContain(QUICK_PROMPT_TITLE);
    });

    await test.step('quitting leaves no process behind', async () => {
      const closed = launched.waitForEvent('close', { timeout: 30_000 });
      // Quit on the next tick, so this evaluate returns before the connection goes.
      await launched.evaluate(({ app: electronApp }) => {
        setImmediate(() => electronApp.quit());
      });
      await closed;
      await expect.poll(() => isRunning(pid), { message: `the app (pid ${pid}) exits` }).toBe(false);
      await expect
        .poll(() => processesOf(APP_DIR), { message: `no process runs from ${APP_DIR}`, timeout: 15_000 })
        .toEqual([]);
    });
  }
});
