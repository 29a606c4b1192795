import { describe, expect, it } from 'vitest';
import { createReadyQueue, deepLinkCommand, runLaunch, type LaunchTarget } from './launch-runner';
import { planLaunch } from './single-instance';

const CHAT_ID = '0190f3a2-7b1c-7d4e-8f00-123456789abc';

function recorder() {
  const calls: unknown[] = [];
  const target: LaunchTarget = {
    showMain: () => calls.push('show'),
    startHidden: () => calls.push('hidden'),
    openQuickPrompt: () => calls.push('quick'),
    command: (c) => calls.push(c),
    invalidLink: (reason) => calls.push({ invalid: reason }),
  };
  return { calls, target };
}

describe('deepLinkCommand', () => {
  it('opens a chat, or starts one with the prompt and model it carries', () => {
    expect(deepLinkCommand({ kind: 'chat', chatId: CHAT_ID })).toEqual({ command: 'open-chat', chatId: CHAT_ID });
    expect(deepLinkCommand({ kind: 'new', prompt: 'hi', model: 'ollama/llama3' })).toEqual({
      command: 'new-chat',
      prompt: 'hi',
      model: 'ollama/llama3',
    });
    expect(deepLinkCommand({ kind: 'new', prompt: null, model: null })).toEqual({ command: 'new-chat' });
  });
});

describe('runLaunch', () => {
  it('carries out a second launch with a link: main window forward, then the link', () => {
    const { calls, target } = recorder();
    runLaunch(planLaunch(['Hearth.exe', 'hearth://new?prompt=hello'], { first: false, defaultApp: false }), target);
    expect(calls).toEqual(['show', { command: 'new-chat', prompt: 'hello' }]);
  });

  it('a quick prompt start keeps the main window in the tray', () => {
    const { calls, target } = recorder();
    runLaunch(planLaunch(['hearth', '--quick-prompt'], { first: true, defaultApp: false }), target);
    expect(calls).toEqual(['hidden', 'quick']);
  });

  it('says why a link could not be used', () => {
    const { calls, target } = recorder();
    runLaunch(planLaunch(['hearth', 'hearth://delete/everything'], { first: false, defaultApp: false }), target);
    expect(calls[0]).toBe('show');
    expect(calls[1]).toEqual({ invalid: expect.stringContaining('does not know') });
  });
});

describe('createReadyQueue', () => {
  it('holds items until ready, then delivers in order, and later ones at once', () => {
    const got: number[] = [];
    const q = createReadyQueue<number>((n) => got.push(n));
    q.push(1);
    q.push(2);
    expect(got).toEqual([]);
    q.ready();
    expect(got).toEqual([1, 2]);
    q.push(3);
    expect(got).toEqual([1, 2, 3]);
    q.reset();
    q.push(4);
    expect(got).toEqual([1, 2, 3]);
    expect(q.isReady()).toBe(false);
    q.ready();
    expect(got).toEqual([1, 2, 3, 4]);
  });
});
