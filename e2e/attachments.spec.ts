/**
 * Attachments end to end: attach by the file input, paste and drop; chips; the request Ollama
 * receives (images and inlined text); thumbnails after sending and after a reload; clear errors.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { tinyPng } from './support/images';
import { expect, test } from './fixtures/test';

interface OllamaTurn {
  role: string;
  content: string;
  images?: string[];
}

const filesToSend = (page: Page) => page.getByRole('list', { name: 'Files to send' }).getByRole('listitem');

async function paste(page: Page, name: string, bytes: Buffer, type: string) {
  await page.getByRole('textbox', { name: 'Message' }).evaluate(
    (el, { b64, name, type }) => {
      const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bin], name, { type }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    },
    { b64: bytes.toString('base64'), name, type },
  );
}

async function drop(page: Page, name: string, text: string, type = 'text/plain') {
  const dataTransfer = await page.evaluateHandle(
    ({ name, text, type }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type }));
      return dt;
    },
    { name, text, type },
  );
  await page.dispatchEvent('.chat-view', 'dragover', { dataTransfer });
  await page.dispatchEvent('.chat-view', 'drop', { dataTransfer });
}

test('attach by button, paste and drop; Ollama gets the images and the text; thumbnails survive a reload', async ({
  page,
  chat,
  ollama,
  dataDir,
}) => {
  ollama.behavior.tokenDelayMs = 0;
  await chat.open();
  await chat.waitForModels();
  const dot = tinyPng();
  await page.locator('input[type=file]').first().setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: dot });
  await expect(filesToSend(page)).toHaveCount(1);
  await paste(page, 'image.png', tinyPng(3, 2), 'image/png');
  await expect(filesToSend(page)).toHaveCount(2);
  await drop(page, 'notes.txt', 'alpha\nbeta\n');
  await expect(filesToSend(page)).toHaveCount(3);
  await expect(filesToSend(page).filter({ hasText: 'dot.png' })).toContainText('B');
  await expect(filesToSend(page).filter({ hasText: 'notes.txt' })).toContainText('11 B');
  await expect(filesToSend(page).filter({ hasText: /^pasted-.*\.png/ })).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Remove notes.txt' })).toBeVisible();
  // Every chip is stored before Send is allowed.
  await expect(filesToSend(page).and(page.locator('[aria-busy=true]'))).toHaveCount(0);

  await chat.ask('What do these show?');
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'done');
  await expect(filesToSend(page)).toHaveCount(0);
  const last = (ollama.requests.at(-1)!.messages as OllamaTurn[]).at(-1)!;
  expect(last.role).toBe('user');
  expect(last.images).toEqual([dot.toString('base64'), tinyPng(3, 2).toString('base64')]);
  expect(last.content).toBe('File: notes.txt\n```\nalpha\nbeta\n```\n\nWhat do these show?');

  const sent = chat.userMessages.last();
  await expect(sent.getByRole('img', { name: 'dot.png' })).toBeVisible();
  await expect(sent.getByRole('listitem').filter({ hasText: 'notes.txt' })).toBeVisible();
  const files = readdirSync(join(dataDir, 'attachments'));
  expect(files).toHaveLength(3);

  await page.reload();
  await chat.chats.filter({ hasText: 'What do these show?' }).first().click();
  await expect(chat.userMessages.last().getByRole('img', { name: 'dot.png' })).toBeVisible();
  const natural = await chat.userMessages
    .last()
    .getByRole('img', { name: 'dot.png' })
    .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth);
  expect(natural).toBe(2);
});

test('a big image is downscaled in the page before upload', async ({ page, chat, ollama }) => {
  ollama.behavior.tokenDelayMs = 0;
  await chat.open();
  await chat.waitForModels();
  const big = tinyPng(2000, 1000);
  await page
    .locator('input[type=file]')
    .first()
    .setInputFiles({ name: 'wide.png', mimeType: 'image/png', buffer: big });
  await expect(filesToSend(page)).toHaveCount(1);
  await expect(filesToSend(page)).toContainText('wide.webp');
  await expect(filesToSend(page).and(page.locator('[aria-busy=true]'))).toHaveCount(0);
  await chat.ask('Wide picture');
  // A 1568 px WebP is a few MB of base64 on its way through: allow for a busy machine.
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  const image = Buffer.from((ollama.requests.at(-1)!.messages as OllamaTurn[]).at(-1)!.images![0]!, 'base64');
  expect(image.subarray(8, 12).toString('latin1')).toBe('WEBP');
  const img = chat.userMessages.last().getByRole('img', { name: 'wide.webp' });
  await expect(img).toBeVisible();
  expect(await img.evaluate((el: HTMLImageElement) => [el.naturalWidth, el.naturalHeight])).toEqual([1568, 784]);
});

test('an oversized or binary file is refused clearly and the typed text stays', async ({ page, chat }) => {
  await chat.open();
  await chat.waitForModels();
  await chat.message.fill('Please keep this draft');
  await page
    .locator('input[type=file]')
    .first()
    .setInputFiles({ name: 'huge.log', mimeType: 'text/plain', buffer: Buffer.alloc(300 * 1024, 'a') });
  const alert = page.locator('.composer').getByRole('alert');
  await expect(alert).toContainText('"huge.log" is too large (300 KB); text files can be up to 256 KB');
  await expect(chat.message).toHaveValue('Please keep this draft');
  await expect(page.getByRole('list', { name: 'Files to send' })).toHaveCount(0);

  await drop(page, 'program.bin', '\u0000\u0001\u0002binary', 'application/octet-stream');
  await expect(alert).toContainText('"program.bin" is a binary file');
  await expect(chat.message).toHaveValue('Please keep this draft');
});
