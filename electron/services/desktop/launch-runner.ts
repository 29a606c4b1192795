/**
 * Carrying out what a launch asks for (planLaunch's LaunchActions, from single-instance.ts) on the
 * shell's windows, and the deep link as the renderer's 'app.command'.
 *
 *   deepLinkCommand(link)            hearth://chat/<id> → open-chat; hearth://new?… → new-chat (prompt, model)
 *   runLaunch(actions, target)       each action on the target, in order
 *   createReadyQueue()               commands held until the main window's page can hear them
 */
import type { EventPayload } from '../../../shared/contract';
import type { DeepLink } from './deep-link';
import type { LaunchAction } from './single-instance';

export type AppCommand = EventPayload<'app.command'>;

export interface LaunchTarget {
  /** Show, restore and focus the main window. */
  showMain(): void;
  /** First launch: keep the main window hidden (the tray is the way in). */
  startHidden(): void;
  openQuickPrompt(): void;
  /** Send the renderer a command (queued until the main window is ready). */
  command(command: AppCommand): void;
  /** Tell the user a link could not be used (the reason, never the link). */
  invalidLink(reason: string): void;
}

export function deepLinkCommand(link: Exclude<DeepLink, { kind: 'invalid' }>): AppCommand {
  if (link.kind === 'chat') return { command: 'open-chat', chatId: link.chatId };
  return {
    command: 'new-chat',
    ...(link.prompt !== null ? { prompt: link.prompt } : {}),
    ...(link.model !== null ? { model: link.model } : {}),
  };
}

export function runLaunch(actions: readonly LaunchAction[], target: LaunchTarget): void {
  for (const a of actions) {
    switch (a.type) {
      case 'show':
        target.showMain();
        break;
      case 'start-hidden':
        target.startHidden();
        break;
      case 'open-quick-prompt':
        target.openQuickPrompt();
        break;
      case 'open-deep-link':
        target.command(deepLinkCommand(a.link));
        break;
      case 'invalid-deep-link':
        target.invalidLink(a.reason);
        break;
    }
  }
}

/**
 * Holds items until `ready()`, then hands them (and every later one) to `deliver` at once. `reset()`
 * starts holding again (the page is loading anew).
 */
export function createReadyQueue<T>(deliver: (item: T) => void): {
  push(item: T): void;
  ready(): void;
  reset(): void;
  isReady(): boolean;
} {
  let isReady = false;
  let held: T[] = [];
  return {
    push(item) {
      if (isReady) deliver(item);
      else held.push(item);
    },
    ready() {
      isReady = true;
      const items = held;
      held = [];
      for (const item of items) deliver(item);
    },
    reset() {
      isReady = false;
    },
    isReady: () => isReady,
  };
}
