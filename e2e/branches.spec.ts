/**
 * Conversations beyond one straight line: versions of answers and questions, continuing a cut-off
 * answer, retrying, pulling a missing model, per-chat settings and extra OpenAI-compatible endpoints.
 */
import type { Locator } from '@playwright/test';
import { startFakeOpenAi } from './support/fake-openai';
import { test, expect } from './fixtures/test';

const body = (article: Locator) => article.locator('.message-body');

test.describe('branches and answers', () => {
  test('regenerate makes version 2 / 2; the arrows switch answers, also after a reload', async ({
    chat,
    ollama,
    page,
  }) => {
    let n = 0;
    ollama.behavior.reply = () => `Answer take ${++n}.`;
    await chat.open();
    await chat.waitForModels();
    await chat.ask('Name a colour');
    const answer = chat.lastAnswer();
    await expect(body(answer)).toHaveText('Answer take 1.');
    await answer.getByRole('button', { name: 'Regenerate' }).click();
    await expect(body(chat.lastAnswer())).toHaveText('Answer take 2.');
    await expect(chat.lastAnswer().getByRole('group', { name: 'Versions' })).toContainText('2 / 2');
    await expect(chat.assistantMessages).toHaveCount(1);
    // Both requests carried only the question.
    expect(ollama.requests.map((r) => r.messages!.length)).toEqual([1, 1]);

    await chat.lastAnswer().getByRole('button', { name: 'Previous version' }).click();
    await expect(body(chat.lastAnswer())).toHaveText('Answer take 1.');
    await expect(chat.lastAnswer()).toContainText('1 / 2');
    await expect(chat.lastAnswer().getByRole('button', { name: 'Previous version' })).toBeDisabled();

    // The chosen version is stored: a reload shows it, and a follow-up continues it.
    await page.reload();
    await chat.chats.first().getByRole('button').first().click();
    await expect(body(chat.lastAnswer())).toHaveText('Answer take 1.');
    await expect(chat.lastAnswer()).toContainText('1 / 2');
    await chat.ask('And another?');
    await expect(body(chat.lastAnswer())).toHaveText('Answer take 3.');
    expect(ollama.requests.at(-1)!.messages!.map((m) => m.content)).toEqual([
      'Name a colour',
      'Answer take 1.',
      'And another?',
    ]);
    await chat.assistantMessages.first().getByRole('button', { name: 'Next version' }).click();
    await expect(body(chat.assistantMessages.first())).toHaveText('Answer take 2.');
    await expect(chat.assistantMessages).toHaveCount(1);
  });

  test('editing a question answers the new version on its own branch', async ({ chat, ollama }) => {
    await chat.open();
    await chat.waitForModels();
    await chat.ask('What is 2+2?');
    await expect(chat.lastAnswer()).toContainText('answer number 1');
    const question = chat.userMessages.last();
    await question.getByRole('button', { name: 'Edit' }).click();
    const box = question.getByRole('textbox', { name: 'Edit message' });
    await expect(box).toHaveValue('What is 2+2?');
    await box.fill('What is 3+3?');
    await box.press('Enter');
    await expect(chat.lastAnswer()).toContainText('You said: What is 3+3?');
    await expect(chat.userMessages.last()).toContainText('2 / 2');
    await expect(chat.userMessages).toHaveCount(1);
    expect(ollama.requests.at(-1)!.messages).toEqual([{ role: 'user', content: 'What is 3+3?' }]);
    await chat.userMessages.last().getByRole('button', { name: 'Previous version' }).click();
    await expect(chat.userMessages.last()).toContainText('What is 2+2?');
    await expect(chat.lastAnswer()).toContainText('You said: What is 2+2?');
  });

  test('an answer cut off by a crash is marked interrupted and Continue finishes it', async ({
    chat,
    ollama,
    hearth,
    page,
  }) => {
    const words = Array.from({ length: 150 }, (_, i) => `w${i}`).join(' ');
    ollama.behavior.tokenDelayMs = 40;
    ollama.behavior.reply = (b) => (b.messages!.at(-1)!.role === 'assistant' ? ' and that is the end.' : words);
    await chat.open();
    await chat.waitForModels();
    await chat.ask('Count for me');
    await expect(chat.lastAnswer()).toContainText('w12');
    // Let the partial answer reach SQLite, then kill serve without warning.
    await page.waitForTimeout(700);
    await hearth.restart('SIGKILL');
    await page.goto(hearth.openUrl);
    await chat.chats.first().getByRole('button').first().click();
    const answer = chat.lastAnswer();
    await expect(answer).toContainText('Interrupted');
    const partial = (await body(answer).textContent())!;
    expect(words.startsWith(partial)).toBe(true);
    ollama.behavior.tokenDelayMs = 5;
    await answer.getByRole('button', { name: 'Continue' }).click();
    await expect(body(chat.lastAnswer())).toHaveText(partial + ' and that is the end.');
    await expect(chat.lastAnswer()).not.toContainText('Interrupted');
    const sent = ollama.requests.at(-1)!.messages!;
    expect(sent.at(-1)).toEqual({ role: 'assistant', content: partial });
  });

  test('a failed answer shows its error inline and Retry answers again', async ({ chat, ollama }) => {
    ollama.behavior.reply = () => 'one two three four five six seven eight';
    ollama.behavior.errorAfterChunks = 3;
    await chat.open();
    await chat.waitForModels();
    await chat.ask('Try this');
    const answer = chat.lastAnswer();
    await expect(answer.getByRole('alert')).toContainText('unexpected EOF');
    ollama.behavior.errorAfterChunks = null;
    await answer.getByRole('button', { name: 'Retry' }).click();
    await expect(body(chat.lastAnswer())).toHaveText('one two three four five six seven eight');
    await expect(chat.lastAnswer().getByRole('alert')).toHaveCount(0);
    await expect(chat.lastAnswer()).toContainText('2 / 2');
  });

  test('a missing Ollama model offers a pull with progress, then the answer arrives', async ({ chat, ollama }) => {
    await chat.open();
    await chat.waitForModels();
    // The model vanishes from Ollama after the list was loaded (deleted elsewhere).
    ollama.models = ollama.models.filter((m) => m.name !== 'llama3.2:1b');
    ollama.behavior.pullDelayMs = 250;
    await chat.ask('Hello there');
    const answer = chat.lastAnswer();
    await expect(answer.getByRole('alert')).toContainText('is not installed');
    await answer.getByRole('button', { name: 'Pull llama3.2:1b' }).click();
    await expect(answer.getByRole('status')).toContainText(/Downloading llama3\.2:1b… \d+%/);
    await expect(body(chat.lastAnswer())).toContainText('You said: Hello there', { timeout: 15_000 });
    expect(ollama.pulls.map((p) => p.model ?? p.name)).toEqual(['llama3.2:1b']);
  });

  test('a chat is named by the model after its first answer, unless turned off in Settings', async ({
    chat,
    ollama,
    page,
  }) => {
    ollama.behavior.titleReply = () => '"Hearth Basics Explained."';
    await chat.open();
    await chat.waitForModels();
    await chat.ask('what is this app');
    await expect(chat.chats.first()).toContainText('Hearth Basics Explained');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hearth Basics Explained');
    expect(ollama.titleRequests).toHaveLength(1);

    await page.getByRole('button', { name: 'Settings' }).first().click();
    const box = page.getByRole('checkbox', { name: 'Name chats automatically' });
    await expect(box).toBeChecked();
    await box.uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
    await page.getByRole('button', { name: 'Back to chat' }).click();
    await chat.newChat.click();
    await chat.ask('second chat please');
    await expect(chat.lastAnswer()).toContainText('answer number 1');
    await page.waitForTimeout(300);
    await expect(chat.chats.first()).toContainText('second chat please');
    expect(ollama.titleRequests).toHaveLength(1);
  });

  test('chat settings: the system prompt and parameters reach Ollama', async ({ chat, ollama, page }) => {
    await chat.open();
    await chat.waitForModels();
    await page.getByRole('button', { name: 'Chat settings' }).click();
    const panel = page.getByRole('form', { name: 'Chat settings' });
    await panel.getByRole('textbox', { name: 'System prompt' }).fill('Answer like a pirate.');
    await panel.getByRole('spinbutton', { name: 'Temperature' }).fill('0.4');
    await panel.getByRole('spinbutton', { name: 'Context length' }).fill('4096');
    await panel.getByRole('textbox', { name: 'Keep alive' }).fill('10m');
    await panel.getByRole('combobox', { name: 'Thinking' }).selectOption('Off');
    await panel.getByRole('button', { name: 'Save chat settings' }).click();
    await expect(panel).toBeHidden();
    await chat.ask('Where is the treasure?');
    await expect(chat.lastAnswer()).toContainText('answer number 1');
    expect(ollama.requests.at(-1)).toMatchObject({
      messages: [
        { role: 'system', content: 'Answer like a pirate.' },
        { role: 'user', content: 'Where is the treasure?' },
      ],
      options: { temperature: 0.4, num_ctx: 4096 },
      keep_alive: '10m',
      think: false,
    });
    // Kept with the chat.
    await page.reload();
    await chat.chats.first().getByRole('button').first().click();
    await page.getByRole('button', { name: 'Chat settings' }).click();
    await expect(page.getByRole('textbox', { name: 'System prompt' })).toHaveValue('Answer like a pirate.');
  });

  test('older turns left out to fit a small context window are announced above the answer', async ({
    chat,
    ollama,
    page,
  }) => {
    ollama.behavior.reply = () => 'Noted.';
    await chat.open();
    await chat.waitForModels();
    // Saving the settings of a chat that does not exist yet creates it; a message sent at once,
    // while that is still on its way, waits for it and lands in that chat with those settings.
    await page.route('**/api/call/chats.update', async (route) => {
      await new Promise((r) => setTimeout(r, 700));
      await route.continue();
    });
    await page.getByRole('button', { name: 'Chat settings' }).click();
    await page.getByRole('spinbutton', { name: 'Context length' }).fill('256');
    await page.getByRole('button', { name: 'Save chat settings' }).click();
    const long = (tag: string) => `${tag}: ` + 'the quick brown fox jumps over the lazy dog '.repeat(8);
    await chat.ask(long('one'));
    await expect(chat.assistantMessages).toHaveCount(1);
    // The question and its answer show at once; the request reaches Ollama once the settings are saved.
    await expect(chat.lastAnswer()).toContainText('Noted.');
    await expect(chat.chats).toHaveCount(1);
    const first = ollama.requests.find((r) => r.messages?.at(-1)?.content === long('one'));
    expect(first?.options).toMatchObject({ num_ctx: 256 });
    for (const tag of ['two', 'three']) {
      await chat.ask(long(tag));
      await expect(chat.assistantMessages).toHaveCount(['one', 'two', 'three'].indexOf(tag) + 1);
      await expect(chat.lastAnswer()).toContainText('Noted.');
    }
    await expect(chat.lastAnswer().getByRole('note')).toHaveText(
      /^\d+ earlier messages? (was|were) left out to fit the model's context window\.$/,
    );
    await expect(chat.assistantMessages.first().getByRole('note')).toHaveCount(0);
    const sent = ollama.requests.at(-1)!.messages!;
    expect(sent.at(-1)!.content).toBe(long('three'));
    expect(sent.length).toBeLessThan(5);
  });

  test('an OpenAI-compatible endpoint added in Settings answers; a wrong key shows the 401 inline', async ({
    chat,
    page,
  }) => {
    const openai = await startFakeOpenAi();
    try {
      await chat.open();
      await chat.waitForModels();
      await page.getByRole('button', { name: 'Settings' }).first().click();
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      await page.getByRole('textbox', { name: 'Endpoint name' }).fill('Fake AI');
      await page.getByRole('textbox', { name: 'Endpoint base URL' }).fill(openai.baseUrl);
      await page.getByLabel('Endpoint API key').fill(openai.apiKey);
      await page.getByRole('button', { name: 'Save endpoint' }).click();
      await expect(page.getByRole('list', { name: 'Endpoints' })).toContainText('Fake AI');
      await expect(page.getByRole('list', { name: 'Endpoints' })).toContainText('key stored');
      await expect(page.getByLabel('Endpoint API key')).toHaveCount(0);
      await page.getByRole('button', { name: 'Back to chat' }).click();

      await expect(chat.model.locator('optgroup[label="Fake AI"] option')).toHaveText(['gpt-4.1', 'gpt-4o-mini']);
      await chat.model.selectOption({ label: 'gpt-4o-mini' });
      await chat.ask('Are you there?');
      await expect(body(chat.lastAnswer())).toHaveText(
        'OpenAI-compatible gpt-4o-mini says: you asked "Are you there?".',
      );
      await expect(chat.lastAnswer()).toContainText(/tok\/s/);
      expect(openai.authHeaders.at(-1)).toBe(`Bearer ${openai.apiKey}`);

      // A wrong key: the stored key is never shown, and the next answer fails with OpenAI's 401, inline.
      await page.getByRole('button', { name: 'Settings' }).first().click();
      await page.getByRole('button', { name: 'Edit Fake AI' }).click();
      const key = page.getByLabel('Endpoint API key');
      await expect(key).toHaveValue('');
      await expect(key).toHaveAttribute('placeholder', /A key is stored/);
      await key.fill('sk-wrong-0000000000');
      await page.getByRole('button', { name: 'Save endpoint' }).click();
      await expect(page.getByRole('status')).toContainText('Saved Fake AI.');
      await page.getByRole('button', { name: 'Back to chat' }).click();
      await chat.lastAnswer().getByRole('button', { name: 'Regenerate' }).click();
      await expect(chat.lastAnswer().getByRole('alert')).toContainText('Fake AI refused the API key (HTTP 401)');
      await expect(chat.lastAnswer().getByRole('button', { name: 'Retry' })).toBeVisible();
    } finally {
      await openai.close();
    }
  });
});
