/**
 * `hearth models …` as a real child process (the CLI entry run from source) against the test Ollama:
 * list, pull with progress lines, Ctrl-C then resume, rm, ps, errors and exit codes.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DISK_FULL_ERROR, startFakeOllama, type FakeOllama } from '../../e2e/support/fake-ollama';
import { makeTempDir, removeTempDirs, until } from '../../e2e/support/services';
import { formatBytes, formatDuration, progressLine } from './cli-models';
import { runCli } from './cli';

const ROOT = join(__dirname, '..', '..');
/** The CLI entry runs from source through tsx's loader (no build needed). */
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
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

interface Child {
  stdout: () => string;
  stderr: () => string;
  interrupt: () => void;
  code: Promise<number | null>;
}

function hearth(args: string[], extraEnv: Record<string, string> = {}): Child {
  let out = '';
  let err = '';
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'electron/serve/cli-entry.ts'), ...args], {
    cwd: makeTempDir(),
    env: { PATH: process.env.PATH, HOME: makeTempDir(), OLLAMA_BASE_URL: fake.url, NO_COLOR: '1', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const code = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  return { stdout: () => out, stderr: () => err, interrupt: () => child.kill('SIGINT'), code };
}

async function run(args: string[], extraEnv: Record<string, string> = {}) {
  const c = hearth(args, extraEnv);
  const code = await c.code;
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

// Each case starts a few Node processes: generous time on a busy machine.
describe('hearth models (child process)', { timeout: 60_000 }, () => {
  it('list shows installed models with capabilities and the fits hint, in the data dir given', async () => {
    fake.models[0] = { ...fake.models[0]!, capabilities: ['completion', 'tools'], contextLength: 131072 };
    const dataDir = makeTempDir();
    const r = await run(['models', 'list', '--data-dir', dataDir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+SIZE\s+PARAMS\s+QUANT\s+CONTEXT\s+CAPABILITIES\s+FITS\s+MODIFIED$/);
    expect(lines[1]).toMatch(
      /^llama3\.2:1b\s+1\.3 GB\s+1\.2B\s+Q8_0\s+131072\s+completion,tools\s+(yes|tight|no)\s+\d+ days ago$/,
    );
    expect(lines[2]).toMatch(/^qwen2\.5:0\.5b\s+398 MB\s+494\.03M\s+Q4_K_M/);
    expect(r.stdout).toMatch(/Free memory: [\d.]+ [KMGT]?B of [\d.]+ [KMGT]?B/);
    expect(existsSync(join(dataDir, 'hearth.db'))).toBe(true);
  });

  it('in auto mode with no external Ollama, list starts the bundled server, lists its models and stops it', async () => {
    const dataDir = makeTempDir();
    const stateFile = join(makeTempDir(), 'serve-state.json');
    const r = await run(['models', 'list', '--data-dir', dataDir], {
      OLLAMA_BASE_URL: 'http://127.0.0.1:9', // nothing listens on the discard port
      HEARTH_OLLAMA_PATH: join(ROOT, 'e2e/support/fake-ollama-serve.mjs'),
      FAKE_OLLAMA_SERVE_MODELS: 'phi3:mini',
      FAKE_OLLAMA_SERVE_STATE_FILE: stateFile,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^phi3:mini\s/m);
    const { pid } = JSON.parse(readFileSync(stateFile, 'utf8')) as { pid: number };
    expect(() => process.kill(pid, 0)).toThrow(); // the bundled server is gone with the command
    expect(existsSync(join(dataDir, 'ollama.pid'))).toBe(false);
  });

  it('pull prints progress lines (not a TTY), ends with the size, and the model is then listed', async () => {
    fake.behavior.pullSteps = 10;
    fake.behavior.pullDelayMs = 40;
    const dataDir = makeTempDir();
    const r = await run(['models', 'pull', 'mistral:7b', '--data-dir', dataDir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Pulled mistral:7b \(2\.0 GB, 0:0\d\)\.\n$/);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('mistral:7b: pulling manifest');
    expect(lines.slice(-2)).toEqual(['mistral:7b: verifying sha256 digest', 'mistral:7b: writing manifest']);
    const bars = lines.filter((l) => l.includes('%'));
    expect(bars.length).toBeGreaterThanOrEqual(3);
    expect(bars.some((l) => /\] 99%\s+2\.0 GB \/ 2\.0 GB/.test(l))).toBe(true);
    // The bar never steps back when the small layers after the big one are announced.
    const pcts = bars.map((l) => Number(/\] (\d+)%/.exec(l)![1]));
    expect(pcts).toEqual([...pcts].sort((a, b) => a - b));
    expect(bars.some((l) => /\d+(\.\d)? [KMG]?B\/s\s+ETA \d+:\d\d$/.test(l))).toBe(true);
    expect(r.stderr).not.toContain('\r');
    expect((await run(['models', 'list', '--data-dir', dataDir])).stdout).toMatch(/^mistral:7b\s+2\.0 GB/m);
  });

  it('Ctrl-C cancels the pull with exit 130; the same command resumes from the bytes kept', async () => {
    fake.behavior.pullSteps = 50;
    fake.behavior.pullDelayMs = 40;
    const dataDir = makeTempDir();
    const c = hearth(['models', 'pull', 'gemma3:4b', '--data-dir', dataDir]);
    await until(() => /\] [1-9]\d*%/.test(c.stderr()), 15_000, 'some progress');
    c.interrupt();
    expect(await c.code).toBe(130);
    expect(c.stderr()).toMatch(
      /Stopped pulling gemma3:4b \([\d.]+ [KMG]B kept\)\. Run the same command again to resume\.\n$/,
    );
    expect(c.stdout()).toBe('');
    const kept = Math.max(...fake.blobs.values());
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(2_019_393_189);

    fake.behavior.pullDelayMs = 5;
    const again = await run(['models', 'pull', 'gemma3:4b', '--data-dir', dataDir]);
    expect(again.code).toBe(0);
    const first = again.stderr.split('\n').find((l) => l.includes('%'))!;
    const pct = Number(/\] (\d+)%/.exec(first)![1]);
    expect(pct).toBe(Math.floor((kept / 2_019_393_189) * 100));
    expect(pct).toBeGreaterThan(0);
    expect(fake.pulls).toHaveLength(2);
  });

  it('failures exit 1 with the plain-words message', async () => {
    const unknown = await run(['models', 'pull', 'nosuch-model']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /^hearth: Ollama has no model called "nosuch-model"; check the name on ollama\.com\/library/m,
    );

    fake.behavior.pullErrorAfterLines = 2;
    fake.behavior.pullErrorMessage = DISK_FULL_ERROR;
    const full = await run(['models', 'pull', 'llama3.3:70b']);
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(/^hearth: The disk is full: Ollama at .* could not save "llama3\.3:70b"/m);

    const rm = await run(['models', 'rm', 'nope:1b']);
    expect(rm.code).toBe(1);
    expect(rm.stderr).toMatch(
      /^hearth: Ollama at .* has no model called "nope:1b", so there was nothing to delete\.\n$/,
    );
  });

  it('rm deletes, ps lists what is loaded; --help and usage errors', async () => {
    const rm = await run(['models', 'rm', 'ollama/qwen2.5:0.5b']);
    expect(rm).toMatchObject({ code: 0, stdout: 'Deleted ollama/qwen2.5:0.5b.\n' });
    expect(fake.models.map((m) => m.name)).toEqual(['llama3.2:1b']);

    fake.loaded.push({ name: 'llama3.2:1b', expiresAt: null, contextLength: 8192 });
    const ps = await run(['models', 'ps']);
    expect(ps.code).toBe(0);
    expect(ps.stdout).toMatch(
      /^NAME\s+SIZE\s+GPU\s+CONTEXT\s+UNTIL\nllama3\.2:1b\s+1\.7 GB\s+100%\s+8192\s+kept loaded\n$/,
    );

    const help = await run(['models', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: hearth models <command>');
    expect(help.stdout).toContain('pull NAME');
    const bad = await run(['models', 'frob']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^hearth: Unknown models command "frob"/);
  });
});

describe('hearth models pull on a terminal', () => {
  it('redraws one line with a bar, speed and ETA, then clears it', async () => {
    fake.behavior.pullSteps = 8;
    let err = '';
    let out = '';
    const code = await runCli({
      argv: ['models', 'pull', 'phi4', '--data-dir', makeTempDir()],
      env: { OLLAMA_BASE_URL: fake.url },
      cwd: makeTempDir(),
      stdout: { write: (s: string) => (out += s) },
      stderr: Object.assign({ write: (s: string) => (err += s) }, { isTTY: true, columns: 100 }),
      staticDir: makeTempDir(),
      onSignal: () => {},
    });
    expect(code).toBe(0);
    expect(err).not.toContain('\n');
    const frames = err.split('\r\x1b[2K').filter(Boolean);
    expect(frames[0]).toBe('phi4: pulling manifest…');
    expect(frames.some((f) => /^phi4 \[#+\.*\] \d+% {2}/.test(f))).toBe(true);
    expect(frames.every((f) => f.length <= 99)).toBe(true);
    expect(out).toMatch(/^Pulled phi4 \(2\.0 GB, /);
  });

  it('says how to start Ollama when nothing answers (exit 1)', async () => {
    let err = '';
    const code = await runCli({
      argv: ['models', 'list', '--data-dir', makeTempDir(), '--ollama-base-url', 'http://127.0.0.1:9'],
      env: {},
      cwd: makeTempDir(),
      stdout: { write: () => true },
      stderr: { write: (s: string) => (err += s) },
      staticDir: makeTempDir(),
      onSignal: () => {},
    });
    expect(code).toBe(1);
    expect(err).toContain(
      'hearth: Can\'t reach Ollama at http://127.0.0.1:9. Is it running? Start it with "ollama serve"',
    );
  });

  it('formats bytes, durations and the bar', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(2_019_393_189)).toBe('2.0 GB');
    expect(formatBytes(34_500_000)).toBe('35 MB');
    expect(formatDuration(83)).toBe('1:23');
    expect(formatDuration(3725)).toBe('1:02:05');
    const line = progressLine(
      'llama3.2',
      {
        model: 'llama3.2',
        status: 'pulling abc',
        done: false,
        overallCompleted: 500,
        overallTotal: 1000,
        bytesPerSec: 100,
        etaSec: 5,
      },
      80,
    );
    expect(line).toBe('llama3.2 [##############..............] 50%  500 B / 1.0 KB  100 B/s  ETA 0:05');
    const full = progressLine(
      'x',
      {
        model: 'x',
        status: 'pulling abc',
        done: false,
        overallCompleted: 1000,
        overallTotal: 1000,
        bytesPerSec: 100,
        etaSec: 0,
      },
      80,
    );
    expect(full).toMatch(/\] 99% {2}1\.0 KB \/ 1\.0 KB {2}100 B\/s$/);
  });
});
