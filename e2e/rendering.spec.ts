/**
 * Model output rendered as markdown in the real UI: GFM, highlighted code with "Copy code", KaTeX,
 * mermaid on demand, thinking collapsed; finished blocks are not re-rendered while an answer
 * streams; and a 2,000-message chat opens at its end with only the visible rows in the DOM.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './fixtures/test';
import { runCli } from './fixtures/serve-process';

const ANSWER = [
  '# Release notes',
  '',
  '| Name | Value |',
  '|------|-------|',
  '| alpha | 1 |',
  '',
  '- [x] done task',
  '- [ ] open task',
  '',
  '~~old~~ and a link https://example.com/docs here.',
  '',
  '```python',
  'def add(a, b):',
  '    return a + b',
  '```',
  '',
  'Inline math $E = mc^2$ and also \\(a^2 + b^2\\).',
  '',
  '$$',
  '\\int_0^1 x\\,dx = \\frac{1}{2}',
  '$$',
  '',
  '```mermaid',
  'graph TD',
  '  A[Start] --> B[End]',
  '```',
].join('\n');

test('a model answer renders as markdown: GFM, code, math, mermaid', async ({ chat, ollama, page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  ollama.behavior.reply = () => ANSWER;
  await chat.open();
  await chat.waitForModels();
  await chat.ask('show me everything');
  const answer = chat.lastAnswer();
  await expect(answer).toHaveAttribute('data-status', 'done');

  await expect(answer.getByRole('heading', { level: 1, name: 'Release notes' })).toBeVisible();
  const table = answer.getByRole('table');
  await expect(table.getByRole('columnheader', { name: 'Name' })).toBeVisible();
  await expect(table.getByRole('cell', { name: 'alpha' })).toBeVisible();
  const boxes = answer.getByRole('checkbox');
  await expect(boxes).toHaveCount(2);
  await expect(boxes.first()).toBeChecked();
  await expect(boxes.last()).not.toBeChecked();
  await expect(answer.locator('del')).toHaveText('old');
  const link = answer.getByRole('link', { name: 'https://example.com/docs' });
  await expect(link).toHaveAttribute('href', 'https://example.com/docs');
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');

  // Code: language label, highlighting, Copy code.
  const code = answer.locator('.code-block');
  await expect(code.locator('.code-lang')).toHaveText('python');
  await expect(code.locator('.hljs-keyword').first()).toHaveText('def');
  await code.getByRole('button', { name: 'Copy code' }).click();
  await expect(code.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('def add(a, b):\n    return a + b');

  // Math, inline (both delimiters) and display, by KaTeX (loaded lazily).
  await expect(answer.locator('.math-inline .katex')).toHaveCount(2);
  await expect(answer.locator('.math-display .katex-display')).toHaveCount(1);
  await expect(answer.locator('.math-display annotation')).toContainText('\\int_0^1');

  // Mermaid only on demand, as an image.
  const diagram = answer.locator('.mermaid-block');
  await expect(diagram.locator('img')).toHaveCount(0);
  await diagram.getByRole('button', { name: 'Show diagram' }).click();
  const img = diagram.getByRole('img', { name: 'Diagram drawn from the mermaid source' });
  await expect(img).toBeVisible({ timeout: 20_000 });
  expect(await img.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
  expect(await img.evaluate((e: HTMLImageElement) => e.naturalWidth)).toBeGreaterThan(0);
  await expect(page.locator('svg[id^="hearth-mermaid"], [id^="dhearth-mermaid"]')).toHaveCount(0);
});

test('while streaming, finished blocks stay put and an open fence or ** renders sensibly', async ({ chat, ollama }) => {
  ollama.behavior.tokenDelayMs = 40;
  // Pauses while the heading and the code block are each the growing last block.
  ollama.behavior.pauses = [
    { afterText: 'Heading first', ms: 800 },
    { afterText: 'const y = 2;', ms: 800 },
  ];
  ollama.behavior.reply = () =>
    '# Heading first\n\nSome **bold text that goes on and on and on and on** then plain words follow.\n\n```js\nconst x = 1;\nconst y = 2;\nconst z = 3;\n```\n\nThe end of it all.';
  await chat.open();
  await chat.waitForModels();
  await chat.ask('stream please');
  const answer = chat.lastAnswer();
  const heading = answer.getByRole('heading', { name: 'Heading first' });
  await expect(heading).toBeVisible();
  const node = await heading.elementHandle();
  // The open ** shows as bold while it streams (not as literal asterisks).
  await expect(answer.locator('strong').first()).toContainText('bold text');
  const code = answer.locator('pre code');
  await expect(code).toContainText('const y = 2;');
  const codeNode = await code.elementHandle();
  await expect(answer).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  await expect(answer.locator('.code-lang')).toHaveText('js');
  await expect(answer.locator('.hljs-keyword').first()).toHaveText('const');
  // The heading seen while it was the growing block is the very same DOM node once the answer is done.
  expect(await node!.evaluate((e) => e.isConnected)).toBe(true);
  // So is the code block seen before its fence closed, now highlighted.
  expect(await codeNode!.evaluate((e) => e.isConnected && e.querySelector('.hljs-keyword') !== null)).toBe(true);
  await expect(answer).not.toContainText('**');
});

test('a long answer keeps every block in order, and its first block is never re-created', async ({ chat, ollama }) => {
  ollama.behavior.tokenDelayMs = 3;
  const paragraphs = Array.from({ length: 40 }, (_, i) => `Paragraph number ${i + 1} of the long answer.`);
  ollama.behavior.pauses = [{ afterText: 'number 1 of the long answer.', ms: 600 }];
  ollama.behavior.reply = () => paragraphs.join('\n\n');
  await chat.open();
  await chat.waitForModels();
  await chat.ask('a long one');
  const answer = chat.lastAnswer();
  const first = answer.locator('p', { hasText: 'Paragraph number 1 of' });
  await expect(first).toBeVisible();
  const node = await first.elementHandle();
  await expect(answer).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  expect(await answer.locator('.markdown p').allTextContents()).toEqual(paragraphs);
  expect(await node!.evaluate((e) => e.isConnected)).toBe(true);
});

test('an answer sent faster than the page renders shows its end at once, then every block as markdown, in order', async ({
  chat,
  ollama,
}) => {
  ollama.behavior.tokenDelayMs = 0;
  const sections = Array.from(
    { length: 150 },
    (_, i) => `## Part ${i + 1}\n\nText of part ${i + 1} with **bold words**.\n\n\`\`\`ts\nconst n = ${i};\n\`\`\``,
  );
  ollama.behavior.reply = () => `${sections.join('\n\n')}\n\nThe very end.`;
  await chat.open();
  await chat.waitForModels();
  await chat.ask('everything at once');
  const answer = chat.lastAnswer();
  await expect(answer.getByText('The very end.')).toBeVisible();
  await expect(answer).toHaveAttribute('data-status', 'done');
  // Blocks first shown as plain text (a burst) are all rendered in the end, in order.
  await expect(answer.locator('h2')).toHaveText(
    sections.map((_, i) => `Part ${i + 1}`),
    { timeout: 15_000 },
  );
  await expect(answer.locator('.md-group-plain')).toHaveCount(0);
  await expect(answer.locator('strong')).toHaveCount(sections.length);
  await expect(answer.locator('.code-block .hljs-keyword')).toHaveCount(sections.length);
  await expect(answer).not.toContainText('**');
});

test('the list follows a streaming answer, stays put once the user scrolls up, and follows again at the bottom', async ({
  chat,
  ollama,
  page,
}) => {
  ollama.behavior.tokenDelayMs = 12;
  const lines = Array.from({ length: 60 }, (_, i) => `Line ${i + 1} of an answer that keeps coming.`);
  ollama.behavior.pauses = [
    { afterText: 'Line 30 of an answer that keeps coming.', ms: 2500 },
    { afterText: 'Line 45 of an answer that keeps coming.', ms: 2500 },
  ];
  ollama.behavior.reply = () => lines.join('\n\n');
  await chat.open();
  await chat.waitForModels();
  const list = page.getByRole('log', { name: 'Messages' });
  // Count the list's scrolls and the answer's updates on screen.
  await list.evaluate((el) => {
    const w = window as unknown as { scrolls: number; updates: number };
    w.scrolls = 0;
    w.updates = 0;
    el.addEventListener('scroll', () => w.scrolls++);
    new MutationObserver(() => w.updates++).observe(el, { subtree: true, childList: true, characterData: true });
  });
  await chat.ask('keep going');
  const answer = chat.lastAnswer();
  const line = (n: number) => answer.locator('p', { hasText: new RegExp(`^Line ${n} of`) });

  // Followed: the newest line is on screen, the question long gone above…
  await expect(line(30)).toBeInViewport({ ratio: 1 });
  await expect(chat.userMessages.last()).not.toBeInViewport();
  // …in steps: the answer grows into blank space below it, and the list scrolls only once that is
  // used up, not on every update.
  const { scrolls, updates } = await page.evaluate(() => {
    const w = window as unknown as { scrolls: number; updates: number };
    return { scrolls: w.scrolls, updates: w.updates };
  });
  expect(updates).toBeGreaterThan(15);
  expect(scrolls, `${scrolls} scrolls for ${updates} updates`).toBeLessThanOrEqual(updates / 4);

  // The user scrolls up to read: the view stays where they put it while the answer goes on.
  await list.hover();
  await page.mouse.wheel(0, -500);
  await expect.poll(() => list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeGreaterThan(300);
  const readingAt = await list.evaluate((el) => el.scrollTop);
  await expect(line(45)).toHaveCount(1, { timeout: 10_000 });
  expect(await list.evaluate((el) => el.scrollTop)).toBe(readingAt);
  await expect(line(45)).not.toBeInViewport();

  // Back at the bottom, it follows again to the end of the answer and its stats.
  await page.mouse.wheel(0, 100_000);
  await expect(answer).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  await expect(line(60)).toBeInViewport({ ratio: 1 });
  await expect(answer.getByText(/tok\/s/)).toBeInViewport();
});

function bigExport(n: number) {
  const chatId = randomUUID();
  const t0 = Date.now() - n * 1000;
  const messages = [];
  let parentId: string | null = null;
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    const user = i % 2 === 0;
    const last = i === n - 1;
    messages.push({
      id,
      parentId,
      role: user ? 'user' : 'assistant',
      content: user
        ? `Question ${i}`
        : `Answer **${i}** with a list:\n\n- one\n- two\n\n\`\`\`js\nconsole.log(${i});\n\`\`\``,
      model: user ? null : 'ollama/llama3.2:1b',
      status: 'done',
      createdAt: t0 + i * 1000,
      updatedAt: t0 + i * 1000,
      thinking: last ? 'I weighed the options carefully.' : null,
      thinkingMs: last ? 4200 : null,
    });
    parentId = id;
  }
  return {
    format: 'hearth-export',
    version: 2,
    exportedAt: Date.now(),
    chats: [
      {
        id: chatId,
        title: 'Two thousand messages',
        model: 'ollama/llama3.2:1b',
        createdAt: t0,
        updatedAt: t0 + n * 1000,
        currentLeafId: parentId,
        messages,
      },
    ],
  };
}

test('a 2,000-message chat opens at its end with only the visible rows in the DOM', async ({ chat, page, dataDir }) => {
  test.setTimeout(90_000);
  const file = join(dataDir, 'big-export.json');
  writeFileSync(file, JSON.stringify(bigExport(2000)));
  const r = await runCli(['import', file, '--data-dir', dataDir], {}, dataDir);
  expect(r.code, r.stderr).toBe(0);

  await chat.open();
  const item = chat.chats.filter({ hasText: 'Two thousand messages' });
  await expect(item).toBeVisible();
  const t = Date.now();
  await item.click();
  const lastAnswer = chat.assistantMessages.filter({ hasText: 'Answer 1999 with a list' });
  await expect(lastAnswer).toBeVisible();
  const openMs = Date.now() - t;
  expect(openMs).toBeLessThan(5_000);

  const articles = await page.locator('article').count();
  expect(articles).toBeGreaterThan(0);
  expect(articles).toBeLessThan(60);
  const list = page.getByRole('log', { name: 'Messages' });
  const gap = await list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
  expect(gap).toBeLessThan(50);
  // Rows carry their message id, for "jump to message".
  expect(await page.locator('[data-message-id]').count()).toBeGreaterThan(0);

  // Thinking of a finished answer: collapsed, with its duration.
  const thinking = lastAnswer.locator('details.thinking');
  await expect(thinking.locator('summary')).toHaveText('Thought for 4 s');
  expect(await thinking.evaluate((e: HTMLDetailsElement) => e.open)).toBe(false);
  await thinking.locator('summary').click();
  await expect(thinking).toContainText('I weighed the options carefully.');

  // Scrolled up, the list stays where the user put it; rows come and go with the scroll.
  await list.hover();
  for (let i = 0; i < 5 && (await list.evaluate((el) => el.scrollTop)) > 0; i++) {
    await page.mouse.wheel(0, -1_000_000);
    await page.waitForTimeout(100);
  }
  await expect(chat.userMessages.filter({ hasText: 'Question 0' })).toBeVisible();
  await page.waitForTimeout(300);
  expect(await list.evaluate((el) => el.scrollTop)).toBeLessThan(50);
  expect(await page.locator('article').count()).toBeLessThan(60);
});
