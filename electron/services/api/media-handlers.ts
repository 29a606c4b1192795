/** Remote media the user agreed to load, fetched by the app rather than the page. */
import type { HandlerGroup } from '../api';
import { fetchRemoteImage } from '../media/remote-image';
import type { RouterDeps } from './router-deps';

export function mediaHandlers(d: RouterDeps): HandlerGroup<'media.fetchImage'> {
  return {
    'media.fetchImage': async ({ url }) => {
      const { dataUrl } = await fetchRemoteImage(url, d.media ?? {});
      return { dataUrl };
    },
  };
}
