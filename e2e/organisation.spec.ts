import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures/test';
import type { ChatPage } from './fixtures/chat-page';
import { seedChats } from './fixtures/seed-chats';
import { startServe } from './fixtures/serve-process';

/** Starts a chat from the UI and waits for its answer. */
async function makeChat(chat: ChatPage, text: string, answerContains = 'answer number 1'): Promise<void> {
  await chat.newChat.click();
  await chat.ask(text);
  await expect(chat.lastAnswer()).toContainText(answerContains);
  await expect(chat.send).toBeVisible();
}

const row = (chat: ChatPage, title: string): Locator => chat.chats.filter({ hasText: title });

async function menuAction(page: Page, title: string, item: string | RegExp): Promise<void> {
  await page.getByRole('button', { name: `Chat actions for ${title}`, exact: true }).click();
  await page.getByRole('menu').getByRole('menuitem', { name: item }).click();
}

async function titles(chat: ChatPage): Promise<string[]> {
  return chat.chats.getByRole('button', { name: /^(?!Chat actions)/ }).allTextContents();
}

test.describe('organising chats', () => {
  test('folders: create, drag a chat in, filter by it, move by keyboard, rename and delete (chats kept)', async ({
    chat,
    page,
  }) => {
    await chat.open();
    await chat.waitForModels();
    await makeChat(chat, 'alpha question');
    await makeChat(chat, 'beta question');

    await page.getByRole('button', { name: 'New folder' }).click();
    await page.getByRole('textbox', { name: 'New folder name' }).fill('Work');
    await page.getByRole('textbox', { name: 'New folder name' }).press('Enter');
    const folders = page.getByRole('list', { name: 'Folders' });
    const work = folders.getByRole('button', { name: /^Work/ });
    await expect(work).toHaveAccessibleName('Work 0 chats');

    await row(chat, 'alpha question').dragTo(
      folders.getByRole('listitem').filter({ has: page.getByRole('button', { name: /^Work/ }) }),
    );
    await expect(work).toHaveAccessibleName('Work 1 chats');
    await work.click();
    await expect(work).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(() => titles(chat)).toEqual(['alpha question']);
    await folders.getByRole('button', { name: 'All chats' }).click();
    await expect.poll(() => titles(chat)).toEqual(['beta question', 'alpha question']);

    // The keyboard way: the chat's menu → Move to folder → Work.
    await page.getByRole('button', { name: 'Chat actions for beta question' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('menuitem', { name: 'Rename' })).toBeFocused();
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
    await expect(page.getByRole('menuitem', { name: 'Move to folder' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('menuitemradio', { name: 'No folder' })).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('menu')).toHaveCount(0);
    await expect(work).toHaveAccessibleName('Work 2 chats');

    await folders.getByRole('button', { name: 'Rename folder Work' }).click();
    await page.getByRole('textbox', { name: 'Folder name' }).fill('Projects');
    await page.getByRole('textbox', { name: 'Folder name' }).press('Enter');
    const projects = folders.getByRole('button', { name: /^Projects/ });
    await expect(projects).toBeVisible();
    await projects.click();
    await expect.poll(() => titles(chat)).toEqual(['beta question', 'alpha question']);

    await folders.getByRole('button', { name: 'Delete folder Projects' }).click();
    await expect(page.getByRole('group', { name: 'Delete folder Projects?' })).toContainText('chats stay');
    await page.getByRole('button', { name: 'Delete folder', exact: true }).click();
    await expect(projects).toHaveCount(0);
    await expect(folders.getByRole('button', { name: 'All chats' })).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(() => titles(chat)).toEqual(['beta question', 'alpha question']);
  });

  test('pin moves a chat to the top under "Pinned"; archive hides it and the Archived view shows it', async ({
    chat,
    page,
  }) => {
    await chat.open();
    await chat.waitForModels();
    await makeChat(chat, 'first chat');
    await makeChat(chat, 'second chat');
    await makeChat(chat, 'third chat');
    await expect.poll(() => titles(chat)).toEqual(['third chat', 'second chat', 'first chat']);

    await menuAction(page, 'first chat', 'Pin');
    await expect.poll(() => titles(chat)).toEqual(['first chat', 'third chat', 'second chat']);
    await expect(page.getByRole('heading', { name: 'Pinned' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Recent' })).toBeVisible();
    await page.reload();
    await expect.poll(() => titles(chat)).toEqual(['first chat', 'third chat', 'second chat']);
    await menuAction(page, 'first chat', 'Unpin');
    await expect.poll(() => titles(chat)).toEqual(['third chat', 'second chat', 'first chat']);
    await expect(page.getByRole('heading', { name: 'Pinned' })).toHaveCount(0);

    await menuAction(page, 'second chat', 'Archive');
    await expect.poll(() => titles(chat)).toEqual(['third chat', 'first chat']);
    await page.getByRole('button', { name: 'Archived' }).click();
    await expect.poll(() => titles(chat)).toEqual(['second chat']);
    await menuAction(page, 'second chat', 'Unarchive');
    await expect(chat.chats).toHaveCount(0);
    await expect(page.getByText('No archived chats.')).toBeVisible();
    await page.getByRole('button', { name: 'All chats' }).click();
    await expect.poll(() => titles(chat)).toEqual(['third chat', 'second chat', 'first chat']);
  });

  test('rename inline (Enter saves, Escape cancels) and filter by tags', async ({ chat, page }) => {
    await chat.open();
    await chat.waitForModels();
    await makeChat(chat, 'old name');
    await makeChat(chat, 'other chat');

    await menuAction(page, 'old name', 'Rename');
    const input = page.getByRole('textbox', { name: 'Chat title' });
    await expect(input).toBeFocused();
    await input.fill('never saved');
    await input.press('Escape');
    await expect.poll(() => titles(chat)).toEqual(['other chat', 'old name']);
    await menuAction(page, 'old name', 'Rename');
    await input.fill('New name');
    await input.press('Enter');
    await expect.poll(() => titles(chat)).toEqual(['other chat', 'New name']);
    await page.reload();
    await expect.poll(() => titles(chat)).toEqual(['other chat', 'New name']);

    await menuAction(page, 'New name', 'Tags…');
    await page.getByRole('textbox', { name: 'Tags for New name' }).fill('work, ideas ,work');
    await page.getByRole('textbox', { name: 'Tags for New name' }).press('Enter');
    await menuAction(page, 'other chat', 'Tags…');
    await page.getByRole('textbox', { name: 'Tags for other chat' }).fill('ideas');
    await page.getByRole('textbox', { name: 'Tags for other chat' }).press('Enter');
    const tags = page.getByRole('list', { name: 'Tags' });
    await expect(tags.getByRole('button')).toHaveText(['#ideas 2', '#work 1']);
    await tags.getByRole('button', { name: 'Tag work (1)' }).click();
    await expect.poll(() => titles(chat)).toEqual(['New name']);
    await tags.getByRole('button', { name: 'Tag ideas (2)' }).click();
    await expect.poll(() => titles(chat)).toEqual(['other chat', 'New name']);
    await tags.getByRole('button', { name: 'Tag ideas (2)' }).click();
    await expect(tags.getByRole('button', { name: 'Tag ideas (2)' })).toHaveAttribute('aria-pressed', 'false');
  });

  test('delete shows an Undo toast, and Undo brings the chat back with its messages', async ({ chat, page }) => {
    await chat.open();
    await chat.waitForModels();
    await makeChat(chat, 'keep this one');
    await makeChat(chat, 'delete me please');

    await menuAction(page, 'delete me please', 'Delete');
    await expect.poll(() => titles(chat)).toEqual(['keep this one']);
    await expect(chat.userMessages).toHaveCount(0); // it was open: the view cleared
    const toast = page.getByRole('status').filter({ hasText: 'Deleted “delete me please”' });
    await expect(toast).toBeVisible();
    await toast.getByRole('button', { name: 'Undo' }).click();
    await expect(toast).toHaveCount(0);
    await expect.poll(() => titles(chat)).toEqual(['delete me please', 'keep this one']);
    await expect(chat.userMessages).toHaveCount(1);
    await expect(chat.userMessages.first()).toContainText('delete me please');
    await expect(chat.lastAnswer()).toContainText('answer number 1');
    await page.reload();
    await expect.poll(() => titles(chat)).toEqual(['delete me please', 'keep this one']);
  });

  test('search finds a word from an answer with a highlighted snippet; choosing it opens the chat at that message', async ({
    chat,
    ollama,
    page,
  }) => {
    await chat.open();
    await chat.waitForModels();
    ollama.behavior.reply = (b) =>
      b.messages?.at(-1)?.content === 'tell me about rodents'
        ? 'The <b>capybara</b> is the largest living rodent, native to South America.'
        : 'Something unrelated entirely.';
    await makeChat(chat, 'tell me about rodents', 'largest living rodent');
    for (let i = 0; i < 6; i++) {
      await chat.ask(`filler question ${i} ${'lorem ipsum '.repeat(30)}`);
      await expect(chat.send).toBeVisible();
    }
    await makeChat(chat, 'another topic', 'unrelated');
    await expect(chat.userMessages).toHaveCount(1);

    await page.keyboard.press('Control+k');
    const search = page.getByRole('searchbox', { name: 'Search chats' });
    await expect(search).toBeFocused();
    await search.pressSequentially('capyb');
    const results = page.getByRole('list', { name: 'Search results' }).getByRole('button');
    await expect(results).toHaveCount(1);
    await expect(results.first()).toContainText('tell me about rodents');
    await expect(results.first().locator('mark')).toHaveText(['capybara']); // the <b> is text, not markup
    await expect(results.first()).toContainText('The <b>capybara</b> is');
    await expect(results.first().locator('b')).toHaveCount(0);

    await results.first().click();
    const target = chat.assistantMessages.filter({ hasText: 'is the largest living rodent' });
    const targetRow = page.locator('[data-message-id]', { has: target });
    await expect(targetRow).toHaveClass(/message-row-focus/);
    await expect(target).toBeInViewport();
    await expect(chat.userMessages.first()).toContainText('tell me about rodents');
    await expect(targetRow).not.toHaveClass(/message-row-focus/, { timeout: 5000 });

    await search.fill('"NEAR(* AND');
    await expect(page.getByText('No chats match “"NEAR(* AND”.')).toBeVisible();
    await search.press('Escape');
    await expect(search).toHaveValue('');
    await expect(chat.chats).toHaveCount(2);
  });

  test('20,000 chats: the first page shows fast and scrolling loads more pages', async ({ dataDir, ollama, page }) => {
    test.setTimeout(90_000);
    seedChats(dataDir, 20_000);
    const hearth = await startServe({ dataDir, env: { OLLAMA_BASE_URL: ollama.url } });
    try {
      const listCalls: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/api/call/chats.list')) listCalls.push(r.postData() ?? '');
      });
      const t0 = Date.now();
      await page.goto(hearth.openUrl);
      const chats = page.getByRole('list', { name: 'Chats' });
      await expect(chats.getByRole('button', { name: 'Seeded chat 0', exact: true })).toBeVisible();
      const firstPageMs = Date.now() - t0;
      expect(firstPageMs).toBeLessThan(5000);
      // Virtualised: only the rows on screen are in the DOM.
      expect(await chats.getByRole('listitem').count()).toBeLessThan(60);

      const target = chats.getByRole('button', { name: 'Seeded chat 260', exact: true });
      for (let i = 0; i < 200 && !(await target.isVisible()); i++) {
        await chats.evaluate((el) => el.scrollBy(0, 300));
        await page.waitForTimeout(50);
      }
      await expect(target).toBeVisible();
      expect(listCalls.filter((b) => b.includes('"before"')).length).toBeGreaterThanOrEqual(5);
      expect(await chats.getByRole('listitem').count()).toBeLessThan(60);
      const item = chats
        .getByRole('listitem')
        .filter({ has: page.getByRole('button', { name: 'Seeded chat 260', exact: true }) });
      await expect(item).toHaveAttribute('aria-posinset', '261');
      test.info().annotations.push({ type: 'first page', description: `${firstPageMs} ms` });
    } finally {
      await hearth.stop();
    }
  });
});
