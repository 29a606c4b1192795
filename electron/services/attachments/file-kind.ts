/**
 * What an attachment's bytes really are: images by their magic bytes (never by the declared mime
 * alone), text by being valid UTF-8 without NUL bytes; anything else is refused.
 */

export type ImageMime = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';

export const IMAGE_EXT: Record<ImageMime, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

/** The image type the bytes start with, or null. */
export function sniffImage(bytes: Uint8Array): ImageMime | null {
  const at = (i: number, ...values: number[]) => values.every((v, k) => bytes[i + k] === v);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  if (at(0, 0x47, 0x49, 0x46, 0x38, 0x37, 0x61) || at(0, 0x47, 0x49, 0x46, 0x38, 0x39, 0x61)) return 'image/gif';
  return null;
}

/** The image type a base64 string starts with (enough for a data: URL), or null. */
export function sniffBase64Image(base64: string): ImageMime | null {
  const head = Buffer.from(base64.slice(0, 24), 'base64');
  return sniffImage(head);
}

/** UTF-8 text: decodes strictly and holds no NUL byte (which no text file has). */
export function isUtf8Text(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** A safe file extension for a text attachment, from its name. */
export function textExtension(name: string): string {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(name);
  return m ? m[1]!.toLowerCase() : 'txt';
}

/** The mime to store for a text file: the declared one when it is a text type, else text/plain. */
export function textMime(declared: string): string {
  const m = declared.trim().toLowerCase();
  if (/^text\/[a-z0-9.+-]+$/.test(m)) return m;
  if (/^application\/([a-z0-9.+-]*\+)?(json|xml|javascript|x-yaml|yaml|toml|x-sh|sql|x-python)$/.test(m)) return m;
  return 'text/plain';
}
