/** Organising chats: the list, rename, delete/restore, pin, archive, folders, tags, search. */
import type { HandlerGroup } from '../api';
import type { RouterDeps } from './router-deps';

export function organisationHandlers(
  d: RouterDeps,
): HandlerGroup<
  | 'chats.list'
  | 'chats.rename'
  | 'chats.delete'
  | 'chats.restore'
  | 'chats.update'
  | 'folders.list'
  | 'folders.create'
  | 'folders.rename'
  | 'folders.delete'
  | 'tags.list'
  | 'search.query'
> {
  return {
    'chats.list': (input) => d.chats.list(input),
    'chats.rename': ({ id, title }) => d.chats.rename(id, title),
    'chats.delete': ({ id }) => d.chats.delete(id),
    'chats.restore': ({ id }) => d.organisation.restore(id),
    'chats.update': (input) => d.organisation.update(input),
    'folders.list': () => d.organisation.listFolders(),
    'folders.create': ({ name }) => d.organisation.createFolder(name),
    'folders.rename': ({ id, name }) => d.organisation.renameFolder(id, name),
    'folders.delete': ({ id }) => d.organisation.deleteFolder(id),
    'tags.list': () => d.organisation.listTags(),
    'search.query': ({ query, limit }) => d.organisation.searchMessages(query, limit),
  };
}
