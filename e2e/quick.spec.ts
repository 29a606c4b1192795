/**
 * The quick prompt at /quick in serve mode: type, Enter, the answer streams; Esc collapses the page
 * and Enter brings it back as it was; the model switcher by keyboard; Ctrl+Enter continues in the
 * main UI (the chat, its answer and the unsent draft); quick chats in the "Quick" folder, or gone
 * when saving is off; the clipboard key and pasted images; a failed send gives the question back;
 * hostile output renders inert.
 */
import type { Page } from '@playwright/test';
import { callApi } from './fixtures/api';
import { ChatPage } from './fixtures/chat-page';
import { QuickPage } from './fixtures/quick-page';
import { expect, test } from './fixtures/test';
import { tinyPng } from './support/images';

const SENTENCE = 'A write-ahead log records each change before it is applied to the database file. ';
const FINAL = 'That is WAL in short.';

function quickPage(page: Page, hearth: { url: string }) {
  return new QuickPage(page, hearth);
}

test('type, Enter: the answer streams; Esc collapses and Enter restores it; Ctrl+Enter continues in the main UI, filed in "Quick"', async ({
  page,
  hearth,
  ollama,
}) => {
  ollama.behavior.tokenDelayMs = 40;
  ollama.behavior.reply = () => SENTENCE.repeat(5) + FINAL;
  const quick = quickPage(page, hearth);
  await quick.open();
  await quick.waitForModel('llama3.2:1b');
  await expect(page.getByRole('list', { name: 'Keys' })).toContainText('Ctrl+Enter continue in Hearth');
  await expect(page.getByText('Saved in the “Quick” folder')).toBeVisible();

  await quick.ask('What is WAL?');
  await expect(quick.question).toHaveText('What is WAL?');
  await expect(quick.input).toHaveValue('');
  // Streaming: part of the answer is on screen before the end, with Stop offered meanwhile.
  await expect(quick.answer).toContainText('A write-ahead log');
  await expect(quick.stop).toBeVisible();
  expect(await quick.answer.textContent()).not.toContain(FINAL);

  // Esc collapses the page to a bar; the answer goes on; Enter brings everything back.
  await page.keyboard.press('Escape');
  await expect(quick.collapsed).toBeVisible();
  await expect(quick.input).toHaveCount(0);
  await page.keyboard.press('Enter');
  await expect(quick.input).toBeFocused();
  await expect(quick.question).toHaveText('What is WAL?');
  await expect(quick.answer).toContainText(FINAL);
  await expect(quick.answer).toHaveAttribute('data-status', 'done');
  expect(ollama.requests.at(-1)?.model).toBe('llama3.2:1b');

  // Ctrl+Enter with an unsent follow-up: the main UI shows the chat and puts the draft in its composer.
  await quick.input.fill('an unsent follow-up');
  await page.keyboard.press('Control+Enter');
  const chat = new ChatPage(page, hearth);
  await expect(chat.userMessages.first()).toContainText('What is WAL?');
  await expect(chat.lastAnswer()).toContainText(FINAL);
  await expect(chat.message).toHaveValue('an unsent follow-up');
  expect(new URL(page.url()).search).toBe('');
  expect(ollama.requests).toHaveLength(1); // the draft was not sent

  // The chat is filed in the "Quick" folder.
  const folders = page.getByRole('list', { name: 'Folders' });
  await folders.getByRole('button', { name: /^Quick/ }).click();
  await expect(chat.chats).toHaveCount(1);
  await expect(chat.chats.first()).toContainText('What is WAL?');
});

test('the model switcher by keyboard: Ctrl+M, filter, Enter; Alt+↓ cycles; the model asked is the one shown', async ({
  page,
  hearth,
  ollama,
}) => {
  ollama.behavior.tokenDelayMs = 0;
  const quick = quickPage(page, hearth);
  await quick.open();
  await quick.waitForModel('llama3.2:1b');

  await page.keyboard.press('Control+m');
  await expect(quick.modelFilter).toBeFocused();
  await page.keyboard.type('qwen');
  await expect(page.getByRole('option')).toHaveText([/qwen2\.5:0\.5b/]);
  await page.keyboard.press('Enter');
  await expect(quick.modelFilter).toHaveCount(0);
  await quick.waitForModel('qwen2.5:0.5b');
  await expect(quick.input).toBeFocused();
  await quick.ask('hello');
  await expect(quick.answer).toContainText('from qwen2.5:0.5b');
  expect(ollama.requests.at(-1)?.model).toBe('qwen2.5:0.5b');

  // Esc in the list closes only the list; arrows move in it.
  await page.keyboard.press('Control+m');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Escape');
  await expect(quick.modelFilter).toHaveCount(0);
  await expect(quick.input).toBeVisible();
  await quick.waitForModel('qwen2.5:0.5b');

  // Alt+↓ cycles (wrapping), and the follow-up goes to that model in the same chat.
  await page.keyboard.press('Alt+ArrowDown');
  await quick.waitForModel('llama3.2:1b');
  await quick.ask('and again');
  await expect(quick.answer).toContainText('answer number 2 from llama3.2:1b');
  expect(ollama.requests.at(-1)?.model).toBe('llama3.2:1b');
});

