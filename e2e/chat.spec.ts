import { test, expect } from './fixtures/test';
import { ChatPage } from './fixtures/chat-page';
import { holdFirstReply } from './fixtures/late-reply';

test.describe('the chat slice', () => {
  test('a model from Ollama answers, streaming, and the chat survives a restart', async ({
    chat,
    ollama,
    hearth,
    page,
  }) => {
    ollama.behavior.tokenDelayMs = 40;
    const sentence = 'Hearth keeps your history on this machine and streams every answer token by token. ';
    ollama.behavior.reply = () => sentence.repeat(6) + 'That is all, as it arrives.';
    await chat.open();
    await chat.waitForModels();
    await expect(chat.model.locator('option')).toHaveText(['llama3.2:1b · 1.2B', 'qwen2.5:0.5b · 494.03M']);
    await chat.model.selectOption({ label: 'qwen2.5:0.5b · 494.03M' });

    await chat.ask('What does Hearth do?');
    await expect(chat.userMessages.last()).toContainText('What does Hearth do?');
    const answer = chat.lastAnswer();
    // Streaming: part of the answer is on screen before all of it is, and Stop is offered meanwhile.
    await expect(answer).toContainText('Hearth keeps');
    await expect(chat.stop).toBeVisible();
    expect(await answer.locator('.message-body').textContent()).not.toContain('as it arrives.');
    await expect(answer).toContainText('That is all, as it arrives.');
    await expect(chat.send).toBeVisible();
    await expect(answer).toContainText(/tok\/s/);
    expect(ollama.requests.at(-1)?.model).toBe('qwen2.5:0.5b');

    // The sidebar lists the chat, titled from the first message.
    await expect(chat.chats).toHaveCount(1);
    await expect(chat.chats.first()).toContainText('What does Hearth do?');

    await hearth.restart();
    await page.goto(hearth.openUrl);
    await expect(chat.chats).toHaveCount(1);
    await chat.chats.first().getByRole('button', { name: 'What does Hearth do?', exact: true }).click();
    await expect(chat.userMessages).toHaveCount(1);
    await expect(chat.userMessages.first().locator('.message-body')).toHaveText('What does Hearth do?');
    await expect(chat.lastAnswer()).toContainText('That is all, as it arrives.');
    await expect(chat.model).toHaveValue('ollama/qwen2.5:0.5b');
  });

  test('a follow-up sends the whole conversation; Shift+Enter adds a line; Ctrl+N starts over', async ({
    chat,
    ollama,
    page,
  }) => {
    await chat.open();
    await chat.waitForModels();
    await chat.ask('first question');
    await expect(chat.lastAnswer()).toContainText('answer number 1');

    await chat.message.fill('line one');
    await chat.message.press('Shift+Enter');
    await chat.message.pressSequentially('line two');
    await expect(chat.message).toHaveValue('line one\nline two');
    await chat.message.press('Enter');
    await expect(chat.lastAnswer()).toContainText('answer number 2');
    const sent = ollama.requests.at(-1)!.messages!;
    expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent[2]!.content).toBe('line one\nline two');

    await page.keyboard.press('Control+n');
    await expect(chat.userMessages).toHaveCount(0);
    await expect(chat.message).toBeFocused();
    await chat.ask('a new topic');
    await expect(chat.lastAnswer()).toContainText('answer number 1');
    await expect(chat.chats).toHaveCount(2);
    await expect(chat.chats.first()).toContainText('a new topic');
  });

  test('Stop ends the answer and keeps what was written', async ({ chat, ollama }) => {
    ollama.behavior.tokenDelayMs = 50;
    ollama.behavior.reply = () => Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    await chat.open();
    await chat.waitForModels();
    await chat.ask('talk for a long time');
    await expect(chat.lastAnswer()).toContainText('word3');
    await chat.stop.click();
    await expect(chat.lastAnswer()).toContainText('Stopped');
    await expect(chat.send).toBeVisible();
    const text = await chat.lastAnswer().locator('.message-body').textContent();
    expect(text).toContain('word3');
    expect(text).not.toContain('word199');
    await expect.poll(() => ollama.openStreams()).toBe(0);
    // Still stopped, with the same text, after a reload.
    await chat.page.reload();
    await chat.chats.first().getByRole('button').first().click();
    await expect(chat.lastAnswer()).toContainText('Stopped');
    expect(await chat.lastAnswer().locator('.message-body').textContent()).toBe(text);
  });

  test('reloading the page mid-answer picks the answer up again', async ({ chat, ollama }) => {
    ollama.behavior.tokenDelayMs = 30;
    ollama.behavior.reply = () => Array.from({ length: 120 }, (_, i) => `w${i}`).join(' ');
    await chat.open();
    await chat.waitForModels();
    await chat.ask('keep going');
    await expect(chat.lastAnswer()).toContainText('w5');
    await chat.page.reload();
    await chat.chats.first().getByRole('button').first().click();
    await expect(chat.lastAnswer()).toContainText('w119', { timeout: 15_000 });
    const words = (await chat.lastAnswer().locator('.message-body').textContent())!.trim().split(' ');
    expect(words).toEqual(Array.from({ length: 120 }, (_, i) => `w${i}`));
  });
});

test('a chat made in another window while this one is still loading its list shows up in it', async ({
  chat,
  hearth,
  page,
}) => {
  // This window's first chat list (read while there were no chats) reaches it only after the event
  // about the new chat: the list must not win.
  const firstList = await holdFirstReply(page, 'chats.list', {
    releaseOn: (frame) => frame.includes('"chat.updated"'),
    heldBodyContains: '"chats":[]',
  });
  await chat.open();

  const other = new ChatPage(await page.context().newPage(), hearth);
  await other.open();
  await other.waitForModels();
  await other.ask('Made elsewhere');
  await expect(other.chats).toHaveCount(1);

  await firstList.applied();
  await expect(chat.chats).toHaveCount(1);
  await expect(chat.chats.first()).toContainText('Made elsewhere');
});
