/**
 * Image generation's slice of the app store: the form (backends, options, prompt, parameters,
 * Generate: images-form.ts), the job queue with live progress (images-jobs.ts) and the gallery with
 * thumbnails and delete/Undo (images-gallery.ts). Events reach it through app/store.ts's wireEvents:
 * 'images.job' → onImageJob, 'images.progress' → onImageProgress, 'images.changed' → onImagesChanged.
 */
import type { StateCreator } from 'zustand';
import type { AppState } from '../../app/store';
import { createImageFormSlice, type ImageFormSlice } from './images-form';
import { createGallerySlice, type GallerySlice } from './images-gallery';
import { createImageJobsSlice, type ImageJobsSlice } from './images-jobs';

export type ImagesSlice = ImageFormSlice & ImageJobsSlice & GallerySlice;

export const createImagesSlice: StateCreator<AppState, [], [], ImagesSlice> = (...a) => ({
  ...createImageFormSlice(...a),
  ...createImageJobsSlice(...a),
  ...createGallerySlice(...a),
});
