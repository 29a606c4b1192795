import type { Page } from '@playwright/test';
import { test, expect } from './fixtures/test';

const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

test.describe('theme', () => {
  test.use({ colorScheme: 'light' });

  test('follows the OS until a theme is chosen in Settings, and the choice is kept', async ({ chat, page }) => {
    await chat.open();
    expect(await background(page)).toBe('rgb(255, 255, 255)');
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => background(page)).toBe('rgb(27, 27, 31)');
    // Code colours follow the chosen theme too, not only the OS.
    const keyword = await page.evaluate(() => {
      const el = document.createElement('span');
      el.className = 'hljs-keyword';
      document.body.appendChild(el);
      return getComputedStyle(el).color;
    });
    expect(keyword).toBe('rgb(198, 120, 221)');
    await page.reload();
    await expect.poll(() => background(page)).toBe('rgb(27, 27, 31)');
  });
});
