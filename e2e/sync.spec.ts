/**
 * Two `hearth serve` instances (two devices) meeting in one PostgreSQL: a message sent in one
 * window appears in the other's window, in the chat it has open, without a reload.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures/test';
import { ChatPage } from './fixtures/chat-page';
import { startServe, type ServeProcess } from './fixtures/serve-process';
import { startPostgres, type TestPostgres } from './support/postgres';

let pgServer: TestPostgres;
test.beforeAll(async () => {
  pgServer = await startPostgres();
});
test.afterAll(async () => {
  await pgServer?.remove();
});

async function enableSync(page: ChatPage['page'], schema: string): Promise<void> {
  const ok = await page.evaluate(async (s) => {
    const res = await fetch('/api/call/sync.configure', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ schema: s, enabled: true }),
    });
    return (await res.json()).ok as boolean;
  }, schema);
  expect(ok).toBe(true);
}

test('a message sent on one device appears in the other device’s open chat without a reload', async ({
  page,
  chat,
  ollama,
}) => {
  const schema = `e2e_${Date.now()}`;
  const env = { OLLAMA_BASE_URL: ollama.url, DATABASE_URL: pgServer.url() };
  const dirs = [mkdtempSync(join(tmpdir(), 'hearth-sync-a-')), mkdtempSync(join(tmpdir(), 'hearth-sync-b-'))];
  const servers: ServeProcess[] = [];
  try {
    for (const dataDir of dirs) servers.push(await startServe({ dataDir, env }));
    const a = new ChatPage(page, servers[0]!);
    const b = new ChatPage(await page.context().newPage(), servers[1]!);
    void chat; // this test brings its own two servers
    await a.open();
    await b.open();
    await enableSync(a.page, schema);
    await enableSync(b.page, schema);

    await a.waitForModels();
    await a.ask('Hello from device A');
    await expect(a.lastAnswer()).toContainText(/\S/);
    // B's sidebar gets the chat from A; B opens it.
    const onB = b.chats.first();
    await expect(onB).toBeVisible({ timeout: 15_000 });
    await onB.click();
    await expect(b.userMessages.filter({ hasText: 'Hello from device A' })).toHaveCount(1);

    // With both open on the same chat, A writes again: B shows it without a reload.
    await a.ask('Second message from A');
    await expect(b.userMessages.filter({ hasText: 'Second message from A' })).toHaveCount(1, { timeout: 10_000 });
    await expect(b.assistantMessages).toHaveCount(2, { timeout: 10_000 });
    // The indicator on B says it is synced.
    await expect(b.page.getByRole('button', { name: /sync/i }).first()).toBeVisible();
  } finally {
    for (const s of servers) await s.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
