/** The choice of the primary Ollama server, as a table of inputs and outcomes; the executable lookup on disk. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OllamaMode } from '../../../shared/types/domain';
import {
  chooseServer,
  configKey,
  findOllamaExecutable,
  INSTALL_HINT,
  noExecutableText,
  primaryKey,
  type OllamaConfig,
  type ProbeResult,
} from './server-selection';

const dirs: string[] = [];
const makeTempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'hearth-select-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const URL_ = 'http://127.0.0.1:11434';
const up: ProbeResult = { ok: true, version: '0.12.6' };
const upNoVersion: ProbeResult = { ok: true, version: null };
const down: ProbeResult = { ok: false, error: 'connection refused' };

describe('chooseServer', () => {
  const table: [OllamaMode, ProbeResult | undefined, boolean, string, Record<string, unknown>][] = [
    // mode, probe, bundled available → use, and what else the choice carries
    ['external', undefined, true, 'external', { url: URL_ }],
    ['external', undefined, false, 'external', { url: URL_ }],
    ['external', down, true, 'external', { url: URL_ }],
    ['bundled', undefined, true, 'bundled', {}],
    ['bundled', undefined, false, 'bundled', {}],
    ['bundled', up, true, 'bundled', {}],
    ['auto', undefined, true, 'probe', { url: URL_ }],
    ['auto', undefined, false, 'probe', { url: URL_ }],
    ['auto', up, true, 'external', { url: URL_, version: '0.12.6' }],
    ['auto', upNoVersion, false, 'external', { url: URL_, version: null }],
    ['auto', down, true, 'bundled', {}],
    ['auto', down, false, 'none', {}],
  ];
  it.each(table)('%s mode, probe %j, bundled available %s → %s', (mode, probe, bundledAvailable, use, extra) => {
    const c = chooseServer({ mode, url: URL_, bundledAvailable, probe });
    expect(c.use).toBe(use);
    expect(c).toMatchObject(extra);
    expect(c.why).toBeTruthy();
  });

  it('says in plain words why nothing can be used, and how to get an Ollama', () => {
    const c = chooseServer({ mode: 'auto', url: URL_, bundledAvailable: false, probe: down });
    expect(c.use === 'none' && c.error).toBe(
      `No Ollama was found: nothing answers at ${URL_} (connection refused) and Hearth has no Ollama of its own on this computer. ${INSTALL_HINT}`,
    );
    expect(c.why).toContain('connection refused');
  });

  it('external mode leaves the version unknown (the server is checked when it is used), even after a probe', () => {
    expect(chooseServer({ mode: 'external', url: URL_, bundledAvailable: true })).not.toHaveProperty('version');
    expect(chooseServer({ mode: 'external', url: URL_, bundledAvailable: true, probe: up })).not.toHaveProperty(
      'version',
    );
  });

  it('names why the bundled server was taken in auto mode', () => {
    const c = chooseServer({ mode: 'auto', url: URL_, bundledAvailable: true, probe: down });
    expect(c.why).toBe(`auto: nothing answers at ${URL_} (connection refused)`);
  });
});

describe('findOllamaExecutable', () => {
  it('takes a configured path, available only when it exists', () => {
    const dir = makeTempDir();
    const exe = join(dir, 'ollama');
    expect(findOllamaExecutable(exe, undefined)).toEqual({ path: exe, available: false });
    writeFileSync(exe, '');
    expect(findOllamaExecutable(exe, dir)).toEqual({ path: exe, available: true });
  });

  it('else the one shipped in resources for the platform and architecture', () => {
    const res = makeTempDir();
    expect(findOllamaExecutable(null, res, 'linux', 'x64')).toEqual({ path: null, available: false });
    expect(findOllamaExecutable(null, undefined, 'linux', 'x64')).toEqual({ path: null, available: false });
    mkdirSync(join(res, 'ollama', 'linux-x64'), { recursive: true });
    const exe = join(res, 'ollama', 'linux-x64', 'ollama');
    writeFileSync(exe, '');
    chmodSync(exe, 0o755);
    expect(findOllamaExecutable(null, res, 'linux', 'x64')).toEqual({ path: exe, available: true });
    expect(findOllamaExecutable(null, res, 'linux', 'arm64').available).toBe(false);
    mkdirSync(join(res, 'ollama', 'win32-x64'), { recursive: true });
    writeFileSync(join(res, 'ollama', 'win32-x64', 'ollama.exe'), '');
    expect(findOllamaExecutable(null, res, 'win32', 'x64').path).toBe(join(res, 'ollama', 'win32-x64', 'ollama.exe'));
  });
});

describe('noExecutableText', () => {
  it('names the setting that points nowhere, or says none ships with this copy', () => {
    expect(noExecutableText('/no/ollama', 'HEARTH_OLLAMA_PATH')).toMatch(
      /^The Ollama executable set in HEARTH_OLLAMA_PATH \(\/no\/ollama\) does not exist\. Correct the path, or install Ollama from https:\/\/ollama\.com\/download/,
    );
    expect(noExecutableText('/no/ollama', 'Settings')).toContain('set in Settings (/no/ollama)');
    expect(noExecutableText(null, 'Settings')).toBe(`This copy of Hearth has no Ollama of its own. ${INSTALL_HINT}`);
  });
});

describe('configuration keys', () => {
  const base: OllamaConfig = { mode: 'auto', url: URL_, path: null, modelsDir: null, servers: [] };
  it('the primary key ignores the extra servers; the whole key does not', () => {
    const more = { ...base, servers: [{ id: 'ollama-gpu', label: 'GPU', baseUrl: 'http://gpu:11434' }] };
    expect(primaryKey(more)).toBe(primaryKey(base));
    expect(configKey(more)).not.toBe(configKey(base));
  });
  it.each([{ mode: 'bundled' as const }, { url: 'http://other:11434' }, { path: '/x/ollama' }, { modelsDir: '/m' }])(
    'both change with %j',
    (patch) => {
      expect(primaryKey({ ...base, ...patch })).not.toBe(primaryKey(base));
      expect(configKey({ ...base, ...patch })).not.toBe(configKey(base));
    },
  );
});
