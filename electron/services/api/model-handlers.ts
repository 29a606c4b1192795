/** The model manager: installed models, details, delete, running models, unload, cancel a pull. */
import type { HandlerGroup } from '../api';
import type { RouterDeps } from './router-deps';

export function modelHandlers(
  d: RouterDeps,
): HandlerGroup<
  'models.pullCancel' | 'models.installed' | 'models.show' | 'models.delete' | 'models.running' | 'models.unload'
> {
  return {
    'models.pullCancel': ({ model }) => d.models.pullCancel(model),
    'models.installed': ({ providerId }) => d.models.installed(providerId),
    'models.show': ({ model }) => d.models.show(model),
    'models.delete': ({ model }) => d.models.delete(model),
    'models.running': ({ providerId }) => d.models.running(providerId),
    'models.unload': ({ model }) => d.models.unload(model),
  };
}
