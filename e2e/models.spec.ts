/**
 * The model manager against `hearth serve` and the test Ollama: pulls with live progress (several
 * at once), cancel and resume, plain-words errors with Retry, delete with confirmation, details
 * from /api/show, running models with Unload, and a second Ollama server chosen on the page.
 */
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures/test';
import { startFakeOllama } from './support/fake-ollama';

async function openModels(page: Page, openUrl: string): Promise<void> {
  await page.goto(openUrl);
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await page.keyboard.press('Control+Shift+M');
  await expect(page.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible();
}

const progressValue = (bar: Locator) => bar.evaluate((e) => (e as HTMLProgressElement).value);

test.describe('the model manager', () => {
  test('a pull shows live progress; cancel keeps the bytes and Resume finishes it', async ({
    page,
    hearth,
    ollama,
  }) => {
    test.setTimeout(60_000);
    // About 6 s for the model layer, so there is time to watch it and cancel it.
    ollama.behavior.pullDelayMs = 100;
    ollama.behavior.pullSteps = 60;
    await openModels(page, hearth.openUrl);
    const installed = page.getByRole('table', { name: 'Installed models' });
    await expect(installed.getByRole('rowheader')).toHaveText(['llama3.2:1b', 'qwen2.5:0.5b']);

    const name = page.getByRole('textbox', { name: 'Model name' });
    await name.fill('mistral:7b');
    await name.press('Enter');
    await expect(name).toHaveValue('');
    const card = page.getByRole('listitem', { name: 'Download of mistral:7b' });
    const bar = card.getByRole('progressbar', { name: 'Downloading mistral:7b' });
    await expect(card).toContainText(/\d+% · [\d.]+ [KMG]?B of 2\.0 GB/);
    await expect.poll(() => progressValue(bar)).toBeGreaterThan(5);
    const first = await progressValue(bar);
    await expect.poll(() => progressValue(bar)).toBeGreaterThan(first);
    await expect(card).toContainText(/[\d.]+ [KMG]?B\/s/);
    await expect(card).toContainText(/left/);
    // The layers Ollama has reported so far, each with its own bar (they come one after another).
    const layerBar = card.getByRole('list', { name: 'Layers of mistral:7b' }).getByRole('progressbar').first();
    await expect.poll(() => progressValue(layerBar)).toBeGreaterThan(0);

    // A second download at the same time.
    await name.fill('qwen2.5:7b');
    await name.press('Enter');
    const second = page.getByRole('listitem', { name: 'Download of qwen2.5:7b' });
    await expect(second.getByRole('progressbar', { name: 'Downloading qwen2.5:7b' })).toBeVisible();
    await expect(
      page.getByRole('list', { name: 'Downloads' }).getByRole('listitem', { name: /^Download of/ }),
    ).toHaveCount(2);

    await card.getByRole('button', { name: 'Cancel download of mistral:7b' }).click();
    await expect(card).toContainText('Cancelled');
    await expect(card).toContainText('what was downloaded is kept');
    const kept = await progressValue(bar);
    expect(kept).toBeGreaterThan(0);
    // Ollama keeps the partial blob: the test server still has its bytes.
    expect([...ollama.blobs.values()].some((b) => b > 0)).toBe(true);

    const pullsBefore = ollama.pulls.length;
    await card.getByRole('button', { name: 'Resume download of mistral:7b' }).click();
    await expect(card).toContainText('Installed', { timeout: 20_000 });
    expect(ollama.pulls.length).toBe(pullsBefore + 1);
    await expect(bar).toHaveJSProperty('value', 100);
    await expect(second).toContainText('Installed', { timeout: 20_000 });
    await expect(installed.getByRole('rowheader', { name: 'mistral:7b' })).toBeVisible();
    await expect(installed.getByRole('rowheader', { name: 'qwen2.5:7b' })).toBeVisible();

    // The chat's model picker offers the new models too.
    await page.getByRole('button', { name: 'Back to chat' }).click();
    await expect(
      page.getByRole('combobox', { name: 'Model' }).locator('option', { hasText: 'mistral:7b' }),
    ).toHaveCount(1);
  });

  test('a model the library does not know fails in plain words, and Retry pulls it again', async ({
    page,
    hearth,
    ollama,
  }) => {
    await openModels(page, hearth.openUrl);
    const name = page.getByRole('textbox', { name: 'Model name' });
    await name.fill('nosuch-model:1b');
    await page.getByRole('button', { name: 'Pull', exact: true }).click();
    const card = page.getByRole('listitem', { name: 'Download of nosuch-model:1b' });
    const alert = card.getByRole('alert');
    await expect(alert).toContainText('nosuch-model:1b');
    await expect(alert).toContainText(/not in the Ollama library|does not exist|no model/i);
    await expect(alert).not.toContainText('pull model manifest');

    ollama.behavior.pullUnknown = () => false;
    await card.getByRole('button', { name: 'Retry download of nosuch-model:1b' }).click();
    await expect(card).toContainText('Installed', { timeout: 15_000 });
    await expect(card.getByRole('alert')).toHaveCount(0);

    // An empty name is explained instead of sent.
    await name.fill('   ');
    await name.press('Enter');
    await expect(page.getByRole('form', { name: 'Pull a model' }).getByRole('alert')).toContainText(
      'Type the name of a model',
    );
  });

  test('delete asks first: Escape keeps the model, confirming removes it', async ({ page, hearth, ollama }) => {
    await openModels(page, hearth.openUrl);
    const installed = page.getByRole('table', { name: 'Installed models' });
    const deleteButton = page.getByRole('button', { name: 'Delete llama3.2:1b' });
    await deleteButton.click();
    const dialog = page.getByRole('dialog', { name: 'Delete llama3.2:1b?' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('1.3 GB');
    // Focus starts on the safe choice and stays inside the dialog.
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(dialog.getByRole('button', { name: 'Delete model' })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(deleteButton).toBeFocused();
    expect(ollama.models.some((m) => m.name === 'llama3.2:1b')).toBe(true);

    await deleteButton.click();
    await dialog.getByRole('button', { name: 'Delete model' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('status').filter({ hasText: 'Deleted llama3.2:1b.' })).toBeVisible();
    await expect(installed.getByRole('rowheader')).toHaveText(['qwen2.5:0.5b']);
    expect(ollama.models.map((m) => m.name)).toEqual(['qwen2.5:0.5b']);
  });

  test('details come from /api/show: parameters, template, license collapsed, model info', async ({
    page,
    hearth,
    ollama,
  }) => {
    ollama.models[0] = {
      ...ollama.models[0]!,
      contextLength: 131072,
      capabilities: ['completion', 'vision', 'tools'],
      parameters: 'stop "<|eot_id|>"\ntemperature 0.6',
      system: 'You are a helpful assistant.',
      license: 'LLAMA 3.2 COMMUNITY LICENSE AGREEMENT',
    };
    await openModels(page, hearth.openUrl);
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'llama3.2:1b' }) });
    await expect(row).toContainText('1.3 GB');
    await expect(row).toContainText('Q8_0');
    await expect(row).toContainText('128K');
    await expect(row.locator('.cap-badge')).toHaveText(['vision', 'tools']);
    await expect(row).toContainText(/Fits|Tight|Too big/);

    await row.getByRole('button', { name: 'Details of llama3.2:1b' }).click();
    const panel = page.getByRole('region', { name: 'Details of llama3.2:1b' });
    await expect(panel).toBeFocused();
    await expect(panel.getByLabel('Parameters')).toContainText('temperature 0.6');
    await expect(panel.getByLabel('Template')).toContainText('{{ .Prompt }}');
    await expect(panel.getByLabel('System prompt')).toContainText('You are a helpful assistant.');
    await expect(panel).toContainText('131,072 tokens');
    const license = panel.getByText('LLAMA 3.2 COMMUNITY LICENSE AGREEMENT');
    await expect(license).toBeHidden();
    await panel.getByText('License', { exact: true }).click();
    await expect(license).toBeVisible();
    await expect(panel.getByLabel('Model info')).toContainText('general.architecture');
    await page.keyboard.press('Escape');
    await expect(panel).toBeHidden();
    await expect(row.getByRole('button', { name: 'Details of llama3.2:1b' })).toBeFocused();

    // The shortcut is shown on the sidebar button and takes you back to the chat too.
    await expect(page.getByRole('button', { name: 'Models', exact: true })).toHaveAttribute('title', /Ctrl\+Shift\+M/);
    await page.keyboard.press('Control+Shift+M');
    await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  });

  test('running models show memory and expiry, refresh by themselves, and unload', async ({ page, hearth, ollama }) => {
    ollama.loaded.push({ name: 'llama3.2:1b', expiresAt: Date.now() + 4 * 60_000 + 20_000, contextLength: 4096 });
    await openModels(page, hearth.openUrl);
    const running = page.getByRole('table', { name: 'Running models' });
    const row = running.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'llama3.2:1b' }) });
    await expect(row).toContainText('unloads in 4 min');
    await expect(row).toContainText('4K');

    // Loaded elsewhere (a chat, the CLI): it appears without a click.
    ollama.loaded.push({ name: 'qwen2.5:0.5b', expiresAt: null, contextLength: 2048 });
    await expect(running.getByRole('rowheader', { name: 'qwen2.5:0.5b' })).toBeVisible({ timeout: 10_000 });
    await expect(running.getByRole('row').filter({ hasText: 'qwen2.5:0.5b' })).toContainText('stays loaded');

    await row.getByRole('button', { name: 'Unload llama3.2:1b' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Unloaded llama3.2:1b' })).toBeVisible();
    await expect(running.getByRole('rowheader', { name: 'llama3.2:1b' })).toHaveCount(0);
    expect(ollama.loaded.map((l) => l.name)).toEqual(['qwen2.5:0.5b']);
    await page.getByRole('button', { name: 'Unload qwen2.5:0.5b' }).click();
    await expect(page.getByText('No model is loaded right now.')).toBeVisible();
  });

  test('a second Ollama server added in Settings is chosen on the Models page', async ({ page, hearth }) => {
    const gpu = await startFakeOllama({
      models: [
        { name: 'llama3.1:70b', size: 42_520_413_916, family: 'llama', parameterSize: '70.6B', quantization: 'Q4_K_M' },
      ],
    });
    try {
      await page.goto(hearth.openUrl);
      await page.getByRole('button', { name: 'Settings', exact: true }).click();
      await page.getByRole('button', { name: 'Add Ollama server' }).click();
      await page.getByRole('textbox', { name: 'Server name' }).fill('GPU box');
      await page.getByRole('textbox', { name: 'Server URL' }).fill('not a url');
      await page.getByRole('button', { name: 'Save server' }).click();
      await expect(page.getByRole('alert').filter({ hasText: 'must start with http' })).toBeVisible();
      await page.getByRole('textbox', { name: 'Server URL' }).fill(gpu.url);
      await page.getByRole('textbox', { name: 'Server URL' }).press('Enter');
      await expect(page.getByRole('list', { name: 'Extra Ollama servers' })).toContainText('GPU box');
      // The status pill counts it, and its popover lists it with its state.
      const pill = page.getByRole('button', { name: /^Ollama status:/ });
      await expect(pill).toContainText('+1 server');
      await pill.click();
      await expect(
        page.getByRole('dialog', { name: 'Ollama status' }).getByRole('listitem', { name: 'GPU box: Running' }),
      ).toContainText(gpu.url);
      await page.keyboard.press('Escape');

      await page.getByRole('button', { name: 'Models', exact: true }).click();
      const server = page.getByRole('combobox', { name: 'Ollama server' });
      await server.selectOption({ index: 1 });
      const installed = page.getByRole('table', { name: 'Installed models' });
      await expect(page.getByRole('heading', { name: 'Installed on GPU box' })).toBeVisible();
      await expect(installed.getByRole('rowheader')).toHaveText(['llama3.1:70b']);
      await expect(installed).toContainText('43 GB');
      // 43 GB is more than this test machine's memory.
      await expect(installed).toContainText('Too big');
    } finally {
      await gpu.close();
    }
  });
});
