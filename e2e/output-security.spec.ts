/**
 * Hostile model output in the real UI: raw HTML, event handlers, script URLs and an <iframe> never
 * run or become elements; javascript:/data: links are not links; a remote image is not fetched
 * until the user clicks "Load image", and then by the app (not the page).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatPage } from './fixtures/chat-page';
import type { FakeOllama } from './support/fake-ollama';
import { test, expect } from './fixtures/test';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

interface Tracker {
  port: number;
  hits: { url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

async function startTracker(): Promise<Tracker> {
  const hits: Tracker['hits'] = [];
  const server: Server = createServer((req, res) => {
    hits.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': PNG.length }).end(PNG);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function hostileAnswer(port: number): string {
  return [
    'Here is my answer.',
    '',
    '<script>window.__pwned = 1; alert(1)</script>',
    '',
    '<img src=x onerror="window.__pwned = 2; alert(2)">',
    '',
    '<svg onload="window.__pwned = 3"></svg> and <iframe src="javascript:window.__pwned = 4"></iframe>',
    '',
    'Inline <b onmouseover="window.__pwned = 5">bold?</b> and <a href="javascript:alert(6)">raw anchor</a>.',
    '',
    '[click me](javascript:window.__pwned=7) [data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[vb](vbscript:msgbox(1)) [file](file:///etc/passwd) [relative](/api/call/app.info) [upper](JAVASCRIPT:alert(8))',
    '',
    `![tracker pixel](http://127.0.0.1:${port}/tracker.png)`,
    '',
    '![embedded](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=)',
    '',
    '[a safe page](https://example.com/page) and <https://example.org/auto>',
  ].join('\n');
}

let tracker: Tracker;
test.beforeEach(async () => {
  tracker = await startTracker();
});
test.afterEach(async () => {
  await tracker.close();
});

async function askHostile(chat: ChatPage, ollama: FakeOllama) {
  ollama.behavior.reply = () => hostileAnswer(tracker.port);
  await chat.open();
  await chat.waitForModels();
  await chat.ask('be hostile');
  const answer = chat.lastAnswer();
  await expect(answer).toHaveAttribute('data-status', 'done');
  return answer;
}

test.describe('with loopback images allowed for the app (HEARTH_MEDIA_ALLOW_PRIVATE=1)', () => {
  test.use({ serveEnv: { HEARTH_MEDIA_ALLOW_PRIVATE: '1' } });

  test('hostile output runs nothing, makes no elements, and fetches nothing until asked', async ({
    chat,
    ollama,
    page,
  }) => {
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const pageRequests: string[] = [];
    page.on('request', (r) => pageRequests.push(r.url()));

    const answer = await askHostile(chat, ollama);
    const body = answer.locator('.message-body');

    // Raw HTML is shown as text.
    await expect(body).toContainText('<script>window.__pwned = 1; alert(1)</script>');
    await expect(body).toContainText('<img src=x onerror="window.__pwned = 2; alert(2)">');
    await expect(body).toContainText('<iframe src="javascript:window.__pwned = 4"></iframe>');
    // …and never becomes elements.
    expect(await body.locator('script, iframe, frame, object, embed, svg, img, b, style, form').count()).toBe(0);
    expect(await page.locator('iframe').count()).toBe(0);

    // Unsafe links are plain text; only http(s)/mailto are links, opening outside with noopener.
    for (const name of ['click me', 'data link', 'vb', 'file', 'relative', 'upper', 'raw anchor']) {
      await expect(body.getByRole('link', { name })).toHaveCount(0);
    }
    await expect(body.getByText('click me')).toBeVisible();
    const hrefs = await body.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual(['https://example.com/page', 'https://example.org/auto']);
    const safe = body.getByRole('link', { name: 'a safe page' });
    await expect(safe).toHaveAttribute('target', '_blank');
    await expect(safe).toHaveAttribute('rel', 'noopener noreferrer');
    await expect(safe).toHaveAttribute('title', 'https://example.com/page');
    // The text differs from the URL, so the URL is shown too.
    await expect(body.locator('.link-url')).toHaveText(' (https://example.com/page)');

    // The data: image is not shown; the remote one waits behind a button.
    await expect(body).toContainText('[Embedded image not shown: embedded]');
    const load = body.getByRole('button', { name: `Load image from 127.0.0.1:${tracker.port}` });
    await expect(load).toBeVisible();

    // Hovering the former handlers does nothing either.
    await body.getByText('bold?').hover();
    await page.waitForTimeout(500);
    expect(tracker.hits).toHaveLength(0);
    expect(pageRequests.filter((u) => u.includes(`:${tracker.port}`))).toHaveLength(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);

    // On consent the app (not the page) fetches it once, and it is shown from a data: URL.
    await load.click();
    const img = body.getByRole('img', { name: 'tracker pixel' });
    await expect(img).toBeVisible();
    expect(await img.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(tracker.hits).toHaveLength(1);
    expect(tracker.hits[0]!.headers['user-agent']).toBe('Hearth');
    expect(pageRequests.filter((u) => u.includes(`:${tracker.port}`))).toHaveLength(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
  });
});

test('by default "Load image" refuses a loopback host with a clear message and sends nothing', async ({
  chat,
  ollama,
}) => {
  const answer = await askHostile(chat, ollama);
  const body = answer.locator('.message-body');
  await body.getByRole('button', { name: `Load image from 127.0.0.1:${tracker.port}` }).click();
  await expect(body.getByRole('alert')).toContainText('local or private network address');
  expect(tracker.hits).toHaveLength(0);
  await expect(body.getByRole('img')).toHaveCount(0);
});

test('hostile TeX and mermaid run nothing: KaTeX makes no links or images, mermaid ignores clicks and init', async ({
  chat,
  ollama,
  page,
}) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  ollama.behavior.reply = () =>
    [
      'Math: $\\href{javascript:window.__pwned=10}{click}$ and $\\url{javascript:window.__pwned=11}$.',
      '',
      '$$',
      `\\htmlId{pwned}{x} \\includegraphics{http://127.0.0.1:${tracker.port}/tex.png}`,
      '$$',
      '',
      '```mermaid',
      '%%{init: {"securityLevel": "loose"}}%%',
      'graph TD',
      '  A[Start] --> B[End]',
      '  click A call alert(12)',
      '  click B href "javascript:window.__pwned=13"',
      '```',
    ].join('\n');
  await chat.open();
  await chat.waitForModels();
  await chat.ask('be hostile');
  const answer = chat.lastAnswer();
  await expect(answer).toHaveAttribute('data-status', 'done');
  const body = answer.locator('.message-body');

  // KaTeX (trust off) shows the commands, makes no link, id or image.
  await expect(body.locator('.math-inline .katex')).toHaveCount(2);
  await expect(body.locator('.math-display .katex-display')).toHaveCount(1);
  expect(await body.locator('a, img, #pwned').count()).toBe(0);

  // Mermaid draws the diagram as an image; its click directives do nothing, even when clicked.
  const diagram = body.locator('.mermaid-block');
  await diagram.getByRole('button', { name: 'Show diagram' }).click();
  const img = diagram.getByRole('img', { name: 'Diagram drawn from the mermaid source' });
  await expect(img).toBeVisible({ timeout: 20_000 });
  expect(await img.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
  await img.click();
  await page.waitForTimeout(300);
  expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
  expect(tracker.hits).toHaveLength(0);
});
