/**
 * What a launch asks for, read from its command line: the first launch's own argv, or the argv a
 * second launch hands to the running app (Electron's 'second-instance' event) before it quits.
 *
 *   planLaunch(argv, { first, defaultApp })  → LaunchAction[], in the order to carry them out
 *
 * Hearth's own switches: --hidden (started at login: stay in the tray) and --quick-prompt (open the
 * quick prompt: what a system shortcut can run where global shortcuts are not allowed, e.g. Wayland).
 * A hearth:// argument is a deep link. Everything else is ignored: argv[0] (the executable), the app
 * path when run as `electron <app>` (defaultApp), Chromium/Electron switches (which Chromium may add
 * to a second instance's argv), files and anything after them. Only the first deep link counts.
 */
import { findDeepLinkInArgv, parseDeepLink, type DeepLink } from './deep-link';

export type LaunchAction =
  /** Show the main window, restore it if minimised, and bring it to the front. */
  | { type: 'show' }
  /** First launch only: create the main window without showing it (the tray icon is the way in). */
  | { type: 'start-hidden' }
  | { type: 'open-deep-link'; link: Exclude<DeepLink, { kind: 'invalid' }> }
  /** A hearth:// link that could not be used: tell the user why (the link itself is not repeated). */
  | { type: 'invalid-deep-link'; reason: string }
  | { type: 'open-quick-prompt' };

export interface LaunchContext {
  /** True for the app's own start; false for the argv a second launch passed on. */
  first: boolean;
  /** Run as `electron <app path>` (Electron's process.defaultApp): argv[1] is the app path. */
  defaultApp: boolean;
}

export const HIDDEN_SWITCH = '--hidden';
export const QUICK_PROMPT_SWITCH = '--quick-prompt';

/** The arguments that follow the executable (and the app path in a defaultApp run). */
function userArgs(argv: readonly unknown[], defaultApp: boolean): string[] {
  const args = argv.slice(1).filter((a): a is string => typeof a === 'string');
  if (!defaultApp) return args;
  // The app path is the first argument that is not a switch (Chromium may put switches before it).
  const i = args.findIndex((a) => !a.startsWith('-'));
  return i < 0 ? args : [...args.slice(0, i), ...args.slice(i + 1)];
}

export function planLaunch(argv: readonly unknown[], ctx: LaunchContext): LaunchAction[] {
  const args = Array.isArray(argv) ? userArgs(argv, ctx.defaultApp) : [];
  const switches = new Set(args.filter((a) => a.startsWith('-')).map((a) => a.toLowerCase()));
  const hidden = switches.has(HIDDEN_SWITCH);
  const quick = switches.has(QUICK_PROMPT_SWITCH);
  const raw = findDeepLinkInArgv(args.filter((a) => !a.startsWith('-')));
  const link = raw === null ? null : parseDeepLink(raw);

  const actions: LaunchAction[] = [];
  if (link) {
    // A link is something the user just clicked: the main window comes forward, even at a login start.
    actions.push({ type: 'show' });
    actions.push(
      link.kind === 'invalid' ? { type: 'invalid-deep-link', reason: link.reason } : { type: 'open-deep-link', link },
    );
    if (quick) actions.push({ type: 'open-quick-prompt' });
    return actions;
  }
  if (quick) {
    // The quick prompt on its own; at a first launch the main window waits in the tray.
    if (ctx.first) actions.push({ type: 'start-hidden' });
    actions.push({ type: 'open-quick-prompt' });
    return actions;
  }
  if (hidden) {
    // A login start while Hearth already runs changes nothing.
    return ctx.first ? [{ type: 'start-hidden' }] : [];
  }
  return [{ type: 'show' }];
}
