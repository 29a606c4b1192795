/** The Ollama runtime: status, start/stop/restart of the bundled server, its log, the bundled program. */
import { AppError } from '../../../shared/types/errors';
import type { HandlerGroup } from '../api';
import type { RouterDeps } from './router-deps';

export function ollamaHandlers(
  d: RouterDeps,
): HandlerGroup<'ollama.status' | 'ollama.control' | 'ollama.logs' | 'ollama.chooseExecutable'> {
  return {
    'ollama.chooseExecutable': async () => {
      const choose = d.chooseOllamaExecutable;
      if (!choose) {
        throw new AppError(
          'unauthorized',
          'The Ollama program can only be chosen in the desktop app. For hearth serve, name it when starting: ' +
            'hearth serve --ollama-path /path/to/ollama, or HEARTH_OLLAMA_PATH.',
        );
      }
      const picked = await choose(d.settings.ollamaPath());
      if (!picked) return d.settings.view();
      d.settings.setChosenOllamaPath(picked);
      const view = d.settings.view();
      d.events.emit('settings.changed', view);
      return view;
    },
    'ollama.status': () => d.ollama.status(),
    'ollama.control': (input) => d.ollama.control(input.action),
    'ollama.logs': (input) => d.ollama.logs(input.lines ?? 200),
  };
}
