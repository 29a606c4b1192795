/**
 * Desktop settings and the quick prompt's chats, through the router as the renderer calls them:
 * serve (no shell) and a desktop shell stood in for by a recording DesktopHost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { UpdaterState } from '../../../shared/desktop/updater-state';
import type { DesktopSettings } from '../../../shared/types/desktop';
import { callOk, makeTempDir, openServices, recordEvents, removeTempDirs } from '../../../e2e/support/services';
import { uuidv7 } from '../../../shared/uuidv7';
import type { AppServices, AppServicesOptions } from '../app-services';
import type { DesktopHost } from './desktop-host';

const open: AppServices[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  removeTempDirs();
});

// Nothing listens there: the services start without an Ollama.
const env = { OLLAMA_BASE_URL: 'http://127.0.0.1:9' };

function services(dir = makeTempDir(), o: Partial<AppServicesOptions> = {}): AppServices {
  const s = openServices(dir, { host: 'serve', env, ...o });
  open.push(s);
  return s;
}

async function closeOne(s: AppServices) {
  await s.close();
  open.splice(open.indexOf(s), 1);
}

/** A desktop shell that records what it is asked to do; `taken` shortcuts are refused like another app's. */
function fakeHost(taken: string[] = []) {
  const calls: string[] = [];
  let registered: string | null = null;
  let applied: DesktopSettings | null = null;
  let updaterListener: ((s: UpdaterState) => void) | null = null;
  let updater: UpdaterState = { status: 'idle', lastCheckedAt: null };
  const host: DesktopHost = {
    platform: 'linux',
    registerShortcut(a) {
      calls.push(`register ${a}`);
      if (a && taken.includes(a)) {
        registered = null; // the old one was unregistered first, as the shell does
        return false;
      }
      registered = a;
      return true;
    },
    apply(settings) {
      applied = settings;
    },
    readClipboard: () => ({ kind: 'text', text: 'copied words' }),
    hideQuickPrompt: () => calls.push('hide'),
    showMain: () => calls.push('show main'),
    updater: {
      state: () => updater,
      async check() {
        updater = { status: 'available', version: '9.9.9', notes: 'Faster.' };
        updaterListener?.(updater);
        return updater;
      },
      download: async () => updater,
      install: () => updater,
      onChange: (l) => {
        updaterListener = l;
      },
    },
  };
  return { host, calls, registered: () => registered, applied: () => applied };
}

describe('desktop settings in serve', () => {
  it('have their defaults, are kept across restarts, and the shell-only calls say they need the desktop app', async () => {
    const dir = makeTempDir();
    let s = services(dir);
    const view = await callOk(s, 'desktop.get');
    expect(view).toMatchObject({ desktop: false, shortcut: null, updates: null });
    expect(view.settings).toMatchObject({
      quickPromptShortcut: 'Alt+Space',
      saveQuickPrompts: true,
      closeToTray: true,
    });
    await callOk(s, 'desktop.update', { saveQuickPrompts: false, quickPromptModel: 'ollama/phi3:mini' });
    await closeOne(s);
    s = services(dir);
    expect((await callOk(s, 'desktop.get')).settings).toMatchObject({
      saveQuickPrompts: false,
      quickPromptModel: 'ollama/phi3:mini',
    });
    for (const method of [
      'desktop.readClipboard',
      'desktop.hideQuickPrompt',
      'updates.check',
      'updates.download',
      'updates.install',
    ]) {
      const r = await s.router.call(method, {});
      expect(r.ok ? null : r.error).toMatchObject({
        code: 'unsupported',
        message: expect.stringMatching(/desktop app/),
      });
    }
    const r = await s.router.call('desktop.openInMain', { chatId: null });
    expect(r.ok).toBe(false);
  });

  it('a shortcut that cannot be a global shortcut is refused with the reason, and nothing changes', async () => {
    const s = services();
    for (const bad of ['Space', 'Ctrl+Alt+Delete', 'Shift+A', 'Alt+Banana']) {
      const r = await s.router.call('desktop.update', { quickPromptShortcut: bad });
      expect(r.ok ? null : r.error.code).toBe('invalid_input');
    }
    expect((await callOk(s, 'desktop.get')).settings.quickPromptShortcut).toBe('Alt+Space');
    const r = await s.router.call('desktop.update', { quickPromptShortcut: 'Alt+Space', closeToTray: 'yes' });
    expect(r.ok).toBe(false);
  });
});

