/**
 * The form part of the images slice: the configured backends (images.backends), the one chosen
 * (remembered for the chat's `/image` too), what each offers (images.options), the prompt, the
 * parameter panel (remembered per backend: params-storage.ts), the init image, and Generate.
 * Public: openImagesPage, onImagesReconnect, loadImageBackends, selectImageBackend,
 * loadImageOptions, setImagePrompt, setImageParams, setImageInit, reuseImageParams, generateImage.
 */
import type { StateCreator } from 'zustand';
import type { GalleryImage, ImageBackendOptions, ImageBackendView } from '../../../../shared/types/images';
import { client, ClientError } from '../../client';
import type { AppState } from '../../app/store';
import { buildRequest, checkRequest, explainRefusal, paramsFromRequest } from './build-request';
import {
  defaultParams,
  readLastBackend,
  readParams,
  writeLastBackend,
  writeParams,
  type ImageParams,
} from './params-storage';

export interface OptionsState {
  options: ImageBackendOptions | null;
  error: string | null;
  loading: boolean;
}

export interface ImageFormSlice {
  imageBackends: ImageBackendView[];
  imageBackendsLoaded: boolean;
  imageBackendsError: string | null;
  imageBackendId: string | null;
  /** By backend id. */
  imageOptions: Record<string, OptionsState>;
  imagePrompt: string;
  imageParams: ImageParams;
  /** img2img: a gallery image id. */
  imageInitId: string | null;
  /** Why Generate did not start (a field of the form, or the app's answer). */
  imageFormError: { message: string; field?: string } | null;
  imageSubmitting: boolean;
  /** Bumped when "Reuse parameters" fills the form (the page moves focus to the prompt). */
  imageFormFilled: number;
  /** The Images page opened: read backends and jobs, and the gallery the first time. */
  openImagesPage(): void;
  onImagesReconnect(): void;
  loadImageBackends(): Promise<void>;
  selectImageBackend(id: string): void;
  loadImageOptions(backendId: string, force?: boolean): Promise<void>;
  setImagePrompt(prompt: string): void;
  setImageParams(patch: Partial<ImageParams>): void;
  setImageInit(imageId: string | null): void;
  /** Fill the form from a gallery image: prompt, negative prompt, parameters and seed. */
  reuseImageParams(
    image: Pick<GalleryImage, 'prompt' | 'negativePrompt' | 'params' | 'seed' | 'backendKind' | 'backendLabel'>,
  ): void;
  /** Queue a job from the form; true when it was queued. */
  generateImage(): Promise<boolean>;
}

const errText = (err: unknown, fallback: string) => (err instanceof ClientError ? err.message : fallback);

