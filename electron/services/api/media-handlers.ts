/** Remote media the user agreed to load, fetched by the app rather than the page. */
import type { HandlerGroup } from '../api';
import type { RouterDeps } from './router-deps';
import { notYet } from './not-yet';

export function mediaHandlers(_d: RouterDeps): HandlerGroup<'media.fetchImage'> {
  return {
    'media.fetchImage': notYet('media.fetchImage'),
  };
}
