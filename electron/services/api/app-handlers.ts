/** App-level methods: info, settings, the model list. */
import type { HandlerGroup } from '../api';
import type { RouterDeps } from './router-deps';

export function appHandlers(
  d: RouterDeps,
): HandlerGroup<'app.info' | 'settings.get' | 'settings.update' | 'models.list'> {
  return {
    'app.info': () => d.info(),
    'settings.get': () => d.settings.view(),
    'settings.update': (input) => {
      const view = d.settings.update(input);
      d.ollama.reconsider(); // a new mode, URL, path or server list applies at once
      return view;
    },
    'models.list': () => d.models.list(),
  };
}