export const createImageFormSlice: StateCreator<AppState, [], [], ImageFormSlice> = (set, get) => {
  let backendsGen = 0;
  const optionsGen = new Map<string, number>();
  const current = () => get().imageBackends.find((b) => b.id === get().imageBackendId) ?? null;

  return {
    imageBackends: [],
    imageBackendsLoaded: false,
    imageBackendsError: null,
    imageBackendId: null,
    imageOptions: {},
    imagePrompt: '',
    imageParams: defaultParams('a1111'),
    imageInitId: null,
    imageFormError: null,
    imageSubmitting: false,
    imageFormFilled: 0,

    openImagesPage() {
      void get().loadImageBackends();
      void get().loadImageJobs();
      if (!get().galleryLoaded) void get().loadGallery();
    },

    onImagesReconnect() {
      if (!get().galleryLoaded && get().view !== 'images') return;
      void get().loadImageJobs();
      void get().loadGallery({ keep: true });
      if (get().imageBackendsLoaded) void get().loadImageBackends();
    },

    async loadImageBackends() {
      const gen = ++backendsGen;
      try {
        const { backends } = await client.call('images.backends', {});
        if (gen !== backendsGen) return; // a newer read was asked for
        set({ imageBackends: backends, imageBackendsLoaded: true, imageBackendsError: null });
        const held = get().imageBackendId;
        const last = readLastBackend();
        const pick = backends.find((b) => b.id === held) ?? backends.find((b) => b.id === last) ?? backends[0] ?? null;
        if (!pick) set({ imageBackendId: null });
        else if (pick.id !== held) get().selectImageBackend(pick.id);
        // The backend's settings or its models may have changed since: read its options again.
        else void get().loadImageOptions(pick.id, true);
      } catch (err) {
        if (gen === backendsGen)
          set({ imageBackendsLoaded: true, imageBackendsError: errText(err, 'Could not read the image backends.') });
      }
    },

    selectImageBackend(id) {
      const backend = get().imageBackends.find((b) => b.id === id);
      if (!backend) return;
      writeLastBackend(id);
      set({ imageBackendId: id, imageParams: readParams(id, backend.kind), imageFormError: null });
      void get().loadImageOptions(id);
    },

    async loadImageOptions(backendId, force = false) {
      const held = get().imageOptions[backendId];
      if (held && !force && (held.options || held.loading)) return;
      const gen = (optionsGen.get(backendId) ?? 0) + 1;
      optionsGen.set(backendId, gen);
      const put = (o: OptionsState) => set((s) => ({ imageOptions: { ...s.imageOptions, [backendId]: o } }));
      put({ options: held?.options ?? null, error: null, loading: true });
      try {
        const options = await client.call('images.options', { backendId });
        if (optionsGen.get(backendId) === gen) put({ options, error: null, loading: false });
      } catch (err) {
        if (optionsGen.get(backendId) === gen)
          put({
            options: held?.options ?? null,
            error: errText(err, 'Could not ask the backend what it offers.'),
            loading: false,
          });
      }
    },

    setImagePrompt(prompt) {
      set((s) => ({
        imagePrompt: prompt,
        imageFormError: s.imageFormError?.field === 'prompt' ? null : s.imageFormError,
      }));
    },

    setImageParams(patch) {
      const params = { ...get().imageParams, ...patch };
      set((s) => ({
        imageParams: params,
        imageFormError: s.imageFormError?.field && s.imageFormError.field in patch ? null : s.imageFormError,
      }));
      const id = get().imageBackendId;
      if (id) writeParams(id, params);
    },

    setImageInit(imageId) {
      set({ imageInitId: imageId });
      if (imageId) get().requestThumbs([imageId]);
    },

    reuseImageParams(image) {
      const backends = get().imageBackends;
      const now = current();
      if (now?.kind !== image.backendKind) {
        const same =
          backends.find((b) => b.kind === image.backendKind && b.label === image.backendLabel) ??
          backends.find((b) => b.kind === image.backendKind);
        if (same) get().selectImageBackend(same.id);
      }
      const request = { ...image.params, negativePrompt: image.negativePrompt || image.params.negativePrompt };
      const params = paramsFromRequest(request, image.seed, get().imageParams);
      const init = image.params.initImageId ?? null;
      set((s) => ({
        imagePrompt: image.prompt,
        imageParams: params,
        imageInitId: init,
        imageFormError: null,
        imageFormFilled: s.imageFormFilled + 1,
      }));
      if (init) get().requestThumbs([init]);
      const id = get().imageBackendId;
      if (id) writeParams(id, params);
    },

    async generateImage() {
      const backend = current();
      if (!backend) {
        set({ imageFormError: { message: 'Choose an image backend first (Settings → Image generation).' } });
        return false;
      }
      if (get().imageSubmitting) return false;
      const s = get();
      const options = s.imageOptions[backend.id]?.options ?? null;
      const request = buildRequest(backend.kind, s.imagePrompt, s.imageParams, s.imageInitId, options);
      const problem = checkRequest(request);
      if (problem) {
        set({ imageFormError: problem });
        return false;
      }
      set({ imageSubmitting: true, imageFormError: null });
      try {
        const job = await client.call('images.generate', { backendId: backend.id, request });
        get().onImageJob(job);
        return true;
      } catch (err) {
        set({ imageFormError: explainRefusal(errText(err, 'Hearth did not answer: the job was not queued.')) });
        return false;
      } finally {
        set({ imageSubmitting: false });
      }
    },
  };
};
