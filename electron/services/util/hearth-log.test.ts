/**
 * Hearth's own log, as a user (or someone they send it to) would read it: <data>/logs/hearth.log,
 * its level from HEARTH_LOG_LEVEL, request ids that match what the user was shown, and no secrets
 * or message text in it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeOllama } from '../../../e2e/support/fake-ollama';
import { callOk, makeTempDir, openServices, recordEvents, removeTempDirs } from '../../../e2e/support/services';
import type { AppServices } from '../app-services';
import { runCli } from '../../serve/cli';
import { formatDoctor, runDoctor } from '../../serve/doctor';
import { createFileLogger, redact } from './logger';

let fake: FakeOllama;
const open: AppServices[] = [];
beforeAll(async () => {
  fake = await startFakeOllama();
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  removeTempDirs();
});

function services(env: Record<string, string> = {}): AppServices {
  const s = openServices(makeTempDir(), { env: { OLLAMA_BASE_URL: fake.url, ...env } });
  open.push(s);
  return s;
}

const entries = (s: AppServices) =>
  (existsSync(s.logFile) ? readFileSync(s.logFile, 'utf8') : '')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { level: string; msg: string; requestId?: string; err?: { stack?: string } });

describe('hearth.log', () => {
  it('is written under <data>/logs, owner-only, one JSON line per entry', async () => {
    const s = services();
    expect(s.logFile).toBe(join(s.info().dataDir, 'logs', 'hearth.log'));
    expect(statSync(s.logFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(s.info().dataDir, 'logs')).mode & 0o777).toBe(0o700);
    expect(entries(s)[0]).toMatchObject({ level: 'info', msg: expect.stringContaining('starting (cli)') });
  });

  it('takes its level from HEARTH_LOG_LEVEL, and says so when the value is not a level', async () => {
    const quiet = services({ HEARTH_LOG_LEVEL: 'warn' });
    expect(entries(quiet).filter((e) => e.level === 'info')).toEqual([]);
    const chatty = services({ HEARTH_LOG_LEVEL: 'debug' });
    await callOk(chatty, 'chats.list', { limit: 5 });
    expect(entries(chatty).some((e) => e.level === 'debug' && e.msg.includes('chats.list'))).toBe(true);
    const wrong = services({ HEARTH_LOG_LEVEL: 'verbose' });
    expect(entries(wrong)[0]).toMatchObject({
      level: 'warn',
      msg: expect.stringContaining('HEARTH_LOG_LEVEL="verbose"'),
    });
    expect(entries(wrong).some((e) => e.level === 'info')).toBe(true);
  });

  it('an error the user is told is "in the log" is there, with the same request id and its stack', async () => {
    const s = services();
    s.db.close(); // every query now fails inside Hearth
    const r = await s.router.call('chats.list', {});
    expect(r.ok).toBe(false);
    const requestId = !r.ok && r.error.requestId;
    expect(requestId).toMatch(/^[a-z0-9]{8}$/);
    expect(!r.ok && r.error.message).toContain(`request ${requestId}`);
    const entry = entries(s).find((e) => e.requestId === requestId);
    expect(entry).toMatchObject({ level: 'error', msg: 'chats.list failed' });
    expect(entry!.err!.stack).toMatch(/database connection is not open/);
  });

  it('holds no API key, token or password, and no message text at info', async () => {
    const s = services({ OPENAI_API_BASE_URL: 'http://127.0.0.1:9/v1' });
    await callOk(s, 'settings.update', { openaiApiKey: 'sk-proj-verysecretkey1234567890' });
    await callOk(s, 'sync.configure', { url: 'postgresql://alice:hunter2pass@127.0.0.1:9/db', enabled: true });
    await s.router.call('sync.now', {}); // fails (nothing listens): its error is logged
    const rec = recordEvents(s);
    const sent = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: 'my private diary entry' });
    await rec.done(sent.assistantMessage.id);
    await s.router.call('messages.send', { model: 'openai/gpt-4o', content: 'another private line' }); // 127.0.0.1:9: fails
    // Structured data with secrets and text, as a careless caller might log it.
    const log = createFileLogger(s.logFile, 'info');
    log.info('careless', {
      apiKey: 'sk-another-secret-123456',
      request: { content: 'private words', token: 'tok123' },
    });
    log.warn('url in text postgresql://bob:pa55word@db.example/x and Bearer abc.def.ghi');
    log.close();
    const text = readFileSync(s.logFile, 'utf8');
    expect(text.length).toBeGreaterThan(200);
    for (const secret of ['verysecretkey', 'hunter2pass', 'another-secret', 'tok123', 'pa55word', 'abc.def.ghi']) {
      expect(text).not.toContain(secret);
    }
    for (const words of ['private diary', 'another private line', 'private words']) expect(text).not.toContain(words);
    expect(text).toContain('sync failed');
  });

  it('hearth doctor prints where the log is', async () => {
    const s = services();
    const text = formatDoctor(await runDoctor(s));
    expect(text).toMatch(new RegExp(`Log\\s+${s.logFile.replace(/[.\\/]/g, '\\$&')} \\(\\d+ KB\\)`));
    let out = '';
    const dir = makeTempDir();
    await runCli({
      argv: ['doctor', '--data-dir', dir],
      env: { OLLAMA_BASE_URL: fake.url },
      cwd: makeTempDir(),
      stdout: { write: (x: string) => (out += x) },
      stderr: { write: () => {} },
      staticDir: makeTempDir(),
      onSignal: () => {},
    });
    expect(out).toContain(join(dir, 'logs', 'hearth.log'));
  });

  it('redact scrubs keys, bearer tokens, token parameters and URL passwords from free text', () => {
    expect(redact('key sk-abcdef1234567890 Bearer x.y.z https://h/?token=t0k&a=1 postgres://u:p4ss@h/db')).toBe(
      'key sk-abcdef… Bearer … https://h/?token=…&a=1 postgres://u:•••@h/db',
    );
  });
});
