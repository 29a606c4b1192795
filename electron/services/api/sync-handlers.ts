/** Sync with PostgreSQL: status, settings, a connection test, a run now. */
import type { HandlerGroup } from '../api';
import type { RouterDeps } from './router-deps';

export function syncHandlers(d: RouterDeps): HandlerGroup<'sync.status' | 'sync.configure' | 'sync.test' | 'sync.now'> {
  return {
    'sync.status': () => d.sync.status(),
    'sync.configure': (input) => d.sync.configure(input),
    'sync.test': (input) => d.sync.test(input.url, input.schema),
    'sync.now': async () => {
      const report = await d.sync.syncNow();
      return report ? d.sync.status().lastReport : null;
    },
  };
}
