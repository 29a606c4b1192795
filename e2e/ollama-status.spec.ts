/**
 * The Ollama status pill and the no-Ollama screen against `hearth serve`: an external test Ollama
 * going away and coming back, the bundled server (a stand-in for `ollama serve`) stopped and started
 * from the pill's popover with its log, and auto mode with nothing to find, then Retry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures/test';
import { startFakeOllama } from './support/fake-ollama';
import { holdFirstReply } from './fixtures/late-reply';

const FAKE_SERVE = resolve(__dirname, 'support/fake-ollama-serve.mjs');
const pill = (page: Page) => page.getByRole('button', { name: /^Ollama status:/ });

test.describe('Ollama status', () => {
  test('the pill names the external server and follows it stopping and coming back', async ({ chat, ollama, page }) => {
    await chat.open();
    await expect(pill(page)).toContainText('Ollama running');
    await expect(pill(page)).toContainText('0.12.6');
    await expect(pill(page)).toContainText(`external · 127.0.0.1:${ollama.port}`);
    await expect(pill(page)).toHaveAccessibleName(
      `Ollama status: Ollama running, version 0.12.6, external, http://127.0.0.1:${ollama.port}`,
    );

    await pill(page).click();
    const popover = page.getByRole('dialog', { name: 'Ollama status' });
    await expect(popover).toBeFocused();
    await expect(popover).toContainText(`http://127.0.0.1:${ollama.port}`);
    await expect(popover).toContainText('Mode: Auto');
    // Hearth does not run an external server: nothing to start or stop there.
    await expect(popover.getByRole('button', { name: 'Stop', exact: true })).toHaveCount(0);

    const port = ollama.port;
    await ollama.close();
    await expect(pill(page)).toContainText('Ollama error', { timeout: 10_000 });
    await expect(popover.getByRole('alert')).toContainText('stopped answering');
    await page.keyboard.press('Escape');
    await expect(popover).toBeHidden();
    await expect(pill(page)).toBeFocused();

    const revived = await startFakeOllama({ port });
    try {
      await expect(pill(page)).toContainText('Ollama running', { timeout: 10_000 });
      await chat.waitForModels();
    } finally {
      await revived.close();
    }
  });

  test.describe('with the bundled server', () => {
    test.use({
      ollamaDown: true,
      serveEnv: { HEARTH_OLLAMA_PATH: FAKE_SERVE, FAKE_OLLAMA_SERVE_MODELS: 'tinyllama:1.1b' },
    });

    test('Stop and Start from the popover, and the log', async ({ chat, page }) => {
      await chat.open();
      await expect(pill(page)).toContainText('Ollama running', { timeout: 15_000 });
      await expect(pill(page)).toContainText('bundled · 127.0.0.1:');
      await expect(pill(page)).toContainText('0.9.0-fake');
      await expect(chat.model.locator('option', { hasText: 'tinyllama:1.1b' })).toHaveCount(1);

      await pill(page).click();
      const popover = page.getByRole('dialog', { name: 'Ollama status' });
      await expect(popover).toContainText(/pid \d+/);
      await popover.getByRole('button', { name: 'Stop', exact: true }).click();
      await expect(pill(page)).toContainText('Ollama stopped', { timeout: 10_000 });
      await expect(popover.getByRole('button', { name: 'Stop', exact: true })).toBeDisabled();
      // With the server stopped, the chat says so in plain words, with a way to start it.
      const notice = page.getByRole('alert').filter({ hasText: 'Hearth’s own Ollama is stopped' });
      await expect(notice).toBeVisible();
      await expect(notice.getByRole('button', { name: 'Start Ollama' })).toBeVisible();
      await expect(chat.model.locator('option', { hasText: 'tinyllama:1.1b' })).toHaveText(/unavailable/);

      await popover.getByRole('button', { name: 'Start', exact: true }).click();
      await expect(pill(page)).toContainText('Ollama running', { timeout: 15_000 });
      await expect(notice).toBeHidden();
      await expect(chat.model.locator('option', { hasText: 'tinyllama:1.1b' })).not.toHaveText(/unavailable/);

      await popover.getByRole('button', { name: 'View log' }).click();
      const log = popover.getByRole('region', { name: 'Ollama log' }).or(popover.getByLabel('Ollama log'));
      await expect(log).toContainText('OLLAMA_HOST');
      await expect(log).toContainText('shutting down');
      await expect(log).toHaveCSS('font-family', /mono/i);
      await popover.getByRole('button', { name: 'Refresh log' }).click();
      await expect(log).toContainText('GET "/api/version"');
    });
  });

  test.describe('with a bundled server that takes a while to start', () => {
    test.use({
      ollamaDown: true,
      serveEnv: {
        HEARTH_OLLAMA_PATH: FAKE_SERVE,
        FAKE_OLLAMA_SERVE_MODE: 'slow-start',
        FAKE_OLLAMA_SERVE_DELAY_MS: '2500',
        FAKE_OLLAMA_SERVE_MODELS: 'tinyllama:1.1b',
      },
    });

    test('a status answer that arrives after the "running" event does not put the pill back to starting', async ({
      chat,
      page,
    }) => {
      // The first status answer, taken while the server was starting, reaches the page only after
      // the event saying it runs.
      const lateAnswer = await holdFirstReply(page, 'ollama.status', {
        releaseOn: (frame) => frame.includes('"ollama.status"') && frame.includes('"kind":"bundled","state":"running"'),
        heldBodyContains: '"state":"starting"',
      });
      await chat.open();
      await lateAnswer.applied();
      await expect(pill(page)).toContainText('Ollama running');
      await expect(pill(page)).toContainText('bundled · 127.0.0.1:');
      await expect(chat.model.locator('option', { hasText: 'tinyllama:1.1b' })).toHaveCount(1);
    });
  });

  test.describe('with a bundled server that crashes once', () => {
    test.use({
      ollamaDown: true,
      serveEnv: async ({}, use) => {
        const dir = mkdtempSync(join(tmpdir(), 'hearth-crash-'));
        await use({
          HEARTH_OLLAMA_PATH: FAKE_SERVE,
          FAKE_OLLAMA_SERVE_MODE: 'crash',
          FAKE_OLLAMA_SERVE_CRASH_TIMES: '1',
          FAKE_OLLAMA_SERVE_COUNTER_FILE: join(dir, 'starts'),
          FAKE_OLLAMA_SERVE_FATAL_LINE: 'panic: runtime error: index out of range [3] with length 3',
        });
        rmSync(dir, { recursive: true, force: true });
      },
    });

    test('the popover counts the restart and the log keeps the crash', async ({ chat, page }) => {
      await chat.open();
      await expect(pill(page)).toContainText('Ollama running', { timeout: 15_000 });
      await pill(page).click();
      const popover = page.getByRole('dialog', { name: 'Ollama status' });
      await expect(popover).toContainText('Restarts1 after crashes in the last 2 minutes');
      await popover.getByRole('button', { name: 'View log' }).click();
      await expect(popover.getByLabel('Ollama log')).toContainText('panic: runtime error: index out of range');
    });
  });

  test.describe('switching modes in Settings', () => {
    test.use({ serveEnv: { HEARTH_OLLAMA_PATH: FAKE_SERVE, FAKE_OLLAMA_SERVE_MODELS: 'tinyllama:1.1b' } });

    test('Auto uses the running Ollama; Bundled starts Hearth’s own; locked fields say why', async ({
      chat,
      ollama,
      page,
    }) => {
      await chat.open();
      await expect(pill(page)).toContainText(`external · 127.0.0.1:${ollama.port}`);
      await page.getByRole('button', { name: 'Settings', exact: true }).click();
      await expect(page.getByRole('radio', { name: 'Auto' })).toBeChecked();
      await expect(page.getByText('Use an Ollama that is already running')).toBeVisible();
      const exe = page.getByRole('textbox', { name: 'Bundled Ollama executable' });
      await expect(exe).toBeDisabled();
      await expect(page.getByText('Set by HEARTH_OLLAMA_PATH; change it there.')).toBeVisible();
      await expect(page.getByRole('textbox', { name: 'Ollama URL' })).toBeDisabled();
      await expect(page.getByText('Set by OLLAMA_BASE_URL; change it there.')).toBeVisible();

      await page.getByRole('radio', { name: 'Bundled' }).check();
      await page.getByRole('textbox', { name: 'Models folder' }).fill('/tmp/hearth-e2e-models');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
      await expect(pill(page)).toContainText('bundled · 127.0.0.1:', { timeout: 15_000 });
      await expect(pill(page)).toContainText('Ollama running', { timeout: 15_000 });
      await expect(pill(page)).not.toContainText(String(ollama.port));

      await page.reload();
      await page.getByRole('button', { name: 'Settings', exact: true }).click();
      await expect(page.getByRole('radio', { name: 'Bundled' })).toBeChecked();
      await expect(page.getByRole('textbox', { name: 'Models folder' })).toHaveValue('/tmp/hearth-e2e-models');
      await page.getByRole('radio', { name: 'External' }).check();
      await page.getByRole('textbox', { name: 'Models folder' }).fill('');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await expect(pill(page)).toContainText(`external · 127.0.0.1:${ollama.port}`, { timeout: 15_000 });
    });
  });

  test.describe('with no Ollama anywhere', () => {
    test.use({ ollamaDown: true });

    test('the chat explains how to get Ollama, and Retry brings the app back once one runs', async ({
      chat,
      ollama,
      page,
    }) => {
      await chat.open();
      const screen = page
        .getByRole('alert')
        .filter({ has: page.getByRole('heading', { name: 'Hearth can’t find Ollama' }) });
      await expect(screen).toBeVisible();
      await expect(pill(page)).toContainText('Ollama not found');
      await expect(pill(page)).toContainText(`looked at 127.0.0.1:${ollama.port}`);
      await expect(screen).toContainText(`http://127.0.0.1:${ollama.port}`);
      const link = screen.getByRole('link', { name: 'ollama.com/download' });
      await expect(link).toHaveAttribute('href', 'https://ollama.com/download');
      await expect(link).toHaveAttribute('target', '_blank');
      await expect(screen).toContainText('OLLAMA_BASE_URL');
      await expect(chat.send).toBeDisabled();

      // Settings is one click away from the screen.
      await screen.getByRole('button', { name: 'Open settings' }).click();
      await expect(page.getByRole('radio', { name: 'Auto' })).toBeChecked();
      await page.getByRole('button', { name: 'Back to chat' }).click();

      // Retry with still nothing there says it looked.
      await screen.getByRole('button', { name: 'Retry' }).click();
      await expect(screen).toContainText('still no Ollama');

      const revived = await startFakeOllama({ port: ollama.port });
      try {
        await screen.getByRole('button', { name: 'Retry' }).click();
        await expect(screen).toBeHidden();
        await expect(pill(page)).toContainText('Ollama running');
        await chat.waitForModels();
        await chat.ask('hello again');
        await expect(chat.lastAnswer()).toContainText('You said: hello again');
      } finally {
        await revived.close();
      }
    });
  });
});
