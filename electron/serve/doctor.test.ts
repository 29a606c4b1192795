import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOllama } from '../../e2e/support/fake-ollama';
import type { AppServices } from '../services/app-services';
import { fakeResources } from '../../e2e/support/processes';
import { makeTempDir, openServices, removeTempDirs } from '../../e2e/support/services';
import { runCli } from './cli';
import { formatDoctor, runDoctor } from './doctor';

const open: AppServices[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  removeTempDirs();
});

describe.skipIf(process.platform === 'win32')('hearth doctor: the Ollama runtime', () => {
  it('names the external server in use', async () => {
    const fake = await startFakeOllama();
    try {
      const s = openServices(makeTempDir(), { env: { OLLAMA_BASE_URL: fake.url } });
      open.push(s);
      const text = formatDoctor(await runDoctor(s));
      expect(text).toMatch(new RegExp(`✓ Ollama runtime\\s+mode auto: external at ${fake.url.replace(/\./g, '\\.')}`));
      expect(text).toMatch(/Bundled Ollama\s+none shipped or configured/);
    } finally {
      await fake.close();
    }
  });

  it('reports the bundled server it started, and an unavailable one with what to do', async () => {
    const dir = makeTempDir();
    const { resourcesDir, exe } = fakeResources(dir);
    const dead = await startFakeOllama();
    await dead.close();
    const s = openServices(dir, { env: { OLLAMA_BASE_URL: dead.url }, resourcesDir, ollama: { home: dir } });
    open.push(s);
    const text = formatDoctor(await runDoctor(s));
    expect(text).toMatch(
      /✓ Ollama runtime\s+mode auto: bundled at http:\/\/127\.0\.0\.1:\d+\s+— running, version 0\.9\.0-fake, pid \d+/,
    );
    expect(text).toMatch(
      /✓ Ollama\s+http:\/\/127\.0\.0\.1:\d+ \(Hearth's own server\)\s+— answers, version 0\.9\.0-fake/,
    );
    expect(text).toContain(`Bundled Ollama`);
    expect(text).toContain(exe);
    expect(text).toContain(join(dir, 'models'));

    const none = openServices(makeTempDir(), { env: { OLLAMA_BASE_URL: dead.url } });
    open.push(none);
    const lines = await runDoctor(none);
    const runtime = lines.find((l) => l.name === 'Ollama runtime')!;
    expect(runtime.ok).toBe(false);
    expect(runtime.value).toBe('mode auto: none found');
    expect(runtime.detail).toMatch(/^unavailable: No Ollama was found.*https:\/\/ollama\.com\/download/);
  });
});

describe('hearth doctor: a store that lost its file', () => {
  it('prints what was found and how to restore, exits 1 and changes nothing', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'hearth.db'), '');
    mkdirSync(join(dir, 'backups'));
    writeFileSync(join(dir, 'backups', 'hearth-v3-1800000000000.db'), 'backup bytes');
    let out = '';
    let err = '';
    const code = await runCli({
      argv: ['doctor', '--data-dir', dir],
      env: { OLLAMA_BASE_URL: 'http://127.0.0.1:9', WEBUI_SECRET_KEY: 'k' },
      cwd: makeTempDir(),
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      staticDir: makeTempDir(),
      onSignal: () => {},
    });
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain(`${join(dir, 'hearth.db')} is empty, but the newest backup is`);
    expect(err).toContain('hearth-v3-1800000000000.db (made 2027-01-15 08:00 UTC)');
    expect(err).toMatch(/Hearth changed nothing/);
    expect(err).toMatch(/To restore, quit Hearth, copy the newest backup over/);
    expect(err).not.toMatch(/\n\s+at /); // no stack trace
    expect(statSync(join(dir, 'hearth.db')).size).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['backups', 'hearth.db']);
  });
});
