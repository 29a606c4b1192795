import { test, expect } from './fixtures/test';

test('an unreachable Ollama is explained, and Retry recovers once it is back', async ({ chat, ollama }) => {
  const port = ollama.port;
  await ollama.close();
  await chat.open();
  const alert = chat.page.getByRole('alert').filter({ hasText: "Can't reach Ollama" });
  await expect(alert).toContainText(`http://127.0.0.1:${port}`);
  await expect(alert).toContainText('ollama serve');
  await expect(chat.send).toBeDisabled();
  // Enter without a model says why nothing was sent, and keeps the text.
  await chat.ask('typed too early');
  await expect(chat.page.getByRole('alert').filter({ hasText: 'Pick a model first' })).toBeVisible();
  await expect(chat.message).toHaveValue('typed too early');

  const { startFakeOllama } = await import('./support/fake-ollama');
  const revived = await startFakeOllama({ port });
  try {
    await alert.getByRole('button', { name: 'Retry' }).click();
    await expect(alert).toBeHidden();
    await chat.waitForModels();
    await chat.message.fill('');
    await chat.ask('are you back?');
    await expect(chat.lastAnswer()).toContainText('You said: are you back?');
  } finally {
    await revived.close();
  }
});

test('a model that disappeared gives an inline error that says how to get it', async ({ chat, ollama, page }) => {
  // The Ollama status reaches the page late (as on a busy machine): it must not reload the model
  // list already on screen from that server, or the vanished model would no longer be the one
  // picked and another would answer.
  await page.route('**/api/call/ollama.status', async (route) => {
    const response = await route.fetch();
    await new Promise((r) => setTimeout(r, 1500));
    await route.fulfill({ response });
  });
  const lateStatus = page.waitForResponse('**/api/call/ollama.status');
  await chat.open();
  await chat.waitForModels();
  ollama.models = ollama.models.filter((m) => m.name !== 'llama3.2:1b');
  await lateStatus;
  await chat.ask('hello');
  const answer = chat.lastAnswer();
  await expect(answer.getByRole('alert')).toContainText('Model "llama3.2:1b" is not installed');
  await expect(answer.getByRole('alert')).toContainText('ollama pull llama3.2:1b');
  await expect(chat.send).toBeVisible();
});

test('an error line in the middle of a stream keeps the partial answer and shows the error', async ({
  chat,
  ollama,
}) => {
  ollama.behavior.reply = () => 'The first part arrives and then the runner fails badly';
  ollama.behavior.errorAfterChunks = 3;
  await chat.open();
  await chat.waitForModels();
  await chat.ask('break please');
  const answer = chat.lastAnswer();
  await expect(answer.getByRole('alert')).toContainText('unexpected EOF');
  await expect(answer.locator('.message-body')).toHaveText('The first part');
});

test('killing serve mid-answer keeps the partial text, marked interrupted', async ({ chat, ollama, hearth, page }) => {
  ollama.behavior.tokenDelayMs = 40;
  ollama.behavior.reply = () => Array.from({ length: 300 }, (_, i) => `t${i}`).join(' ');
  await chat.open();
  await chat.waitForModels();
  await chat.ask('long story');
  await expect(chat.lastAnswer()).toContainText('t20');
  await hearth.restart('SIGKILL');
  await page.goto(hearth.openUrl);
  await chat.chats.first().getByRole('button').first().click();
  await expect(chat.lastAnswer()).toContainText('Interrupted');
  await expect(chat.lastAnswer()).toContainText('t0 t1 t2');
});
