/**
 * Gallery images in Hearth JSON (from version 4): each live image's row and its bytes (base64). A
 * full export carries the whole gallery; one chat's export, the images made for that chat.
 *
 * Importing writes each image not already here (same id, deleted ones too) as a file under
 * <data>/images (GalleryFiles: temp name, then rename; the path checked to stay inside) and its
 * row. The bytes decide the type (PNG, JPEG, WebP or GIF; anything else is skipped with a reason),
 * and an id that does not have the app's shape is replaced by a new one, so nothing from the file
 * names a path.
 */
import { z } from 'zod';
import type { ImportReport } from '../../../../shared/types/domain';
import type { ImageRequest } from '../../../../shared/types/images';
import { AppError } from '../../../../shared/types/errors';
import { isEntityId } from '../../../../shared/ids';
import { uuidv7 } from '../../../../shared/uuidv7';
import { sniffImage } from '../../attachments/file-kind';
import type { GalleryFiles } from '../../images/gallery-files';
import type { ExportRepo } from '../../store/export-repo';
import { toGalleryImage } from '../../store/image-repo';
import type { ImportContext } from './hearth-json';

/** A chat or message id an image points at: kept when it has the app's shape, else dropped. */
const refSchema = z.string().max(1024).nullable().optional();

export const hearthImageSchema = z.object({
  /** Any string: an id that does not have the app's shape is replaced by a new one on import. */
  id: z.string().max(1024),
  prompt: z.string(),
  negativePrompt: z.string().optional(),
  params: z.record(z.string(), z.unknown()).nullable().optional(),
  backendKind: z.enum(['a1111', 'comfyui', 'openai']),
  backendLabel: z.string().max(200),
  model: z.string().nullable().optional(),
  seed: z.number().int().nullable().optional(),
  info: z.unknown().optional(),
  /** As exported; on import the bytes decide. */
  mime: z.string().max(127),
  width: z.number().int().min(0).nullable().optional(),
  height: z.number().int().min(0).nullable().optional(),
  chatId: refSchema,
  messageId: refSchema,
  createdAt: z.number().int(),
  dataBase64: z.string(),
});

export type HearthImage = z.infer<typeof hearthImageSchema>;

/**
 * The live gallery (or the images made for `chatId`) with their bytes. An image whose file is gone
 * is left out, as an attachment's is: the rest is exported.
 */
export function exportHearthImages(store: ExportRepo, gallery: GalleryFiles, chatId?: string): HearthImage[] {
  const out: HearthImage[] = [];
  for (const row of store.images(chatId)) {
    let dataBase64: string;
    try {
      dataBase64 = gallery.read(row.path).toString('base64');
    } catch {
      continue; // the file is gone: export the rest
    }
    const g = toGalleryImage(row);
    out.push({
      id: g.id,
      prompt: g.prompt,
      negativePrompt: g.negativePrompt,
      params: g.params as unknown as Record<string, unknown>,
      backendKind: g.backendKind,
      backendLabel: g.backendLabel,
      model: g.model,
      seed: g.seed,
      // A row without info has none in the file either (null would come back as JSON null).
      ...(row.info === null ? {} : { info: g.info }),
      mime: g.mime,
      width: g.width,
      height: g.height,
      chatId: g.chatId,
      messageId: g.messageId,
      createdAt: g.createdAt,
      dataBase64,
    });
  }
  return out;
}

export interface ImagesImported {
  /** Ids of the images written. */
  imported: string[];
  skipped: ImportReport['skipped'];
}

/**
 * Write the images not already here, inside the caller's transaction (ImportRepo.writeBatch);
 * each file written is appended to `written`, so a failed import removes it.
 */
export function importHearthImages(
  ctx: Pick<ImportContext, 'repo' | 'gallery'>,
  images: readonly HearthImage[],
  written: string[],
): ImagesImported {
  const result: ImagesImported = { imported: [], skipped: [] };
  for (const image of images) {
    const what = `image "${short(image.prompt)}"`;
    // The id names the file on disk: one that does not fit the app's shape is never used.
    const id = isEntityId(image.id) ? image.id : uuidv7();
    if (ctx.repo.imageExists(id)) {
      result.skipped.push({ what, why: 'already in Hearth (same id)' });
      continue;
    }
    const bytes = Buffer.from(image.dataBase64, 'base64');
    const mime = sniffImage(bytes);
    if (!mime) {
      result.skipped.push({ what, why: 'its data is not a PNG, JPEG, WebP or GIF image' });
      continue;
    }
    let path: string;
    try {
      path = ctx.gallery.write(id, mime, bytes);
    } catch (err) {
      throw writeError(err, what, ctx.gallery.dir);
    }
    written.push(ctx.gallery.resolve(path)!);
    ctx.repo.insertImage({
      id,
      prompt: image.prompt,
      negativePrompt: image.negativePrompt ?? '',
      params: (image.params ?? { prompt: image.prompt }) as unknown as ImageRequest,
      backendKind: image.backendKind,
      backendLabel: image.backendLabel,
      model: image.model ?? null,
      seed: image.seed ?? null,
      info: image.info,
      mime,
      size: bytes.length,
      width: image.width ?? null,
      height: image.height ?? null,
      path,
      chatId: isEntityId(image.chatId) ? image.chatId : null,
      messageId: isEntityId(image.messageId) ? image.messageId : null,
      createdAt: image.createdAt,
    });
    result.imported.push(id);
  }
  return result;
}

/** A prompt short enough to name an image in a report. */
function short(prompt: string): string {
  const one = prompt.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 59)}…` : one || 'untitled';
}

/** A file that cannot be written stops the import (everything is undone): say why in plain words. */
function writeError(err: unknown, what: string, dir: string): AppError {
  if (err instanceof AppError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new AppError('disk_full', `Could not save ${what}: the disk is full. Free some space and import again.`);
  }
  return new AppError(
    'internal',
    `Could not save ${what} in ${dir} (${code ?? (err as Error).message}). Nothing was imported.`,
  );
}
