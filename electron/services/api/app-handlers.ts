/** App-level methods: info, Hearth's log, settings, the model list. */
import { existsSync, statSync } from 'node:fs';
import { AppError } from '../../../shared/types/errors';
import type { HandlerGroup } from '../api';
import { tailLog } from '../util/rotating-log';
import type { RouterDeps } from './router-deps';

export function appHandlers(
  d: RouterDeps,
): HandlerGroup<'app.info' | 'app.log' | 'app.openLogFolder' | 'settings.get' | 'settings.update' | 'models.list'> {
  return {
    'app.info': () => d.info(),
    'app.log': ({ lines }) => ({
      path: d.logFile.path,
      sizeBytes: existsSync(d.logFile.path) ? statSync(d.logFile.path).size : 0,
      level: d.logFile.level,
      tail: existsSync(d.logFile.path) ? tailLog(d.logFile.path, lines ?? 300) : '',
    }),
    'app.openLogFolder': async () => {
      if (!d.openLogFolder) {
        throw new AppError(
          'unauthorized',
          `Only the desktop app opens folders. The log is at ${d.logFile.path} on the machine running Hearth.`,
        );
      }
      await d.openLogFolder(d.logFile.path);
      return { ok: true as const };
    },
    'settings.get': () => d.settings.view(),
    'settings.update': (input) => {
      const view = d.settings.update(input);
      d.ollama.reconsider(); // a new mode, URL, path or server list applies at once
      // Other windows (and the tray) follow: a default model picked from the tray shows in Settings.
      d.events.emit('settings.changed', view);
      return view;
    },
    'models.list': () => d.models.list(),
  };
}