describe('desktop settings with the shell', () => {
  it('registers the stored shortcut at start and applies the settings', async () => {
    const dir = makeTempDir();
    const f = fakeHost();
    const s = services(dir, { desktopHost: f.host });
    s.desktop.start();
    expect(f.registered()).toBe('Alt+Space');
    expect(f.applied()).toMatchObject({ startAtLogin: false, closeToTray: true });
    const view = await callOk(s, 'desktop.get');
    expect(view.shortcut).toMatchObject({ ok: true, message: 'Press Alt+Space in any app to open the quick prompt.' });
    await callOk(s, 'desktop.update', { startAtLogin: true, startHidden: true });
    expect(f.applied()).toMatchObject({ startAtLogin: true, startHidden: true });
  });

  it('a shortcut another app holds is refused in plain words and the old one is registered again', async () => {
    const f = fakeHost(['CmdOrCtrl+Shift+Space']);
    const s = services(undefined, { desktopHost: f.host });
    s.desktop.start();
    const rec = recordEvents(s);
    const r = await s.router.call('desktop.update', { quickPromptShortcut: 'CmdOrCtrl+Shift+Space' });
    expect(r.ok ? null : r.error).toMatchObject({
      code: 'conflict',
      message:
        'Ctrl+Shift+Space is already used by another app or by the system; choose another shortcut in Settings → Desktop.',
    });
    expect(f.registered()).toBe('Alt+Space');
    const view = await callOk(s, 'desktop.get');
    expect(view.settings.quickPromptShortcut).toBe('Alt+Space');
    expect(view.shortcut).toMatchObject({ ok: true, accelerator: 'Alt+Space' });
    expect(rec.seen.some((e) => e.event === 'desktop.changed')).toBe(true);

    const ok = await callOk(s, 'desktop.update', { quickPromptShortcut: 'Ctrl+Alt+K' });
    expect(ok.settings.quickPromptShortcut).toBe('Ctrl+Alt+K');
    expect(f.registered()).toBe('Ctrl+Alt+K');
    const off = await callOk(s, 'desktop.update', { quickPromptShortcut: null });
    expect(off.settings.quickPromptShortcut).toBeNull();
    expect(f.registered()).toBeNull();
    expect(off.shortcut?.message).toMatch(/no shortcut/);
  });

  it('continue in the main window shows the chat with the draft there and hides the quick prompt', async () => {
    const f = fakeHost();
    const s = services(undefined, { desktopHost: f.host });
    const rec = recordEvents(s);
    const chatId = uuidv7();
    await callOk(s, 'desktop.update', { saveQuickPrompts: false });
    await callOk(s, 'quick.start', { id: chatId });
    await callOk(s, 'desktop.openInMain', { chatId, draft: 'and then?' });
    expect(rec.seen.find((e) => e.event === 'app.command')?.payload).toEqual({
      command: 'open-chat',
      chatId,
      draft: 'and then?',
    });
    expect(f.calls).toEqual(expect.arrayContaining(['show main', 'hide']));
    // Continued, so kept although saving is off.
    expect((await callOk(s, 'chats.list', {})).chats.map((c) => c.id)).toEqual([chatId]);
    expect(await callOk(s, 'desktop.readClipboard')).toEqual({ kind: 'text', text: 'copied words' });
  });

  it('a default model picked in one window (or the tray) reaches the others as settings.changed', async () => {
    const s = services(undefined, { desktopHost: fakeHost().host });
    const rec = recordEvents(s);
    await callOk(s, 'settings.update', { defaultModel: 'ollama/phi3:mini' });
    expect(rec.seen.find((e) => e.event === 'settings.changed')?.payload).toMatchObject({
      defaultModel: 'ollama/phi3:mini',
    });
  });

  it('the updater’s state reaches windows as desktop.changed, newer each time', async () => {
    const f = fakeHost();
    const s = services(undefined, { desktopHost: f.host });
    const rec = recordEvents(s);
    const before = (await callOk(s, 'desktop.get')).seq;
    expect(await callOk(s, 'updates.check')).toMatchObject({ status: 'available', version: '9.9.9' });
    const changed = rec.seen
      .filter((e) => e.event === 'desktop.changed')
      .map((e) => e.payload as { seq: number; updates: unknown });
    expect(changed.at(-1)).toMatchObject({ updates: { status: 'available', notes: 'Faster.' } });
    expect(changed.at(-1)!.seq).toBeGreaterThan(before);
  });
});

