/** Attachments and import/export. */
import type { HandlerGroup } from '../api';
import type { RouterDeps } from './router-deps';

export function dataHandlers(
  d: RouterDeps,
): HandlerGroup<'attachments.add' | 'attachments.get' | 'data.export' | 'data.import'> {
  return {
    'attachments.add': (input) => d.attachments.add(input),
    'attachments.get': ({ id }) => d.attachments.get(id),
    'data.export': (input) => d.data.export(input),
    'data.import': ({ filename, content }) => d.data.importInBackground(filename, content),
  };
}
