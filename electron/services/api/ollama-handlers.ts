/** The Ollama runtime: status, start/stop/restart of the bundled server, its log. */
import { AppError } from '../../../shared/types/errors';
import type { HandlerGroup } from '../api';
import type { RouterDeps } from './router-deps';

const notBuilt = (): never => {
  throw new AppError('internal', 'The Ollama runtime manager is being built.');
};

export function ollamaHandlers(_d: RouterDeps): HandlerGroup<'ollama.status' | 'ollama.control' | 'ollama.logs'> {
  return {
    'ollama.status': notBuilt,
    'ollama.control': notBuilt,
    'ollama.logs': notBuilt,
  };
}
