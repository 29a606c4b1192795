/** Settings → Log in serve: where the log is, a viewer that reads it, and no message text in it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures/test';

const openLogSection = async (page: Page) => {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const section = page.getByRole('region', { name: 'Log', exact: true });
  await expect(section.getByRole('textbox', { name: 'Log file' })).toHaveValue(/logs[/\\]hearth\.log$/);
  return section;
};

test.describe('Hearth’s log', () => {
  test('Settings shows where it is and a viewer that reads it, without the words of a chat', async ({
    chat,
    page,
    dataDir,
  }) => {
    const words = 'my cat Bartholomew-7731 hides under the piano';
    await chat.open();
    await chat.waitForModels();
    await chat.ask(words);
    await expect(chat.lastAnswer()).toContainText('answer number 1');

    const section = await openLogSection(page);
    await expect(section).toContainText(/level info/);
    // serve has no file manager to open: the button is the desktop app's alone.
    await expect(section.getByRole('button', { name: 'Copy path' })).toBeVisible();
    await expect(section.getByRole('button', { name: 'Open folder' })).toHaveCount(0);

    const view = section.getByRole('button', { name: 'View' });
    await view.click();
    const viewer = page.getByRole('dialog', { name: 'Hearth’s log' });
    await expect(viewer).toBeVisible();
    const lines = viewer.getByLabel('Log lines');
    await expect(lines).toContainText(/\d{4}-\d\d-\d\dT[\d:.]+Z INFO +Hearth \S+ starting \(serve\)/);
    // Read as `time LEVEL msg`, not as raw JSON.
    expect(await lines.textContent()).not.toContain('"msg"');
    expect(await lines.textContent()).not.toContain('Bartholomew');

    // Refresh reads the file again; the chat's words are still not in it.
    await viewer.getByRole('button', { name: 'Refresh' }).click();
    await expect(viewer.getByRole('button', { name: 'Refresh' })).toBeVisible();
    await expect(lines).toContainText('starting (serve)');
    expect(await lines.textContent()).not.toContain('Bartholomew');

    // Nor anywhere in the file, beyond the lines the viewer reads.
    expect(readFileSync(join(dataDir, 'logs', 'hearth.log'), 'utf8')).not.toContain('Bartholomew');

    await page.keyboard.press('Escape');
    await expect(viewer).toHaveCount(0);
    await expect(view).toBeFocused();

    await view.click();
    await expect(viewer).toBeVisible();
    await viewer.getByRole('button', { name: 'Close' }).click();
    await expect(viewer).toHaveCount(0);
    await expect(view).toBeFocused();
  });

  test('Copy path puts the path on the clipboard and says so', async ({ chat, page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await chat.open();
    const section = await openLogSection(page);
    await section.getByRole('button', { name: 'Copy path' }).click();
    await expect(section.getByRole('status')).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/logs[/\\]hearth\.log$/);
  });
});
