/**
 * Backups in Settings → Data against serve: "Back up now" lists the backup with what it holds; a
 * deleted chat with an attached image comes back by Restore (confirmed in a dialog), the page reloads
 * and says once where the previous data went; a damaged file and a cut-short copy in the backup
 * folder are named as unreadable and offered no Restore, and a copy damaged inside (only the full
 * check can tell) is refused in plain words with nothing changed.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { BackupInfo } from '../shared/types/backups';
import { callApi } from './fixtures/api';
import type { ChatPage } from './fixtures/chat-page';
import { ROOT } from './fixtures/serve-process';
import { tinyPng } from './support/images';
import { expect, test } from './fixtures/test';

// No daily backup may land in the middle of a test.
test.use({ serveEnv: { HEARTH_AUTO_BACKUP: '0' } });

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Settings → Data → Backups, read afresh. */
async function openBackups(page: Page): Promise<Locator> {
  if (!(await page.getByRole('main', { name: 'Settings' }).isVisible()))
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const section = page.getByRole('group', { name: 'Backups', exact: true });
  await expect(section.getByRole('button', { name: /Back up now|Backing up/ })).toBeVisible();
  return section;
}

async function chatWithPicture(page: Page, chat: ChatPage, text: string): Promise<void> {
  await page
    .locator('input[type=file]')
    .first()
    .setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: tinyPng() });
  const files = page.getByRole('list', { name: 'Files to send' }).getByRole('listitem');
  await expect(files).toHaveCount(1);
  await expect(files.and(page.locator('[aria-busy=true]'))).toHaveCount(0);
  await chat.ask(text);
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'done');
}

async function plainChat(chat: ChatPage, text: string): Promise<void> {
  await chat.newChat.click();
  await chat.ask(text);
  await expect(chat.lastAnswer()).toHaveAttribute('data-status', 'done');
}

const localWhen = (page: Page, ms: number) =>
  page.evaluate((ms) => new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }), ms);

