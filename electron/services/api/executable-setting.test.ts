/**
 * A setting that names a program to run is never taken from a caller of the API: not over HTTP in
 * serve, not over IPC in the desktop app. The desktop app's program comes from its native file
 * dialog (injected as chooseOllamaExecutable); serve's from --ollama-path or HEARTH_OLLAMA_PATH.
 */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppServices, AppServicesOptions } from '../app-services';
import { SettingsRepo } from '../store/settings-repo';
import { callOk, makeTempDir, openServices, removeTempDirs, sleep } from '../../../e2e/support/services';

const open: AppServices[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  removeTempDirs();
});

function services(options: Partial<AppServicesOptions> = {}): AppServices {
  const s = openServices(makeTempDir(), {
    host: 'serve',
    resourcesDir: makeTempDir(), // no shipped Ollama here
    ...options,
    env: { OLLAMA_BASE_URL: 'http://127.0.0.1:9', ...options.env },
  });
  open.push(s);
  return s;
}

/** A "program" that leaves a mark when anything runs it. */
function booby(): { program: string; mark: string } {
  const dir = makeTempDir();
  const mark = join(dir, 'it-ran');
  const program = join(dir, 'not-ollama.sh');
  writeFileSync(program, `#!/bin/sh\ntouch '${mark}'\nsleep 5\n`);
  chmodSync(program, 0o755);
  return { program, mark };
}

describe.skipIf(process.platform === 'win32')('the Ollama program setting', () => {
  it('settings.update refuses a program path from a caller, and nothing is run', async () => {
    const s = services();
    const { program, mark } = booby();
    const r = await s.router.call('settings.update', { ollamaMode: 'bundled', ollamaPath: program });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('invalid_input');
    expect((await callOk(s, 'settings.get')).ollamaPath).toBeNull();
    await s.router.call('ollama.control', { action: 'start' });
    await sleep(300);
    expect(existsSync(mark)).toBe(false);
  });

  it('serve never runs a stored program path (planted earlier, or written by a desktop app)', async () => {
    const s = services();
    const { program, mark } = booby();
    const repo = new SettingsRepo(s.db);
    repo.set('ollamaPath', program);
    repo.set('ollamaMode', 'bundled');
    expect((await callOk(s, 'settings.get')).ollamaPath).toBeNull();
    const r = await s.router.call('ollama.control', { action: 'start' });
    expect(!r.ok && r.error.code).toBe('not_found');
    await sleep(300);
    expect(existsSync(mark)).toBe(false);
  });

  it('ollama.chooseExecutable is refused outside the desktop app, saying how serve names the program', async () => {
    const s = services();
    const r = await s.router.call('ollama.chooseExecutable', {});
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('unauthorized');
    expect(!r.ok && r.error.message).toMatch(/--ollama-path/);
    expect((await callOk(s, 'settings.get')).ollamaPathChooser).toBe(false);
  });

  it('the desktop app stores the program picked in its file dialog; cancel changes nothing; null goes back', async () => {
    const picks: (string | null)[] = ['/opt/ollama/bin/ollama', null];
    const asked: (string | null)[] = [];
    const s = services({
      host: 'electron',
      chooseOllamaExecutable: async (current) => {
        asked.push(current);
        return picks.shift() ?? null;
      },
    });
    expect((await callOk(s, 'settings.get')).ollamaPathChooser).toBe(true);
    expect((await callOk(s, 'ollama.chooseExecutable')).ollamaPath).toBe('/opt/ollama/bin/ollama');
    expect(s.settings.ollamaPath()).toBe('/opt/ollama/bin/ollama');
    expect((await callOk(s, 'ollama.chooseExecutable')).ollamaPath).toBe('/opt/ollama/bin/ollama'); // cancelled
    expect(asked).toEqual([null, '/opt/ollama/bin/ollama']);
    expect((await callOk(s, 'settings.update', { ollamaPath: null })).ollamaPath).toBeNull();
    // Even the desktop's router takes no path from a caller.
    const r = await s.router.call('settings.update', { ollamaPath: '/bin/sh' });
    expect(!r.ok && r.error.code).toBe('invalid_input');
  });

  it('--ollama-path and HEARTH_OLLAMA_PATH name the program in serve, shown locked', async () => {
    const byFlag = services({ flags: { ollamaPath: '/srv/ollama' }, env: { HEARTH_OLLAMA_PATH: '/env/ollama' } });
    const v = await callOk(byFlag, 'settings.get');
    expect([v.ollamaPath, v.locked.ollamaPath]).toEqual(['/srv/ollama', 'flag']);
    const byEnv = services({ env: { HEARTH_OLLAMA_PATH: '/env/ollama' } });
    const w = await callOk(byEnv, 'settings.get');
    expect([w.ollamaPath, w.locked.ollamaPath]).toEqual(['/env/ollama', 'env']);
  });
});
