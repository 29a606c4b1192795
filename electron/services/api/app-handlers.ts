/** App-level methods: info, settings, the model list. */
import type { HandlerGroup } from '../api';
import type { RouterDeps } from './router-deps';

export function appHandlers(
  d: RouterDeps,
): HandlerGroup<'app.info' | 'settings.get' | 'settings.update' | 'models.list'> {
  return {
    'app.info': () => d.info(),
    'settings.get': () => d.settings.view(),
    'settings.update': (input) => d.settings.update(input),
    'models.list': () => d.models.list(),
  };
}
