/** Organising chats: the list, rename, delete/restore, pin, archive, folders, tags, search. */
import type { HandlerGroup } from '../api';
import type { RouterDeps } from './router-deps';
import { notYet } from './not-yet';

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
    'chats.restore': notYet('chats.restore'),
    'chats.update': notYet('chats.update'),
    'folders.list': notYet('folders.list'),
    'folders.create': notYet('folders.create'),
    'folders.rename': notYet('folders.rename'),
    'folders.delete': notYet('folders.delete'),
    'tags.list': notYet('tags.list'),
    'search.query': notYet('search.query'),
  };
}
