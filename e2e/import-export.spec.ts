/**
 * Import and export through the UI: a ChatGPT conversations.json imported from Settings → Data
 * (report, chats in the sidebar with their branches, nothing added the second time), every chat
 * exported as Hearth JSON, and one chat exported as Markdown from the chat header.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Download, Page } from '@playwright/test';
import { expect, test } from './fixtures/test';
import { callApi } from './fixtures/api';

const CHATGPT = join(__dirname, 'support/imports/chatgpt-conversations.json');

async function importFile(page: Page, file: string) {
  await page.getByTestId('import-file').setInputFiles(file);
}

async function text(download: Download): Promise<string> {
  return readFileSync((await download.path())!, 'utf8');
}

test('import a ChatGPT export, then again; export all; export one chat as Markdown', async ({ page, chat }) => {
  await chat.open();
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Import…' })).toBeVisible();

  await importFile(page, CHATGPT);
  const report = page.getByRole('status', { name: 'Import report' });
  await expect(report).toContainText('ChatGPT export: imported 2 chats and 6 messages. Skipped 3:');
  const skipped = report.getByRole('list', { name: 'Skipped' });
  await expect(skipped).toContainText(
    '3 messages in "Sourdough starter help": system, tool and hidden messages are not part of the visible conversation',
  );
  await expect(skipped).toContainText('images are not included in ChatGPT exports');
  await expect(chat.chats.filter({ hasText: 'Sourdough starter help' })).toHaveCount(1);
  await expect(chat.chats.filter({ hasText: 'Regex for ISO dates' })).toHaveCount(1);

  // Again: nothing new, and the report says why.
  await importFile(page, CHATGPT);
  await expect(report).toContainText('imported 0 chats and 0 messages');
  await expect(skipped).toContainText('chat "Sourdough starter help": already imported');
  await expect(skipped).toContainText('chat "Regex for ISO dates": already imported');
  await expect(chat.chats.filter({ hasText: 'Sourdough starter help' })).toHaveCount(1);

  // Export all chats: the download is a Hearth export holding both.
  const [all] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export all chats' }).click(),
  ]);
  expect(all.suggestedFilename()).toMatch(/^hearth-export-\d{4}-\d{2}-\d{2}\.json$/);
  const exported = JSON.parse(await text(all));
  expect(exported).toMatchObject({ format: 'hearth-export', version: 4 });
  const sourdough = exported.chats.find((c: { title: string }) => c.title === 'Sourdough starter help');
  expect(exported.chats.map((c: { title: string }) => c.title).sort()).toEqual([
    'Regex for ISO dates',
    'Sourdough starter help',
  ]);
  expect(sourdough.messages).toHaveLength(4);

  // The imported chat opens on the branch ChatGPT showed; the other answer is a sibling.
  await chat.chats.filter({ hasText: 'Sourdough starter help' }).click();
  await expect(chat.assistantMessages.last()).toContainText('A second take');
  await expect(page.getByText('Not dead, just hungry')).toHaveCount(0);
  const got = await callApi<{ messages: { id: string; parentId: string | null; role: string }[] }>(page, 'chats.get', {
    id: sourdough.id,
  });
  const question = got.messages.find((m) => m.role === 'user' && m.parentId === null)!;
  expect(got.messages.filter((m) => m.parentId === question.id)).toHaveLength(2);

  // One chat as Markdown, from the header.
  await page.getByRole('button', { name: 'Export chat' }).click();
  const [md] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('menuitem', { name: 'Export as Markdown' }).click(),
  ]);
  expect(md.suggestedFilename()).toBe('sourdough-starter-help.md');
  const content = await text(md);
  expect(content).toMatch(/^# Sourdough starter help\n/);
  expect(content).toContain('## You\n\nMy sourdough starter smells like nail polish. Is it dead?');
  expect(content).toContain('## Assistant (gpt-4o)\n\nA second take:');
  expect(content).not.toContain('Not dead, just hungry');

  await page.getByRole('button', { name: 'Export chat' }).click();
  const [json] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('menuitem', { name: 'Export as JSON' }).click(),
  ]);
  const one = JSON.parse(await text(json));
  expect(one.chats.map((c: { title: string }) => c.title)).toEqual(['Sourdough starter help']);
});

test('a file that is not an export is refused with a clear message', async ({ page, chat, dataDir }) => {
  await chat.open();
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const bad = join(dataDir, 'package.json');
  writeFileSync(bad, '{"name":"not chats"}');
  await importFile(page, bad);
  await expect(page.getByRole('alert')).toContainText(
    '"package.json" is not a Hearth export, a ChatGPT conversations.json or an Open WebUI chat export',
  );
});