test('back up from Settings → Data, delete a chat with a picture, restore: the chat and its picture are back', async ({
  page,
  chat,
  ollama,
  dataDir,
}) => {
  ollama.behavior.tokenDelayMs = 0;
  await chat.open();
  await chat.waitForModels();
  await chatWithPicture(page, chat, 'Remember this picture');
  await plainChat(chat, 'A chat without files');

  let backups = await openBackups(page);
  await expect(backups).toContainText('No backups yet.');
  await expect(backups).toContainText(join(dataDir, 'backups'));
  await backups.getByRole('button', { name: 'Back up now' }).click();
  const rows = backups.getByRole('list', { name: 'Backups' }).getByRole('listitem');
  await expect(rows).toHaveCount(1);
  await expect(backups.getByRole('button', { name: 'Back up now' })).toBeEnabled();
  const [made] = readdirSync(join(dataDir, 'backups')).filter((n) => n.endsWith('.tar.gz'));
  expect(made).toMatch(/^hearth-\d{8}-\d{6}-manual\.tar\.gz$/);
  const { backups: listed } = await callApi<{ backups: BackupInfo[] }>(page, 'backups.list', {});
  await expect(rows.first()).toContainText(made!);
  await expect(rows.first()).toContainText('Made by you');
  await expect(rows.first()).toContainText('2 chats · 4 messages · 1 attachment · 0 images');
  await expect(rows.first()).toContainText(`Hearth ${VERSION}`);
  await expect(rows.first()).toContainText(await localWhen(page, listed[0]!.createdAt));

  // The chat with the picture goes.
  await page.getByRole('button', { name: 'Back to chat' }).click();
  await page.getByRole('button', { name: 'Chat actions for Remember this picture', exact: true }).click();
  await page.getByRole('menu').getByRole('menuitem', { name: 'Delete' }).click();
  await expect(chat.chats.filter({ hasText: 'Remember this picture' })).toHaveCount(0);
  // The Undo toast would sit over the sidebar for a while.
  await page.getByRole('status').filter({ hasText: 'Deleted' }).getByRole('button', { name: 'Dismiss' }).click();

  // Restore, confirmed in a dialog that says what happens.
  backups = await openBackups(page);
  await rows
    .first()
    .getByRole('button', { name: /^Restore the backup of/ })
    .click();
  const dialog = page.getByRole('dialog', { name: /^Restore the backup of/ });
  await expect(dialog).toContainText('moved aside');
  await expect(dialog).toContainText('2 chats · 4 messages · 1 attachment · 0 images');
  await expect(dialog).toContainText('Every open Hearth window reloads.');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Restore', exact: true }).click();

  // The page reloads and opens Settings → Data to say where the old data went.
  const note = page.getByRole('status').filter({ hasText: 'Your previous data was moved to' });
  await expect(note).toBeVisible({ timeout: 15_000 });
  const aside = (await note.locator('code').textContent())!;
  expect(aside.startsWith(join(dataDir, 'before-restore-'))).toBe(true);
  expect(existsSync(join(aside, 'hearth.db'))).toBe(true);

  await page.getByRole('button', { name: 'Back to chat' }).click();
  const restored = chat.chats.filter({ hasText: 'Remember this picture' });
  await expect(restored).toHaveCount(1);
  await restored.first().click();
  const picture = chat.userMessages.last().getByRole('img', { name: 'dot.png' });
  await expect(picture).toBeVisible();
  expect(await picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(2);

  // Said once: the next page does not say it again.
  await page.reload();
  backups = await openBackups(page);
  await expect(backups.getByRole('list', { name: 'Backups' }).getByRole('listitem')).toHaveCount(1);
  await expect(page.getByText('Your previous data was moved to')).toHaveCount(0);
});

test('damaged and cut-short files are named as unreadable; one damaged inside is refused and nothing changes', async ({
  page,
  chat,
  ollama,
  dataDir,
}) => {
  ollama.behavior.tokenDelayMs = 0;
  await chat.open();
  await chat.waitForModels();
  await plainChat(chat, 'Still here afterwards');
  const real = await callApi<BackupInfo>(page, 'backups.create', {});
  const folder = join(dataDir, 'backups');
  const garbage = 'hearth-20260101-000000-manual.tar.gz';
  const cut = 'hearth-20260102-000000-manual.tar.gz';
  const inside = 'hearth-20260103-000000-manual.tar.gz';
  writeFileSync(join(folder, garbage), 'this is not a backup at all\n'.repeat(50));
  const bytes = readFileSync(join(folder, real.name));
  writeFileSync(join(folder, cut), bytes.subarray(0, Math.floor(bytes.length * 0.7)));
  const flipped = Buffer.from(bytes);
  flipped[Math.floor(flipped.length * 0.7)]! ^= 0xff;
  writeFileSync(join(folder, inside), flipped);

  const backups = await openBackups(page);
  const unreadable = backups.getByRole('list', { name: 'Unreadable files' });
  await expect(unreadable.getByRole('listitem')).toHaveText([garbage, cut]);
  await expect(backups).toContainText('cannot be read as backups (damaged, cut short, or not made by Hearth)');
  await expect(backups.getByRole('button', { name: new RegExp(garbage.replace(/\./g, '\\.')) })).toHaveCount(0);
  await expect(callApi(page, 'backups.restore', { name: garbage })).rejects.toThrow(/cannot be restored/);

  // Damaged inside, its manifest and its end intact: listed, and the full check refuses it.
  const insideRow = backups.getByRole('list', { name: 'Backups' }).getByRole('listitem').filter({ hasText: inside });
  await insideRow.getByRole('button', { name: /^Restore the backup of/ }).click();
  const dialog = page.getByRole('dialog', { name: /^Restore the backup of/ });
  await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  const alert = backups.getByRole('alert');
  await expect(alert).toContainText(`${inside} cannot be restored`);
  await expect(alert).toContainText('Nothing was changed.');

  expect(readdirSync(dataDir).filter((n) => n.startsWith('before-restore-'))).toEqual([]);
  await page.getByRole('button', { name: 'Back to chat' }).click();
  await expect(chat.chats.filter({ hasText: 'Still here afterwards' })).toHaveCount(1);
});

test('another backup folder: a relative path is refused in plain words, a full one is used, empty goes back', async ({
  page,
  chat,
  dataDir,
}) => {
  await chat.open();
  const backups = await openBackups(page);
  const form = backups.getByRole('form', { name: 'Backup settings' });
  const folderField = form.getByRole('textbox', { name: 'Backup folder' });
  const save = form.getByRole('button', { name: 'Save backup settings' });

  await folderField.fill('backups-elsewhere');
  await save.click();
  await expect(form.getByRole('alert')).toHaveText(/Give the backup folder as a full path/);

  const elsewhere = join(dataDir, 'elsewhere');
  await folderField.fill(elsewhere);
  await form.getByRole('spinbutton', { name: 'Days to keep' }).fill('3');
  await save.click();
  await expect(form.getByRole('status')).toHaveText('Saved.');
  await expect(backups.locator('.backups-folder')).toHaveText(elsewhere);
  await backups.getByRole('button', { name: 'Back up now' }).click();
  await expect(backups.getByRole('list', { name: 'Backups' }).getByRole('listitem')).toHaveCount(1);
  expect(readdirSync(elsewhere).filter((n) => n.endsWith('-manual.tar.gz'))).toHaveLength(1);

  await page.reload();
  const again = await openBackups(page);
  await expect(again.getByRole('spinbutton', { name: 'Days to keep' })).toHaveValue('3');
  await again.getByRole('textbox', { name: 'Backup folder' }).fill('');
  await again.getByRole('button', { name: 'Save backup settings' }).click();
  await expect(again.locator('.backups-folder')).toHaveText(join(dataDir, 'backups'));
  await expect(again).toContainText('No backups yet.');
});
