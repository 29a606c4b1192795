/**
 * The clipboard as the quick prompt attaches it (desktop.readClipboard): text, a PNG image, or empty.
 * `image` is Electron's NativeImage as it is (clipboard.readImage()), or a plain object in tests.
 *
 * When the clipboard holds both, text wins: copying spreadsheet cells, a slide or a file in Finder
 * puts a picture of it next to the text, and the text is what the user meant. An image alone (a
 * screenshot, "Copy image" in a browser) is sent as PNG.
 */
import type { ClipboardContent } from '../../../shared/desktop/quick-prompt';

export interface ImageLike {
  isEmpty(): boolean;
  toPNG(): Uint8Array;
  getSize(): { width: number; height: number };
}

export function clipboardContent(text: string, image: () => ImageLike): ClipboardContent {
  if (text.trim() !== '') return { kind: 'text', text };
  const img = image();
  if (img.isEmpty()) return { kind: 'empty' };
  const png = Buffer.from(img.toPNG());
  if (png.length === 0) return { kind: 'empty' };
  const { width, height } = img.getSize();
  return { kind: 'image', mime: 'image/png', dataBase64: png.toString('base64'), size: png.length, width, height };
}
