/**
 * Hostile input through the running app, as a web page or a crafted file would send it: an import
 * whose attachment ids climb out of the data folder, a program path over the web API, and a
 * WebSocket whose target is not a URL. Each must leave serve alive and nothing outside its folder.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tinyPng } from './support/images';
import { CLI, runCli } from './fixtures/serve-process';
import { expect, test } from './fixtures/test';

test('a crafted Hearth export imported from Settings writes its files only inside the data folder', async ({
  page,
  chat,
  dataDir,
}) => {
  const escape = `hearth-e2e-escape-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const outside = join(tmpdir(), `${escape}.png`); // where attachments/../../<escape>.png would land
  const t = 1_700_000_000_000;
  const file = join(dataDir, '..', `${escape}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      format: 'hearth-export',
      version: 3,
      exportedAt: t,
      chats: [
        {
          id: 'crafted-chat',
          title: 'Crafted import',
          model: null,
          createdAt: t,
          updatedAt: t,
          messages: [
            {
              id: 'crafted-msg',
              parentId: null,
              role: 'user',
              content: 'look at this',
              model: null,
              status: 'done',
              createdAt: t,
              updatedAt: t,
              attachments: [
                {
                  id: `../../${escape}`,
                  kind: 'image',
                  name: 'dot.png',
                  mime: 'image/png',
                  size: 0,
                  dataBase64: tinyPng().toString('base64'),
                },
              ],
            },
          ],
        },
      ],
    }),
  );
  try {
    await chat.open();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByTestId('import-file').setInputFiles(file);
    await expect(page.getByRole('status', { name: 'Import report' })).toContainText('1 chat');
    expect(existsSync(outside)).toBe(false);
    const stored = readdirSync(join(dataDir, 'attachments')).filter((f) => f.endsWith('.png'));
    expect(stored).toHaveLength(1);
    expect(stored[0]).not.toContain(escape);
    // The image arrived and shows in the imported chat.
    await page.getByRole('button', { name: 'Back to chat' }).click();
    await page.getByRole('button', { name: 'Crafted import', exact: true }).click();
    await expect(page.getByRole('img', { name: 'dot.png' })).toBeVisible();
  } finally {
    rmSync(outside, { force: true });
    rmSync(file, { force: true });
  }
});

test('the web API takes no program path, and Settings says how serve names one', async ({ page, chat }) => {
  await chat.open();
  const r = await page.evaluate(async () => {
    const res = await fetch('/api/call/settings.update', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ollamaMode: 'bundled', ollamaPath: '/bin/sh' }),
    });
    return { status: res.status, body: await res.json() };
  });
  expect(r.status).toBe(400);
  expect(r.body.error.code).toBe('invalid_input');
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('radio', { name: 'Auto' })).toBeChecked(); // the mode was not changed either
  await expect(page.getByRole('textbox', { name: 'Bundled Ollama executable' })).toBeDisabled();
  await expect(page.getByText('start it with hearth serve --ollama-path FILE')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Choose program…' })).toHaveCount(0);
});

test('a page opening a WebSocket whose target is not a URL does not stop serve', async ({ page, chat, hearth }) => {
  await chat.open();
  const port = new URL(hearth.url).port;
  const closed = await page.evaluate(
    (port) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}//`);
        ws.onclose = () => resolve('closed');
        ws.onerror = () => resolve('error');
      }),
    port,
  );
  expect(['closed', 'error']).toContain(closed);
  expect(hearth.child.exitCode).toBeNull();
  const health = await page.request.get(`${hearth.url}healthz`);
  expect(health.status()).toBe(200);
  // And the app still works: the event socket reconnects and answers stream.
  await chat.waitForModels();
  await chat.ask('still there?');
  await expect(chat.lastAnswer()).not.toBeEmpty();
});

test('`hearth export | head` stops quietly when the reader goes away', async ({ dataDir }) => {
  const t = 1_700_000_000_000;
  const big = 'x'.repeat(200_000);
  const file = join(dataDir, '..', `big-${Date.now()}.json`);
  const chats = Array.from({ length: 20 }, (_, i) => ({
    id: `big-${i}`,
    title: `Big ${i}`,
    model: null,
    createdAt: t,
    updatedAt: t,
    messages: [
      {
        id: `big-m${i}`,
        parentId: null,
        role: 'user',
        content: big,
        model: null,
        status: 'done',
        createdAt: t,
        updatedAt: t,
      },
    ],
  }));
  writeFileSync(file, JSON.stringify({ format: 'hearth-export', version: 3, exportedAt: t, chats }));
  try {
    expect((await runCli(['import', '--data-dir', dataDir, file], {}, dataDir)).code).toBe(0);
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'export', '--data-dir', dataDir], {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Like `head -c 100`: read a little, then close the pipe.
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  } finally {
    rmSync(file, { force: true });
  }
});
