import { request } from '@playwright/test';
import { WebSocket } from 'ws';
import { test, expect } from './fixtures/test';
import { runCli } from './fixtures/serve-process';

test('page scripts cannot reach Node: no require, no process, no module', async ({ chat, page }) => {
  await chat.open();
  const globals = await page.evaluate(() => ({
    require: typeof (globalThis as Record<string, unknown>).require,
    process: typeof (globalThis as Record<string, unknown>).process,
    module: typeof (globalThis as Record<string, unknown>).module,
    buffer: typeof (globalThis as Record<string, unknown>).Buffer,
  }));
  expect(globals).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined', buffer: 'undefined' });
});

test('the UI is served with a strict Content-Security-Policy that blocks inline script', async ({
  chat,
  page,
  hearth,
}) => {
  const res = await page.request.get(hearth.url);
  const csp = res.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("object-src 'none'");
  await chat.open();
  const ran = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = 1';
    document.body.appendChild(s);
    await new Promise((r) => setTimeout(r, 50));
    return (window as unknown as { __injected?: number }).__injected ?? 0;
  });
  expect(ran).toBe(0);
});

test('model output is shown as text, never as HTML', async ({ chat, ollama, page }) => {
  ollama.behavior.reply = () => '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold?</b>';
  await chat.open();
  await chat.waitForModels();
  await chat.ask('be hostile');
  await expect(chat.lastAnswer()).toContainText('<script>window.__pwned=2</script>');
  expect(await chat.lastAnswer().locator('img, script, b').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test('a non-loopback address is refused without WEBUI_SECRET_KEY', async ({ dataDir }) => {
  const r = await runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir], {}, dataDir);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('Refusing to listen on 0.0.0.0');
  expect(r.stderr).toContain('WEBUI_SECRET_KEY');
});

test('on loopback, a foreign Host or Origin is refused', async ({ hearth }) => {
  const api = await request.newContext();
  const port = new URL(hearth.url).port;
  const rebinding = await api.post(`${hearth.url}api/call/app.info`, {
    headers: { Host: `evil.example:${port}`, 'Content-Type': 'application/json' },
    data: {},
  });
  expect(rebinding.status()).toBe(403);
  const crossSite = await api.post(`${hearth.url}api/call/app.info`, {
    headers: { Origin: 'https://evil.example', 'Content-Type': 'application/json' },
    data: {},
  });
  expect(crossSite.status()).toBe(403);
  const ok = await api.post(`${hearth.url}api/call/app.info`, {
    headers: { 'Content-Type': 'application/json' },
    data: {},
  });
  expect((await ok.json()).value.host).toBe('serve');
  const ws = new WebSocket(`${hearth.url.replace('http', 'ws')}api/events`, {
    headers: { Origin: 'https://evil.example' },
  });
  const outcome = await new Promise<string>((r) => {
    ws.on('open', () => r('open'));
    ws.on('unexpected-response', (_req, res) => r(String(res.statusCode)));
    ws.on('error', () => r('error'));
  });
  expect(outcome).toBe('403');
  await api.dispose();
});

test.describe('with WEBUI_SECRET_KEY', () => {
  test.use({ serveEnv: { WEBUI_SECRET_KEY: 'correct horse battery staple' } });

  test('every request and the WebSocket need the token; the printed URL carries it', async ({ hearth, chat, page }) => {
    expect(hearth.openUrl).toMatch(/\?token=[\w-]{20,}$/);
    const token = new URL(hearth.openUrl).searchParams.get('token')!;
    expect(hearth.output()).not.toContain('correct horse battery staple');

    const anonymous = await request.newContext();
    expect((await anonymous.get(hearth.url)).status()).toBe(401);
    expect((await anonymous.post(`${hearth.url}api/call/chats.list`, { data: {} })).status()).toBe(401);
    const wrong = await anonymous.post(`${hearth.url}api/call/chats.list`, {
      data: {},
      headers: { Authorization: 'Bearer nope' },
    });
    expect(wrong.status()).toBe(401);
    const bearer = await anonymous.post(`${hearth.url}api/call/chats.list`, {
      data: {},
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(bearer.status()).toBe(200);
    const health = await anonymous.get(`${hearth.url}healthz`);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    await anonymous.dispose();

    const wsStatus = await new Promise<string>((r) => {
      const ws = new WebSocket(`${hearth.url.replace('http', 'ws')}api/events`);
      ws.on('open', () => r('open'));
      ws.on('unexpected-response', (_req, res) => r(String(res.statusCode)));
      ws.on('error', () => r('error'));
    });
    expect(wsStatus).toBe('401');

    // The browser opens the printed URL once; the token moves into an HttpOnly cookie.
    await chat.open();
    expect(page.url()).not.toContain('token=');
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await chat.waitForModels();
    await chat.ask('secured hello');
    await expect(chat.lastAnswer()).toContainText('You said: secured hello');
  });
});
