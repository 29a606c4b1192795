/**
 * The gallery's files: `<data>/images/<id>.<ext>` (written under a temp name, then renamed, so no
 * half-written file carries a real name) and thumbnails cached in `<data>/images/thumbs/<id>.jpg`
 * (made once, on first request). Every path built from data is checked to stay under images/.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isEntityId } from '../../../shared/ids';
import { AppError } from '../../../shared/types/errors';
import { inside } from '../util/safe-path';
import { makeThumbnail } from './image-files';

export const IMAGE_EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

export class GalleryFiles {
  readonly dir: string;
  private readonly thumbDir: string;

  constructor(readonly dataDir: string) {
    this.dir = join(dataDir, 'images');
    this.thumbDir = join(this.dir, 'thumbs');
  }

  /** Write an image's bytes; returns its path relative to the data folder. */
  write(id: string, mime: string, bytes: Uint8Array): string {
    if (!isEntityId(id)) throw new AppError('invalid_input', 'An image id must be letters, digits, _ or -.');
    const ext = IMAGE_EXTENSIONS[mime];
    if (!ext) throw new AppError('invalid_input', `Hearth keeps PNG, JPEG, WebP and GIF images, not ${mime}.`);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const target = inside(this.dir, `${id}.${ext}`);
    if (!target) throw new AppError('invalid_input', 'That image id does not make a file name.');
    const temp = join(this.dir, `.${randomBytes(6).toString('hex')}.part`);
    try {
      writeFileSync(temp, bytes, { flag: 'wx', mode: 0o600 });
      renameSync(temp, target);
    } catch (err) {
      rmSync(temp, { force: true });
      throw err;
    }
    return `images/${id}.${ext}`;
  }

  /** The absolute path of a stored relative path, or null when it would leave images/. */
  resolve(relPath: string): string | null {
    if (!relPath.startsWith('images/')) return null;
    return inside(this.dir, relPath.slice('images/'.length));
  }

  read(relPath: string): Buffer {
    const file = this.resolve(relPath);
    if (!file || !existsSync(file))
      throw new AppError('not_found', 'The image file is missing from the images folder.');
    return readFileSync(file);
  }

  exists(relPath: string): boolean {
    const file = this.resolve(relPath);
    return !!file && existsSync(file);
  }

  /** A JPEG thumbnail, made on first request and cached; null when the format cannot be scaled here. */
  async thumbnail(id: string, relPath: string): Promise<{ data: Buffer; mime: string } | null> {
    const cached = inside(this.thumbDir, `${id}.jpg`);
    if (!cached) return null;
    if (existsSync(cached)) return { data: readFileSync(cached), mime: 'image/jpeg' };
    // Making one takes tens of milliseconds of this thread: let waiting work (a streaming answer,
    // other requests) run first, so a page of new thumbnails never holds it for long in one go.
    await new Promise((resolve) => setImmediate(resolve));
    const thumb = await makeThumbnail(this.read(relPath));
    if (!thumb) return null;
    try {
      mkdirSync(this.thumbDir, { recursive: true, mode: 0o700 });
      const temp = join(this.thumbDir, `.${randomBytes(6).toString('hex')}.part`);
      writeFileSync(temp, thumb.data, { mode: 0o600 });
      renameSync(temp, cached);
    } catch {
      // A cache that cannot be written (a full disk) only costs making it again next time.
    }
    return { data: thumb.data, mime: thumb.mime };
  }

  remove(id: string, relPath: string): void {
    const file = this.resolve(relPath);
    if (file) rmSync(file, { force: true });
    const thumb = inside(this.thumbDir, `${id}.jpg`);
    if (thumb) rmSync(thumb, { force: true });
  }
}
