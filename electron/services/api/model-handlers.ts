/** The model manager: installed models, details, delete, running models, unload, cancel a pull. */
import { AppError } from '../../../shared/types/errors';
import type { HandlerGroup } from '../api';
import type { RouterDeps } from './router-deps';

const notBuilt = (): never => {
  throw new AppError('internal', 'This part of the model manager is being built.');
};

export function modelHandlers(
  _d: RouterDeps,
): HandlerGroup<
  'models.pullCancel' | 'models.installed' | 'models.show' | 'models.delete' | 'models.running' | 'models.unload'
> {
  return {
    'models.pullCancel': notBuilt,
    'models.installed': notBuilt,
    'models.show': notBuilt,
    'models.delete': notBuilt,
    'models.running': notBuilt,
    'models.unload': notBuilt,
  };
}
