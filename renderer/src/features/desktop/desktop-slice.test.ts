/**
 * The desktop slice against a fake client: the newest view wins whatever order replies and events
 * arrive in, a refused shortcut leaves its plain words beside the shortcut field, the menu's
 * "Check for Updates…" opens Settings at Desktop.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_DESKTOP_SETTINGS, type DesktopView } from '../../../../shared/types/desktop';
import { fake, emit, resetFake } from '../../testing/fake-client';

vi.mock('../../client', async () => (await import('../../testing/fake-client')).fakeClientModule);

const { createAppStore, wireEvents } = await import('../../app/store');
let store: ReturnType<typeof createAppStore>;
const tick = () => new Promise((r) => setTimeout(r, 0));

const view = (p: Partial<DesktopView> = {}): DesktopView => ({
  settings: { ...DEFAULT_DESKTOP_SETTINGS },
  desktop: true,
  platform: 'linux',
  shortcut: { accelerator: 'Alt+Space', ok: true, message: 'Press Alt+Space in any app to open the quick prompt.' },
  updates: { status: 'idle', lastCheckedAt: null },
  version: '1.0.0',
  seq: 0,
  ...p,
});

beforeEach(() => {
  resetFake();
  store = createAppStore();
  wireEvents(store.getState, fake.client.on as never);
});

describe('desktop view', () => {
  it('a late reply never replaces a newer event', async () => {
    let release!: (v: DesktopView) => void;
    fake.state.replies['desktop.get'] = () => new Promise<DesktopView>((r) => (release = r));
    const loading = store.getState().loadDesktop();
    emit('desktop.changed', view({ seq: 3, updates: { status: 'checking', userAsked: true } }));
    release(view({ seq: 1 }));
    await loading;
    expect(store.getState().desktop?.updates).toEqual({ status: 'checking', userAsked: true });
    emit('desktop.changed', view({ seq: 4, updates: { status: 'available', version: '2.0.0', notes: '' } }));
    expect(store.getState().desktop?.seq).toBe(4);
  });

  it('after a reconnect the next view is taken even with a smaller seq (the host restarted)', async () => {
    emit('desktop.changed', view({ seq: 9 }));
    fake.state.replies['desktop.get'] = view({ seq: 0, version: '1.0.1' });
    store.getState().onDesktopReconnect();
    await tick();
    expect(store.getState().desktop?.version).toBe('1.0.1');
  });

  it('a shortcut another app holds: the message is kept for the shortcut field, busy clears', async () => {
    fake.state.replies['desktop.update'] = () => {
      throw new fake.ClientError('conflict', 'Ctrl+K is already used by another app or by the system; choose another.');
    };
    expect(await store.getState().updateDesktop({ quickPromptShortcut: 'Ctrl+K' })).toBe(false);
    expect(store.getState().desktopError).toMatchObject({ action: 'update', field: 'quickPromptShortcut' });
    expect(store.getState().desktopError?.message).toMatch(/already used/);
    expect(store.getState().desktopBusy.update).toBe(false);
    fake.state.replies['desktop.update'] = view({
      seq: 2,
      settings: { ...DEFAULT_DESKTOP_SETTINGS, closeToTray: false },
    });
    expect(await store.getState().updateDesktop({ closeToTray: false })).toBe(true);
    expect(store.getState().desktopError).toBeNull();
    expect(store.getState().desktop?.settings.closeToTray).toBe(false);
  });

  it('a switch follows the click before the reply, and goes back when saving fails', async () => {
    emit('desktop.changed', view({ seq: 1 }));
    let fail!: (e: unknown) => void;
    fake.state.replies['desktop.update'] = () => new Promise((_r, rej) => (fail = rej));
    fake.state.replies['desktop.get'] = view({ seq: 1 });
    const saving = store.getState().updateDesktop({ saveQuickPrompts: false });
    expect(store.getState().desktop?.settings.saveQuickPrompts).toBe(false);
    fail(new fake.ClientError('disk_full', 'The disk is full.'));
    expect(await saving).toBe(false);
    await tick();
    expect(store.getState().desktop?.settings.saveQuickPrompts).toBe(true);
    expect(store.getState().desktopError?.message).toBe('The disk is full.');
  });

  it('the menu’s Check for Updates opens Settings at Desktop', () => {
    emit('app.command', { command: 'open-desktop-settings' });
    expect(store.getState().view).toBe('settings');
    expect(store.getState().desktopFocus).toBe(1);
  });
});
