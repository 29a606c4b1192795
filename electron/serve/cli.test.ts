import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeOllama } from '../../e2e/support/fake-ollama';
import type { HearthExport } from '../services/chats/importers/hearth-json';
import { LATEST_SCHEMA_VERSION } from '../services/store/migrations';
import { makeTempDir, removeTempDirs, until } from '../../e2e/support/services';
import { runCli } from './cli';

let fake: FakeOllama;

beforeAll(async () => {
  fake = await startFakeOllama();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.reset();
  removeTempDirs();
});

interface Run {
  code: Promise<number>;
  stdout: () => string;
  stderr: () => string;
  signal: () => (() => void) | null;
}

function start(argv: string[], env: Record<string, string | undefined> = {}): Run {
  let out = '';
  let err = '';
  let handler: (() => void) | null = null;
  const code = runCli({
    argv,
    env: { OLLAMA_BASE_URL: fake.url, ...env },
    cwd: makeTempDir(), // no .env there
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    staticDir: makeTempDir(),
    onSignal: (h) => {
      handler = h;
    },
  });
  return { code, stdout: () => out, stderr: () => err, signal: () => handler };
}

async function run(argv: string[], env: Record<string, string | undefined> = {}) {
  const r = start(argv, env);
  const code = await r.code;
  return { code, stdout: r.stdout(), stderr: r.stderr() };
}

async function exportOf(dataDir: string): Promise<HearthExport> {
  const r = await run(['export', '--data-dir', dataDir]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as HearthExport;
}

async function closedPortUrl(): Promise<string> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return `http://127.0.0.1:${port}`;
}