test('with saving off a quick chat stays out of the chat list and is gone after Ctrl+N', async ({
  page,
  context,
  hearth,
  ollama,
}) => {
  ollama.behavior.tokenDelayMs = 0;
  const quick = quickPage(page, hearth);
  await quick.open();
  await callApi(page, 'desktop.update', { saveQuickPrompts: false });
  await quick.open();
  await expect(page.getByText('Not saved (Settings › Desktop)')).toBeVisible();
  await quick.waitForModel('llama3.2:1b');
  await quick.ask('a passing question');
  await expect(quick.answer).toHaveAttribute('data-status', 'done');

  // The main UI (another tab) does not list it.
  const main = await context.newPage();
  const chat = new ChatPage(main, hearth);
  await chat.open();
  await expect(main.getByRole('list', { name: 'Chats' })).toBeVisible();
  await expect(chat.chats).toHaveCount(0);
  const held = await callApi<{ chats: { id: string }[] }>(page, 'chats.list', { archived: true });
  expect(held.chats).toHaveLength(1);

  // Ctrl+N starts afresh and the unsaved chat is removed.
  await page.bringToFront();
  await quick.input.focus();
  await page.keyboard.press('Control+n');
  await expect(quick.answer).toHaveCount(0);
  await expect(quick.input).toBeFocused();
  await expect
    .poll(async () => (await callApi<{ chats: unknown[] }>(page, 'chats.list', { archived: true })).chats.length)
    .toBe(0);
  await expect(callApi(page, 'chats.get', { id: held.chats[0]!.id })).rejects.toThrow();
  expect((await callApi<{ chats: unknown[] }>(page, 'chats.list', {})).chats).toHaveLength(0);
});

test('the clipboard key attaches the copied text, and a pasted image is attached too', async ({
  page,
  context,
  hearth,
  ollama,
}) => {
  ollama.behavior.tokenDelayMs = 0;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(hearth.url).origin });
  const quick = quickPage(page, hearth);
  await quick.open();
  await quick.waitForModel('llama3.2:1b');
  await page.evaluate(() => navigator.clipboard.writeText('SELECT * FROM wal_log;'));

  await page.keyboard.press('Control+Shift+V');
  await expect(quick.attached).toHaveCount(1);
  await expect(quick.attached.first()).toContainText('Clipboard.txt');
  await expect(quick.input).toHaveValue('');

  const png = tinyPng(3, 2).toString('base64');
  await quick.input.evaluate((el, b64) => {
    const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bin], 'image.png', { type: 'image/png' }));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, png);
  await expect(quick.attached).toHaveCount(2);
  await expect(quick.attached.nth(1)).toContainText('Clipboard.png');

  await quick.ask('What does this query do?');
  await expect(quick.answer).toHaveAttribute('data-status', 'done');
  await expect(quick.attached).toHaveCount(0);
  const turn = ollama.requests.at(-1)!.messages!.at(-1) as { content: string; images?: string[] };
  expect(turn.content).toContain('File: Clipboard.txt');
  expect(turn.content).toContain('SELECT * FROM wal_log;');
  expect(turn.content).toContain('What does this query do?');
  expect(turn.images).toHaveLength(1);
});

test('a send that fails gives the question back in plain words; no model installed says how to get one', async ({
  page,
  hearth,
  ollama,
}) => {
  const quick = quickPage(page, hearth);
  await page.route('**/api/call/messages.send', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ ok: false, error: { code: 'internal', message: 'The database is busy. Try again.' } }),
    }),
  );
  await quick.open();
  await quick.waitForModel('llama3.2:1b');
  await quick.ask('will this fail?');
  await expect(page.getByRole('alert')).toContainText('The database is busy. Try again.');
  await expect(quick.input).toHaveValue('will this fail?');
  await expect(quick.answer).toHaveCount(0);
  expect(ollama.requests).toHaveLength(0);

  ollama.models.length = 0;
  await quick.open();
  await expect(page.getByRole('alert')).toContainText('No model is installed yet');
  await expect(page.getByRole('alert')).toContainText('ollama pull llama3.2');
});

test('hostile output in the quick prompt runs nothing and makes no elements or script links', async ({
  page,
  hearth,
  ollama,
}) => {
  ollama.behavior.reply = () =>
    [
      'Here you go.',
      '',
      '<img src=x onerror="window.__pwned = 1; alert(1)">',
      '',
      '<script>window.__pwned = 2</script>',
      '',
      '[click me](javascript:window.__pwned=3) and [safe](https://example.com/page)',
    ].join('\n');
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const quick = quickPage(page, hearth);
  await quick.open();
  await quick.waitForModel('llama3.2:1b');
  await quick.ask('be hostile');
  await expect(quick.answer).toHaveAttribute('data-status', 'done');
  const body = quick.answer.locator('.message-body');
  await expect(body).toContainText('<img src=x onerror="window.__pwned = 1; alert(1)">');
  await expect(body).toContainText('<script>window.__pwned = 2</script>');
  expect(await body.locator('img, script, iframe, svg').count()).toBe(0);
  await expect(body.getByRole('link', { name: 'click me' })).toHaveCount(0);
  await expect(body.getByText('click me')).toBeVisible();
  expect(await body.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([
    'https://example.com/page',
  ]);
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
});
