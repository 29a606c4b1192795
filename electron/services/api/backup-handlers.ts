/** Backups: the list, one now, settings, restore of a listed one. */
import type { HandlerGroup } from '../api';
import type { RouterDeps } from './router-deps';

export function backupHandlers(
  d: RouterDeps,
): HandlerGroup<'backups.list' | 'backups.create' | 'backups.configure' | 'backups.restore'> {
  return {
    'backups.list': () => d.backups.view(),
    'backups.create': () => d.backups.create('manual'),
    'backups.configure': (input) => d.backups.configure(input),
    'backups.restore': ({ name }) => d.backups.restore(name),
  };
}
