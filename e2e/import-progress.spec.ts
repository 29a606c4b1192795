/**
 * A big import runs in the background: Settings → Data shows a progress bar while chats are
 * written, the app keeps answering (a search from the same page returns meanwhile), and another
 * open window sees the imported chats when it is done.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures/test';
import { ChatPage } from './fixtures/chat-page';
import { bulkChatGptExport } from './support/chatgpt-export';

const CHATS = 600;
const TURNS = 20;

test('a big import shows its progress, the app keeps answering, and other windows see the chats', async ({
  page,
  chat,
  hearth,
}) => {
  // 24,000 messages read, written and announced: on a loaded 2-core machine this takes a while.
  test.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'hearth-import-'));
  const file = join(dir, 'conversations.json');
  writeFileSync(file, bulkChatGptExport(CHATS, TURNS, 'Bulk chat'));
  try {
    const other = new ChatPage(await page.context().newPage(), hearth);
    await other.open();
    await chat.open();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    // Every label the progress bar shows is recorded as it renders, so a short writing phase on a
    // fast machine (or a long reading phase on a loaded one) cannot slip between two polls. The
    // first time a count of written chats shows, the page asks for the chat list: the import is
    // still running then, and the server's answer must not wait for it (timed by the browser's
    // Resource Timing, request to last byte: a loaded 2-core machine can hold the page's own
    // promise callbacks back for a while, which says nothing about the server).
    await page.evaluate(() => {
      const w = window as unknown as { importLabels: string[]; listMs: Promise<number> | null };
      const timed = () => {
        const entries = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/api/call/chats.list'));
        const last = entries[entries.length - 1] as PerformanceResourceTiming | undefined;
        return last ? last.responseEnd - last.requestStart : Number.POSITIVE_INFINITY;
      };
      const seen: string[] = [];
      w.importLabels = seen;
      w.listMs = null;
      new MutationObserver(() => {
        const bar = document.querySelector('.import-progress progress[aria-label="Import progress"]');
        const label = document.querySelector('.import-progress [role="status"]')?.textContent;
        if (!bar || !label || seen[seen.length - 1] === label) return;
        seen.push(label);
        if (w.listMs === null && label.startsWith('Importing ')) {
          w.listMs = fetch('/api/call/chats.list', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ limit: 50 }),
          })
            .then((res) => res.json())
            .then((body: { ok: boolean }) => (body.ok ? timed() : Number.POSITIVE_INFINITY));
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId('import-file').setInputFiles(file);

    const bar = page.getByRole('progressbar', { name: 'Import progress' });
    const writing = new RegExp(`^Importing "conversations\\.json": ([\\d,]+) of ${CHATS} chats$`);
    const labels = () => page.evaluate(() => (window as unknown as { importLabels: string[] }).importLabels);
    await expect.poll(async () => (await labels()).some((l) => writing.test(l)), { timeout: 60_000 }).toBe(true);
    // Meanwhile the app answered other calls at once.
    const ms = await page.evaluate(() => (window as unknown as { listMs: Promise<number> }).listMs);
    expect(ms).toBeLessThan(500);

    const report = page.getByRole('status', { name: 'Import report' });
    await expect(report).toContainText(`ChatGPT export: imported ${CHATS} chats and ${CHATS * TURNS * 2} messages.`, {
      timeout: 60_000,
    });
    await expect(bar).toHaveCount(0);
    // It read the file first, then counted the chats up as they were written, never backwards.
    const seen = await labels();
    expect(seen[0]).toBe('Reading "conversations.json"…');
    const counts = seen.flatMap((l) => {
      const m = writing.exec(l);
      return m ? [Number(m[1]!.replace(/,/g, ''))] : [];
    });
    expect(counts.length).toBeGreaterThan(1);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    // The other window was told (one 'done' event) and reloaded its list.
    await expect(other.chats.filter({ hasText: `Bulk chat ${CHATS - 1}` })).toHaveCount(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
