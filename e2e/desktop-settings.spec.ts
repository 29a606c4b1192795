/**
 * Settings → Desktop in serve: the quick prompt's own settings are there and kept across a serve
 * restart; the desktop app's switches (shortcut, tray, login, updates) are not offered, and the page
 * says where the quick prompt is in a browser. Settings → Sync offers Pause only when sync is on.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures/test';

const openDesktopSection = async (page: Page) => {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const section = page.getByRole('region', { name: 'Desktop', exact: true });
  await expect(section.getByLabel('Quick prompt model')).toBeVisible();
  return section;
};

test.describe('Settings → Desktop in serve', () => {
  test('keeps the quick prompt’s settings and leaves the desktop app’s switches out', async ({
    chat,
    page,
    hearth,
  }) => {
    await chat.open();
    await chat.waitForModels();
    let section = await openDesktopSection(page);
    const keep = section.getByRole('checkbox', { name: /Keep quick prompts in the chat list/ });
    await expect(keep).toBeChecked();
    await keep.uncheck();
    await expect(section).toContainText('removed when you start the next one');
    const model = section.getByLabel('Quick prompt model');
    const options = await model.locator('option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value));
    const picked = options.find((v) => v !== '')!;
    await model.selectOption(picked);
    await expect(model).toHaveValue(picked);

    // Not here: these belong to the desktop app.
    await expect(section.getByRole('button', { name: /Alt\+Space|No shortcut/ })).toHaveCount(0);
    await expect(section.getByRole('checkbox', { name: /tray|log in|updates/i })).toHaveCount(0);
    await expect(section.getByRole('link', { name: '/quick' })).toHaveAttribute('href', '/quick');

    await hearth.restart();
    await chat.open();
    section = await openDesktopSection(page);
    await expect(section.getByRole('checkbox', { name: /Keep quick prompts/ })).not.toBeChecked();
    await expect(section.getByLabel('Quick prompt model')).toHaveValue(picked);
  });
});
