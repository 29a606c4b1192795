/** The Ollama runtime: status, start/stop/restart of the bundled server, its log. */
import type { HandlerGroup } from '../api';
import type { RouterDeps } from './router-deps';

export function ollamaHandlers(d: RouterDeps): HandlerGroup<'ollama.status' | 'ollama.control' | 'ollama.logs'> {
  return {
    'ollama.status': () => d.ollama.status(),
    'ollama.control': (input) => d.ollama.control(input.action),
    'ollama.logs': (input) => d.ollama.logs(input.lines ?? 200),
  };
}
