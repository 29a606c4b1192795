/**
 * Image generation end to end in Chromium against `hearth serve` and the test AUTOMATIC1111 server:
 * a backend added in Settings and tested, a generation with visible progress and preview, an
 * interrupted batch that keeps its finished images, the gallery after a restart, Reuse parameters,
 * `/image` in a chat, and the saved PNG's parameters chunk.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { startFakeA1111, type FakeA1111 } from './support/fake-a1111';
import { readTextChunks } from '../electron/services/images/png-text';
import { expect, test } from './fixtures/test';
import { callApi } from './fixtures/api';

let sd: FakeA1111;

test.beforeEach(async () => {
  sd = await startFakeA1111();
  sd.behavior.stepDelayMs = 25;
});

test.afterEach(async () => {
  await sd.close();
});

async function addBackend(page: Page): Promise<string> {
  const b = await callApi<{ id: string }>(page, 'images.saveBackend', {
    kind: 'a1111',
    label: 'Test SD',
    baseUrl: sd.url,
  });
  return b.id;
}

const gallery = (page: Page) => page.getByRole('grid', { name: 'Gallery' }).getByRole('gridcell');
const queue = (page: Page) => page.getByRole('list', { name: 'Queue' }).getByRole('listitem');

async function openImages(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Images', exact: true }).click();
  await expect(page.getByRole('main', { name: 'Images' })).toBeVisible();
}

async function generate(page: Page, prompt: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill(prompt);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
}

test('add a backend in Settings, test it, generate with progress and preview, gallery after a restart', async ({
  page,
  chat,
  hearth,
}) => {
  await chat.open();
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const section = page.getByRole('region', { name: 'Image generation' });
  await section.getByRole('button', { name: 'Add image backend' }).click();
  await section.getByRole('textbox', { name: 'Name' }).fill('My SD');
  await section.getByRole('textbox', { name: 'Address' }).fill(sd.url);
  await section.getByRole('button', { name: 'Save backend' }).click();
  await expect(section.getByText('My SD')).toBeVisible();
  await section.getByRole('button', { name: 'Test connection' }).first().click();
  await expect(section.getByRole('status').filter({ hasText: /AUTOMATIC1111 answers/ })).toBeVisible();

  await openImages(page);
  // 30 steps × 80 ms: long enough for a few of Hearth's progress polls (every 500 ms, as A1111's own UI).
  sd.behavior.stepDelayMs = 80;
  await page.getByRole('spinbutton', { name: 'Steps' }).fill('30');
  await generate(page, 'a lighthouse in a storm');
  const job = queue(page).first();
  const bar = job.getByRole('progressbar');
  await expect(bar).toBeVisible();
  await expect(bar).toHaveAttribute('aria-valuenow', /[1-9]/);
  await expect(job.getByRole('img', { name: /preview/i })).toBeVisible();
  await expect(gallery(page)).toHaveCount(1, { timeout: 15_000 });
  await expect(gallery(page).first().getByRole('img')).toHaveAttribute('alt', 'a lighthouse in a storm');

  await hearth.restart();
  await page.goto(hearth.openUrl);
  await openImages(page);
  await expect(gallery(page)).toHaveCount(1);
  await expect(gallery(page).first().getByRole('img')).toHaveAttribute('src', /^data:image\/jpeg;base64,/);
});

test('cancel during a batch keeps the images already finished', async ({ page, chat }) => {
  await chat.open();
  await addBackend(page);
  // 5 steps × 150 ms an image: the Cancel click lands well before the batch's end even on a loaded
  // machine (at 60 ms a step, a CI run once saw the batch finish before the click arrived).
  sd.behavior.stepDelayMs = 150;
  await openImages(page);
  await page.getByRole('spinbutton', { name: 'Steps' }).fill('5');
  await page.getByRole('spinbutton', { name: 'Batch size' }).fill('4');
  await generate(page, 'four foxes');
  // AUTOMATIC1111 answers with the whole batch at the end.
  // Cancel once the progress is past the first image: the interrupted request returns what is done.
  const bar = queue(page).first().getByRole('progressbar');
  await expect
    .poll(async () => Number((await bar.getAttribute('aria-valuenow')) ?? 0), { timeout: 15_000 })
    .toBeGreaterThan(30);
  await queue(page).first().getByRole('button', { name: 'Cancel' }).click();
  await expect(queue(page).first()).toContainText(/kept/i);
  const kept = await gallery(page).count();
  expect(kept).toBeGreaterThanOrEqual(1);
  expect(kept).toBeLessThan(4);
  expect(sd.requests.some((r) => r.path === '/sdapi/v1/interrupt')).toBe(true);
});

test('Reuse parameters fills the form from a gallery image; Save as PNG carries them', async ({ page, chat }) => {
  await chat.open();
  await addBackend(page);
  await openImages(page);
  await page.getByRole('spinbutton', { name: 'Steps' }).fill('7');
  await page.getByRole('textbox', { name: 'Negative prompt' }).fill('blurry');
  await generate(page, 'an old map of the sea');
  await expect(gallery(page)).toHaveCount(1, { timeout: 15_000 });

  await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill('something else');
  await page.getByRole('spinbutton', { name: 'Steps' }).fill('30');
  await gallery(page).first().click();
  const viewer = page.getByRole('dialog', { name: 'Image' });
  await expect(viewer).toContainText('an old map of the sea');
  const seed = (sd.requests.find((r) => r.path === '/sdapi/v1/txt2img')!.body as { seed: number }).seed;

  const download = page.waitForEvent('download');
  await viewer.getByRole('button', { name: 'Save as PNG' }).click();
  const file = await (await download).path();
  const chunks = readTextChunks(readFileSync(file!));
  expect(chunks.parameters).toMatch(/^an old map of the sea\nNegative prompt: blurry\nSteps: 7, /);

  await viewer.getByRole('button', { name: 'Reuse parameters' }).click();
  await expect(viewer).toBeHidden();
  await expect(page.getByRole('textbox', { name: 'Prompt', exact: true })).toHaveValue('an old map of the sea');
  await expect(page.getByRole('spinbutton', { name: 'Steps' })).toHaveValue('7');
  await expect(page.getByRole('textbox', { name: 'Negative prompt' })).toHaveValue('blurry');
  expect(seed).toBeGreaterThanOrEqual(-1);
});

test('/image in a chat puts the image into the conversation as an answer', async ({ page, chat }) => {
  await chat.open();
  await addBackend(page);
  await page.reload();
  await expect(chat.message).toBeVisible();
  await chat.message.fill('/image a cat astronaut');
  await expect(page.getByText(/generates an image with Test SD/)).toBeVisible();
  await chat.message.press('Enter');
  await expect(chat.userMessages.last()).toContainText('/image a cat astronaut');
  const answer = chat.lastAnswer();
  await expect(answer.getByRole('img').first()).toBeVisible({ timeout: 15_000 });
  await expect(answer).toContainText('a cat astronaut');
  await expect(answer).toContainText(/Seed \d+/);
  const txt2img = sd.requests.filter((r) => r.path === '/sdapi/v1/txt2img');
  expect((txt2img[0]!.body as { prompt: string }).prompt).toBe('a cat astronaut');
});

test('a gallery click opens the image even when its thumbnail arrives between press and release', async ({
  page,
  chat,
}) => {
  await chat.open();
  await addBackend(page);
  // Hold the thumbnails: the cell shows its plain tile until they are let through.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/api/call/images.thumbs', async (route) => {
    await held;
    await route.continue();
  });
  await openImages(page);
  await generate(page, 'a tile under the pointer');
  const cell = gallery(page).first();
  await expect(cell.getByRole('img')).toHaveAttribute('aria-label', 'a tile under the pointer');
  const box = (await cell.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  release();
  await expect(cell.locator('img')).toHaveAttribute('src', /^data:image\/jpeg/);
  await page.mouse.up();
  await expect(page.getByRole('dialog', { name: 'Image' })).toContainText('a tile under the pointer');
});
