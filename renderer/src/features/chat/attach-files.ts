/**
 * Preparing files to attach, in the page: images are downscaled (long side at most 1568 px, JPEG or
 * WebP at 0.85; small PNGs and GIFs kept as they are) and every file is read as base64. Text files
 * over the limit are refused here already, with the same message the app gives.
 */

import { TEXT_LIMIT_BYTES } from '../../../../shared/limits';

export const MAX_IMAGE_SIDE = 1568;
const KEEP_PNG_BYTES = 512 * 1024;
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

export interface PreparedFile {
  name: string;
  mime: string;
  dataBase64: string;
  size: number;
  width?: number;
  height?: number;
  /** A data: URL for the chip's thumbnail (images only). */
  preview?: string;
}

export class AttachError extends Error {}

const kb = (n: number) => `${Math.max(1, Math.round(n / 1024))} KB`;

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return kb(bytes);
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function readDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(blob);
  });
}

const base64Of = (dataUrl: string) => dataUrl.slice(dataUrl.indexOf(',') + 1);

export async function prepareFile(file: File): Promise<PreparedFile> {
  if (file.type.startsWith('image/')) return prepareImage(file);
  if (file.size > TEXT_LIMIT_BYTES) {
    throw new AttachError(
      `"${file.name}" is too large (${kb(file.size)}); text files can be up to ${kb(TEXT_LIMIT_BYTES)}. Attach a shorter excerpt.`,
    );
  }
  const url = await readDataUrl(file);
  return { name: file.name, mime: file.type || 'text/plain', dataBase64: base64Of(url), size: file.size };
}

async function prepareImage(file: File): Promise<PreparedFile> {
  if (!IMAGE_TYPES.includes(file.type)) {
    throw new AttachError(`"${file.name}" is a ${file.type} image; Hearth can attach PNG, JPEG, WebP and GIF images.`);
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new AttachError(`"${file.name}" could not be read as an image (is the file damaged?).`);
  }
  const { width, height } = bitmap;
  const long = Math.max(width, height);
  const keep =
    file.type === 'image/gif' || (long <= MAX_IMAGE_SIDE && (file.type !== 'image/png' || file.size <= KEEP_PNG_BYTES));
  if (keep) {
    bitmap.close();
    const url = await readDataUrl(file);
    return {
      name: file.name,
      mime: file.type,
      dataBase64: base64Of(url),
      size: file.size,
      width,
      height,
      preview: url,
    };
  }
  const scale = Math.min(1, MAX_IMAGE_SIDE / long);
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new AttachError(`"${file.name}" could not be resized (no canvas available).`);
  ctx.drawImage(bitmap, 0, 0, w, h);
  bitmap.close();
  // JPEG stays JPEG; PNG and WebP become WebP, which keeps transparency.
  const type = file.type === 'image/jpeg' ? 'image/jpeg' : 'image/webp';
  const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, type, 0.85));
  if (!blob) throw new AttachError(`"${file.name}" could not be resized.`);
  const url = await readDataUrl(blob);
  const name = type === 'image/webp' ? file.name.replace(/\.(png|webp)$/i, '') + '.webp' : file.name;
  return { name, mime: type, dataBase64: base64Of(url), size: blob.size, width: w, height: h, preview: url };
}
