/** Attachments (and purging deleted chats with their files) and import/export. */
import type { HandlerGroup } from '../api';
import type { RouterDeps } from './router-deps';

export function dataHandlers(
  d: RouterDeps,
): HandlerGroup<'attachments.add' | 'attachments.get' | 'chats.purgeDeleted' | 'data.export' | 'data.import'> {
  return {
    'attachments.add': (input) => d.attachments.add(input),
    'attachments.get': ({ id }) => d.attachments.get(id),
    'chats.purgeDeleted': ({ olderThanDays }) =>
      d.attachments.purgeDeletedChats(olderThanDays === undefined ? undefined : olderThanDays * 86_400_000),
    'data.export': (input) => d.data.export(input),
    'data.import': ({ filename, content }) => d.data.importInBackground(filename, content),
  };
}
