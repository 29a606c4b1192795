/** Image generation: backends, jobs, the gallery, images in chats (services/images). */
import type { HandlerGroup } from '../api';
import { detectMapping } from '../images/comfy-workflow';
import type { RouterDeps } from './router-deps';

type ImageMethods =
  | 'images.backends'
  | 'images.saveBackend'
  | 'images.removeBackend'
  | 'images.testBackend'
  | 'images.options'
  | 'images.detectMapping'
  | 'images.saveWorkflow'
  | 'images.removeWorkflow'
  | 'images.generate'
  | 'images.cancel'
  | 'images.retry'
  | 'images.jobs'
  | 'images.list'
  | 'images.thumbs'
  | 'images.get'
  | 'images.png'
  | 'images.delete'
  | 'images.restore'
  | 'images.generateInChat'
  | 'attachments.fromImage';

export function imageHandlers(d: RouterDeps): HandlerGroup<ImageMethods> {
  const images = d.images;
  return {
    'images.backends': () => ({ backends: images.backends.list() }),
    'images.saveBackend': (input) => images.backends.save(input),
    'images.removeBackend': ({ id }) => {
      images.backends.remove(id);
      return { ok: true };
    },
    'images.testBackend': ({ id }) => images.test(id),
    'images.options': ({ backendId }) => images.options(backendId),
    'images.detectMapping': ({ workflow }) => detectMapping(workflow),
    'images.saveWorkflow': ({ backendId, ...w }) => images.backends.saveWorkflow(backendId, w),
    'images.removeWorkflow': ({ backendId, id }) => images.backends.removeWorkflow(backendId, id),
    'images.generate': ({ backendId, request }) => images.generate(backendId, request),
    'images.cancel': ({ jobId }) => images.cancel(jobId),
    'images.retry': ({ jobId }) => images.retry(jobId),
    'images.jobs': () => ({ jobs: images.listJobs() }),
    'images.list': (input) => images.list(input),
    'images.thumbs': async ({ ids }) => ({ thumbs: await images.thumbs(ids) }),
    'images.get': ({ id }) => images.get(id),
    'images.png': ({ id }) => images.png(id),
    'images.delete': ({ id }) => images.delete(id),
    'images.restore': ({ id }) => images.restore(id),
    'images.generateInChat': (input) => images.generateInChat(input),
    'attachments.fromImage': ({ imageId, chatId }) => images.attachToChat(imageId, chatId),
  };
}
