import { describe, expect, it } from 'vitest';
import { planLaunch, type LaunchAction } from './single-instance';

const CHAT_ID = '0190f3a2-7b1c-7d4e-8f00-123456789abc';
const packaged = { defaultApp: false };
const first = (argv: unknown[], o = packaged) => planLaunch(argv, { first: true, ...o });
const second = (argv: unknown[], o = packaged) => planLaunch(argv, { first: false, ...o });
const SHOW: LaunchAction = { type: 'show' };

describe('planLaunch: first launch', () => {
  it('shows the main window on a plain start', () => {
    expect(first(['/opt/Hearth/hearth'])).toEqual([SHOW]);
    expect(first(['C:\\Program Files\\Hearth\\Hearth.exe'])).toEqual([SHOW]);
  });

  it('stays in the tray when started at login with --hidden', () => {
    expect(first(['/opt/Hearth/hearth', '--hidden'])).toEqual([{ type: 'start-hidden' }]);
    expect(first(['/opt/Hearth/hearth', '--HIDDEN'])).toEqual([{ type: 'start-hidden' }]);
  });

  it('opens the link it was started with (a link clicked while Hearth was closed)', () => {
    expect(first(['Hearth.exe', `hearth://chat/${CHAT_ID}`])).toEqual([
      SHOW,
      { type: 'open-deep-link', link: { kind: 'chat', chatId: CHAT_ID } },
    ]);
  });

  it('a link wins over --hidden: the user just asked for something', () => {
    expect(first(['hearth', '--hidden', 'hearth://new?prompt=hi'])).toEqual([
      SHOW,
      { type: 'open-deep-link', link: { kind: 'new', prompt: 'hi', model: null } },
    ]);
  });

  it('--quick-prompt opens only the quick prompt, the main window waiting in the tray', () => {
    expect(first(['hearth', '--quick-prompt'])).toEqual([{ type: 'start-hidden' }, { type: 'open-quick-prompt' }]);
  });

  it('skips the app path when run from source (electron .)', () => {
    const dev = { defaultApp: true };
    expect(first(['/repo/node_modules/electron/dist/electron', '.'], dev)).toEqual([SHOW]);
    expect(first(['/repo/node_modules/electron/dist/electron', '/repo/out/main/index.js', '--hidden'], dev)).toEqual([
      { type: 'start-hidden' },
    ]);
    expect(first(['electron', '--inspect=5858', '.', `hearth://chat/${CHAT_ID}`], dev)).toEqual([
      SHOW,
      { type: 'open-deep-link', link: { kind: 'chat', chatId: CHAT_ID } },
    ]);
  });
});

describe('planLaunch: a second launch', () => {
  it('brings the running app forward', () => {
    expect(second(['Hearth.exe'])).toEqual([SHOW]);
  });

  it('opens the link it was given', () => {
    expect(second(['Hearth.exe', 'hearth://new?prompt=Summarise%20this&model=ollama%2Fqwen3'])).toEqual([
      SHOW,
      { type: 'open-deep-link', link: { kind: 'new', prompt: 'Summarise this', model: 'ollama/qwen3' } },
    ]);
  });

  it('ignores the switches Chromium and Electron add, wherever they are', () => {
    const argv = [
      'C:\\Users\\me\\AppData\\Local\\Programs\\Hearth\\Hearth.exe',
      '--allow-file-access-from-files',
      '--original-process-start-time=13345678901234567',
      '--secure-schemes=hearth',
      '--',
      `hearth://chat/${CHAT_ID}/`,
    ];
    expect(second(argv)).toEqual([SHOW, { type: 'open-deep-link', link: { kind: 'chat', chatId: CHAT_ID } }]);
    expect(second(['Hearth.exe', '--enable-features=X', '--no-sandbox'])).toEqual([SHOW]);
  });

  it('does not take a link hidden inside a switch (an argument-injection attempt)', () => {
    expect(second(['Hearth.exe', '--gpu-launcher=hearth://chat/x'])).toEqual([SHOW]);
  });

  it('says why a broken link cannot be opened, without repeating it', () => {
    expect(second(['Hearth.exe', 'hearth://chat/a/b'])).toEqual([
      SHOW,
      { type: 'invalid-deep-link', reason: 'The link has more after the chat id than Hearth understands.' },
    ]);
    expect(second(['Hearth.exe', 'hearth://wipe'])).toEqual([
      SHOW,
      { type: 'invalid-deep-link', reason: 'Hearth does not know what to do with “wipe” links.' },
    ]);
  });

  it('only the first link counts', () => {
    expect(second(['Hearth.exe', 'hearth://chat/a', 'hearth://chat/b'])).toEqual([
      SHOW,
      { type: 'open-deep-link', link: { kind: 'chat', chatId: 'a' } },
    ]);
  });

  it('a login start (--hidden) while Hearth already runs does nothing at all', () => {
    expect(second(['hearth', '--hidden'])).toEqual([]);
  });

  it('--quick-prompt opens the quick prompt without bringing the main window forward', () => {
    expect(second(['hearth', '--quick-prompt'])).toEqual([{ type: 'open-quick-prompt' }]);
    expect(second(['hearth', '--quick-prompt', '--hidden'])).toEqual([{ type: 'open-quick-prompt' }]);
  });

  it('ignores files and unknown words (nothing to open them with)', () => {
    expect(second(['Hearth.exe', 'C:\\Users\\me\\notes.txt', 'hello'])).toEqual([SHOW]);
  });

  it('copes with an empty or odd argv (another user’s launch passes none)', () => {
    expect(second([])).toEqual([SHOW]);
    expect(second([null, 7, undefined])).toEqual([SHOW]);
    expect(planLaunch(undefined as unknown as string[], { first: false, defaultApp: false })).toEqual([SHOW]);
  });
});