describe('quick prompt chats', () => {
  it('are kept in a folder called Quick, made once and found again when renamed; a new one is made when it was deleted', async () => {
    const s = services();
    const a = await callOk(s, 'quick.start', { id: uuidv7() });
    const b = await callOk(s, 'quick.start', { id: uuidv7(), model: 'ollama/phi3:mini' });
    let folders = (await callOk(s, 'folders.list')).folders;
    expect(folders.map((f) => f.name)).toEqual(['Quick']);
    expect([a.folderId, b.folderId]).toEqual([folders[0]!.id, folders[0]!.id]);
    expect(b.model).toBe('ollama/phi3:mini');
    await callOk(s, 'folders.rename', { id: folders[0]!.id, name: 'Asked in passing' });
    expect((await callOk(s, 'quick.start', { id: uuidv7() })).folderId).toBe(folders[0]!.id);
    await callOk(s, 'folders.delete', { id: folders[0]!.id });
    const c = await callOk(s, 'quick.start', { id: uuidv7() });
    folders = (await callOk(s, 'folders.list')).folders;
    expect(folders.map((f) => f.name)).toEqual(['Quick']);
    expect(c.folderId).toBe(folders[0]!.id);
    // Saved quick chats are never discarded.
    expect(await callOk(s, 'quick.discard', { chatId: a.id })).toEqual({ removed: false });
    expect((await callOk(s, 'chats.list', {})).chats).toHaveLength(4);
  });

  it('with saving off stay out of the chat list and go when discarded; kept ones come back to the list', async () => {
    const s = services();
    await callOk(s, 'desktop.update', { saveQuickPrompts: false });
    const a = await callOk(s, 'quick.start', { id: uuidv7() });
    const b = await callOk(s, 'quick.start', { id: uuidv7() });
    expect(a.archived).toBe(true);
    expect((await callOk(s, 'chats.list', {})).chats).toHaveLength(0);
    expect((await callOk(s, 'folders.list')).folders).toHaveLength(0);
    expect(await callOk(s, 'quick.discard', { chatId: a.id })).toEqual({ removed: true });
    expect((await s.router.call('chats.get', { id: a.id })).ok).toBe(false);
    await callOk(s, 'quick.keep', { chatId: b.id });
    expect((await callOk(s, 'chats.list', {})).chats.map((c) => c.id)).toEqual([b.id]);
    expect(await callOk(s, 'quick.discard', { chatId: b.id })).toEqual({ removed: false });
  });

  it('unsaved ones a killed app left behind are removed at the next start', async () => {
    const dir = makeTempDir();
    let s = services(dir);
    await callOk(s, 'desktop.update', { saveQuickPrompts: false });
    const a = await callOk(s, 'quick.start', { id: uuidv7() });
    await closeOne(s); // as if killed: nobody discarded it
    s = services(dir);
    expect((await s.router.call('chats.get', { id: a.id })).ok).toBe(false);
    expect((await callOk(s, 'chats.list', { archived: true })).chats).toHaveLength(0);
  });
});
