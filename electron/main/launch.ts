/**
 * One Hearth at a time, and what each launch asks for. The first launch's command line, a second
 * launch's (Electron's 'second-instance': it passes its argv here and quits) and macOS's 'open-url'
 * become LaunchActions (single-instance.ts) carried out on the windows (launch-runner.ts): show the
 * main window, stay in the tray, open the quick prompt, open a hearth:// link.
 *
 * Registered before the app is ready (links can arrive that early); actions wait in a queue until the
 * shell attaches its windows. Hearth is the hearth:// handler: the installers declare it
 * (electron-builder.yml `protocols`), and each start claims it again (a development run as
 * `electron <app path>`, which is how the link's argv then arrives).
 */
import { app } from 'electron';
import { resolve } from 'node:path';
import { DEEP_LINK_SCHEME, parseDeepLink } from '../services/desktop/deep-link';
import { runLaunch, type LaunchTarget } from '../services/desktop/launch-runner';
import { planLaunch, type LaunchAction } from '../services/desktop/single-instance';
import type { Logger } from '../services/util/logger';

export interface Launches {
  /** What the first launch's own command line asks for (the shell carries it out itself). */
  first: LaunchAction[];
  /** Carry out the later launches held meanwhile, then each as it comes. */
  attach(target: LaunchTarget): void;
}

export function handleLaunches(log: Pick<Logger, 'warn'>): Launches {
  const defaultApp = !!process.defaultApp;
  const held: LaunchAction[][] = [];
  let target: LaunchTarget | null = null;

  const run = (actions: LaunchAction[]) => {
    if (target) runLaunch(actions, target);
    else held.push(actions);
  };

  app.on('second-instance', (_event, argv) => run(planLaunch(argv, { first: false, defaultApp })));
  // macOS hands links over as events, not arguments (also the one Hearth was started with).
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const link = parseDeepLink(url);
    run([
      { type: 'show' },
      link.kind === 'invalid' ? { type: 'invalid-deep-link', reason: link.reason } : { type: 'open-deep-link', link },
    ]);
  });
  claimProtocol(defaultApp, log);

  return {
    first: planLaunch(process.argv, { first: true, defaultApp }),
    attach(t) {
      target = t;
      for (const actions of held.splice(0)) runLaunch(actions, t);
    },
  };
}

function claimProtocol(defaultApp: boolean, log: Pick<Logger, 'warn'>): void {
  try {
    if (!defaultApp) {
      app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
      return;
    }
    // `electron [switches] <app path>`: the link must start the same app.
    const appPath = process.argv.slice(1).find((a) => !a.startsWith('-'));
    if (appPath) app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [resolve(appPath)]);
  } catch (err) {
    log.warn('could not register Hearth for hearth:// links', err);
  }
}