describe('hearth chat', () => {
  it('streams the answer to stdout, exits 0 and saves the chat', async () => {
    const dataDir = makeTempDir();
    const reply = 'A hearth is the floor of a fireplace, and the heart of a home.';
    fake.behavior.reply = () => reply;
    const r = await run(['chat', '--model', 'llama3.2:1b', 'what is a hearth?'], { HEARTH_DATA_DIR: dataDir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(reply + '\n');
    expect(fake.requests[0]).toMatchObject({
      model: 'llama3.2:1b',
      messages: [{ role: 'user', content: 'what is a hearth?' }],
    });

    const saved = await exportOf(dataDir);
    expect(saved.chats).toHaveLength(1);
    expect(saved.chats[0]!.model).toBe('ollama/llama3.2:1b');
    expect(saved.chats[0]!.messages.map((m) => [m.role, m.content, m.status])).toEqual([
      ['user', 'what is a hearth?', 'done'],
      ['assistant', reply, 'done'],
    ]);

    // --chat continues it, with the history.
    const more = await run([
      'chat',
      '--data-dir',
      dataDir,
      '--chat',
      saved.chats[0]!.id,
      '-m',
      'llama3.2:1b',
      'and',
      'a',
      'chimney?',
    ]);
    expect(more.code).toBe(0);
    expect(fake.requests[1]!.messages?.map((m) => m.content)).toEqual(['what is a hearth?', reply, 'and a chimney?']);
    expect((await exportOf(dataDir)).chats[0]!.messages).toHaveLength(4);
  });

  it('exits 1 with a clear message for a model that is not installed', async () => {
    const r = await run(['chat', '--data-dir', makeTempDir(), '--model', 'nosuch:7b', 'hi']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^hearth: Model "nosuch:7b" is not installed/);
    expect(r.stderr).toContain('ollama pull nosuch:7b');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('exits 1 naming the address when Ollama does not answer', async () => {
    const url = await closedPortUrl();
    const r = await run(['chat', '--data-dir', makeTempDir(), '--model', 'llama3.2:1b', 'hi'], {
      OLLAMA_BASE_URL: url,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Can't reach Ollama at ${url}`);
  });

  it('stops on Ctrl-C, keeps the partial answer and exits 130', async () => {
    const dataDir = makeTempDir();
    const reply = Array.from({ length: 80 }, (_, i) => `w${i}`).join(' ');
    fake.behavior.reply = () => reply;
    fake.behavior.tokenDelayMs = 15;
    const r = start(['chat', '--data-dir', dataDir, '--model', 'llama3.2:1b', 'go on']);
    const interrupt = await until(() => (r.stdout().length > 0 ? r.signal() : null), 5000, 'streaming to start');
    interrupt();
    expect(await r.code).toBe(130);
    const partial = r.stdout().trimEnd();
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(reply.length);
    const answer = (await exportOf(dataDir)).chats[0]!.messages[1]!;
    expect(answer.status).toBe('stopped');
    expect(reply.startsWith(answer.content)).toBe(true);
    expect(answer.content.startsWith(partial)).toBe(true);
  });
});

describe('hearth usage errors', () => {
  it('exits 2 with the usage for an unknown command', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown command "frobnicate"');
    expect(r.stderr).toContain('Usage: hearth <command>');
  });

  it('prints usage: exit 2 without a command, 0 when asked for help', async () => {
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('Usage: hearth');
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: hearth');
  });

  it('exits 2 when chat has no --model, no prompt, or an unknown option, without touching any data dir', async () => {
    const dataDir = join(makeTempDir(), 'never-created');
    const noModel = await run(['chat', '--data-dir', dataDir, 'hi']);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toContain('chat needs --model');
    const noPrompt = await run(['chat', '--data-dir', dataDir, '--model', 'llama3.2:1b']);
    expect(noPrompt.code).toBe(2);
    expect(noPrompt.stderr).toContain('chat needs a prompt');
    const badFlag = await run(['chat', '--data-dir', dataDir, '--modle', 'x', 'hi']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('--modle');
    expect(existsSync(dataDir)).toBe(false);
    expect(fake.requests).toHaveLength(0);
  });

  it('exits 2 for an unknown provider, listing the configured ones', async () => {
    const r = await run(['chat', '--data-dir', makeTempDir(), '--provider', 'anthropic', '--model', 'x', 'hi']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown provider "anthropic". Configured: ollama.');
  });
});

describe('hearth doctor', () => {
  it('exits 0 when Ollama answers, naming the data dir and the schema version', async () => {
    const dataDir = makeTempDir();
    const r = await run(['doctor', '--data-dir', dataDir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(dataDir);
    expect(r.stdout).toContain(`version ${LATEST_SCHEMA_VERSION}`);
    expect(r.stdout).toMatch(new RegExp(`✓ Ollama\\s+${fake.url.replace(/[.]/g, '\\.')} \\(from environment\\)`));
  });

  it('exits 1 when Ollama does not answer, and says where it looked', async () => {
    const url = await closedPortUrl();
    const dataDir = makeTempDir();
    const r = await run(['doctor'], { HEARTH_DATA_DIR: dataDir, OLLAMA_BASE_URL: url });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(dataDir);
    expect(r.stdout).toMatch(/✗ Ollama/);
    expect(r.stdout).toContain(url);
  });
  it('shows the GPU choice from OLLAMA_GPU_DRIVER / OLLAMA_GPU_COUNT only when one is set', async () => {
    const plain = await run(['doctor', '--data-dir', makeTempDir()]);
    expect(plain.stdout).not.toContain('Ollama GPU');
    const gpu = await run(['doctor', '--data-dir', makeTempDir()], {
      OLLAMA_GPU_DRIVER: 'rocm',
      OLLAMA_GPU_COUNT: '2',
    });
    expect(gpu.stdout).toMatch(/Ollama GPU\s+rocm, 2 GPU\(s\)/);
  });
});

describe('hearth export / import', () => {
  it('moves chats to another data dir through a file, and skips them the second time', async () => {
    const from = makeTempDir();
    const to = makeTempDir();
    expect((await run(['chat', '--data-dir', from, '--model', 'qwen2.5:0.5b', 'first'])).code).toBe(0);
    expect((await run(['chat', '--data-dir', from, '--model', 'qwen2.5:0.5b', 'second'])).code).toBe(0);

    const file = join(makeTempDir(), 'chats.json');
    const exp = await run(['export', '--data-dir', from, '--out', file]);
    expect(exp.code).toBe(0);
    expect(exp.stderr).toContain(`Exported 2 chat(s) to ${file}`);
    const written = JSON.parse(readFileSync(file, 'utf8')) as HearthExport;
    expect(written.chats).toHaveLength(2);

    const imp = await run(['import', '--data-dir', to, file]);
    expect(imp.code).toBe(0);
    expect(imp.stdout).toContain('Imported 2 chat(s) and 4 message(s)');
    expect((await exportOf(to)).chats).toEqual(written.chats);

    const again = await run(['import', '--data-dir', to, file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Imported 0 chat(s) and 0 message(s)');
    expect(again.stdout).toContain('Skipped 2:');
    expect((await exportOf(to)).chats).toHaveLength(2);
  });

  it('exits 1 with a clear message when the file is missing or is not an export', async () => {
    const missing = join(makeTempDir(), 'nope.json');
    const r = await run(['import', '--data-dir', makeTempDir(), missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`hearth: Cannot read ${missing}: ENOENT\n`);

    const notExport = join(makeTempDir(), 'package.json');
    writeFileSync(notExport, '{"name":"something else"}');
    const bad = await run(['import', '--data-dir', makeTempDir(), notExport]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not a Hearth export');
  });

  it('exits 2 when import is given no file', async () => {
    const r = await run(['import', '--data-dir', makeTempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('import needs a file');
  });
});

describe('hearth backup and hearth restore', () => {
  it('back up to a file, lose the data, restore it from the CLI; a damaged file is refused and changes nothing', async () => {
    const dir = makeTempDir();
    expect((await run(['chat', '--data-dir', dir, '--model', 'qwen2.5:0.5b', 'remember this'])).code).toBe(0);
    const file = join(makeTempDir(), 'mine.tar.gz');
    const b = await run(['backup', '--data-dir', dir, '--out', file]);
    expect(b.code).toBe(0);
    expect(b.stderr).toMatch(
      new RegExp(
        `^Backed up 1 chat\\(s\\), 2 message\\(s\\), 0 attachment\\(s\\), 0 image\\(s\\) to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
      ),
    );
    expect(existsSync(file)).toBe(true);

    // The app will not start: its database is gone and the log holds nothing.
    writeFileSync(join(dir, 'hearth.db'), '');
    const damaged = join(makeTempDir(), 'damaged.tar.gz');
    writeFileSync(damaged, readFileSync(file).subarray(0, 300));
    const refused = await run(['restore', '--data-dir', dir, damaged]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Not restored: .*Nothing in .* was changed\./);
    expect(readFileSync(join(dir, 'hearth.db')).length).toBe(0);

    const r = await run(['restore', '--data-dir', dir, file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Restored the backup of .*: 1 chat\(s\), 2 message\(s\)/);
    expect(r.stderr).toMatch(/The data that was there is kept in .*before-restore-/);
    const exported = await exportOf(dir);
    expect(exported.chats).toHaveLength(1);
    expect(JSON.stringify(exported.chats[0])).toContain('remember this');
  });

  it('serve restores in place: the same WebSocket hears data.restored and the API answers from the restored data', async () => {
    const dir = makeTempDir();
    const r = start(['serve', '--port', '0', '--data-dir', dir]);
    await until(() => /serving at (http:\/\/\S+)/.test(r.stdout()), 10_000);
    const base = /serving at (http:\/\/[^/\s]+)/.exec(r.stdout())![1]!;
    const call = async (method: string, input: unknown = {}) => {
      const res = await fetch(`${base}/api/call/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
      return (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
    };
    const chat = (await call('chats.create', { model: 'ollama/qwen2.5:0.5b' })).value as { id: string };
    await call('chats.rename', { id: chat.id, title: 'Before the backup' });
    const backup = (await call('backups.create')).value as { name: string };
    await call('chats.delete', { id: chat.id });
    expect(((await call('chats.list', {})).value as { chats: unknown[] }).chats).toHaveLength(0);

    const { default: WebSocket } = await import('ws');
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/events`);
    await new Promise((res, rej) => (ws.once('open', res), ws.once('error', rej)));
    const restored = new Promise<{ movedAside: string }>((res) =>
      ws.on('message', (data) => {
        const e = JSON.parse(String(data)) as { event: string; payload: { movedAside: string } };
        if (e.event === 'data.restored') res(e.payload);
      }),
    );
    const reply = await call('backups.restore', { name: backup.name });
    expect(reply.ok).toBe(true);
    expect((await restored).movedAside).toBe((reply.value as { movedAside: string }).movedAside);
    const chats = ((await call('chats.list', {})).value as { chats: { title: string }[] }).chats;
    expect(chats.map((c) => c.title)).toEqual(['Before the backup']);
    expect(r.stderr()).toContain('Restored a backup; the data that was there is kept in');
    ws.close();
    r.signal()!();
    expect(await r.code).toBe(0);
  });

  it('exits 2 when restore is given no file', async () => {
    const r = await run(['restore', '--data-dir', makeTempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('restore needs a backup archive');
  });
});

/**
 * `hearth … | head`: the CLI entry as a real child process (run from source through tsx's loader)
 * whose stdout is a pipe the parent closes early, as `head -c 100` does.
 */
describe('hearth … | head (the reader goes away)', { timeout: 60_000 }, () => {
  const ROOT = join(__dirname, '..', '..');
  const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

  /** Runs the CLI; `closeAfter` bytes of stdout are read, then the pipe is closed (0: closed at once). */
  function piped(args: string[], closeAfter: number, env: Record<string, string> = {}) {
    const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'electron/serve/cli-entry.ts'), ...args], {
      cwd: makeTempDir(),
      env: { PATH: process.env.PATH, HOME: makeTempDir(), OLLAMA_BASE_URL: fake.url, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let read = 0;
    let stderr = '';
    if (closeAfter === 0) child.stdout.destroy();
    else
      child.stdout.on('data', (d: Buffer) => {
        read += d.length;
        if (read >= closeAfter) child.stdout.destroy();
      });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal, stderr })),
    );
  }

  it('export: exits 0 with nothing on stderr (no EPIPE error, no stack trace)', async () => {
    const dataDir = makeTempDir();
    const t = 1_700_000_000_000;
    const big = 'x'.repeat(100_000);
    const file = join(makeTempDir(), 'big.json');
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
    expect((await run(['import', '--data-dir', dataDir, file])).code).toBe(0);
    const r = await piped(['export', '--data-dir', dataDir], 100);
    expect(r.stderr).toBe('');
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
  });

  it('chat: the answer is stopped and saved as stopped, exit 0, nothing on stderr', async () => {
    const dataDir = makeTempDir();
    const reply = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');
    fake.behavior.reply = () => reply;
    fake.behavior.tokenDelayMs = 15;
    const r = await piped(['chat', '--data-dir', dataDir, '--model', 'llama3.2:1b', 'go on'], 1);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const answer = (await exportOf(dataDir)).chats[0]!.messages[1]!;
    expect(answer.status).toBe('stopped'); // not left 'streaming' by a process that just exited
    expect(reply.startsWith(answer.content)).toBe(true);
  });

  it('models list with the bundled Ollama: the server Hearth started is stopped too', async () => {
    const dataDir = makeTempDir();
    const stateFile = join(makeTempDir(), 'serve-state.json');
    const r = await piped(['models', 'list', '--data-dir', dataDir], 0, {
      OLLAMA_BASE_URL: 'http://127.0.0.1:9', // nothing listens on the discard port
      HEARTH_OLLAMA_PATH: join(ROOT, 'e2e/support/fake-ollama-serve.mjs'),
      FAKE_OLLAMA_SERVE_MODELS: 'phi3:mini',
      FAKE_OLLAMA_SERVE_STATE_FILE: stateFile,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { pid } = JSON.parse(readFileSync(stateFile, 'utf8')) as { pid: number };
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (alive) process.kill(-pid, 'SIGKILL'); // do not leave it behind for the next test
    expect(alive).toBe(false);
    expect(existsSync(join(dataDir, 'ollama.pid'))).toBe(false);
  });
});
