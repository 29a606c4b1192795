/**
 * The browser's side of the quick prompt's clipboard key (serve; the desktop app reads the clipboard
 * in the main process): navigator.clipboard.read() for an image, else the text; a refusal (no
 * permission, not a secure context) becomes ClipboardDenied so the page can say to paste instead.
 * Images are scaled and encoded like the chat's attachments (attach-files.ts).
 */
import type { ClipboardContent } from '../../../../shared/desktop/quick-prompt';
import { prepareFile } from '../chat/attach-files';
import { ClipboardDenied } from './quick-store';

/** An image file (pasted, or read from the clipboard) as clipboard content. */
export async function imageContent(file: File): Promise<ClipboardContent> {
  const p = await prepareFile(file);
  return {
    kind: 'image',
    mime: p.mime,
    dataBase64: p.dataBase64,
    size: p.size,
    width: p.width ?? 1,
    height: p.height ?? 1,
  };
}

const denied = (err: unknown) =>
  err instanceof DOMException && (err.name === 'NotAllowedError' || err.name === 'SecurityError');

function textContent(text: string): ClipboardContent {
  return text ? { kind: 'text', text } : { kind: 'empty' };
}

export async function readBrowserClipboard(): Promise<ClipboardContent> {
  const clipboard = navigator.clipboard as Clipboard | undefined;
  if (!clipboard) throw new ClipboardDenied('no clipboard access');
  if (typeof clipboard.read === 'function') {
    let items: ClipboardItems | null = null;
    try {
      items = await clipboard.read();
    } catch (err) {
      if (denied(err)) throw new ClipboardDenied('not allowed');
      // Nothing the browser can hand over as items (an empty clipboard): try the text.
    }
    if (items) {
      for (const item of items) {
        const image = item.types.find((t) => t.startsWith('image/'));
        if (image) {
          const blob = await item.getType(image);
          return imageContent(new File([blob], `Clipboard.${image.split('/')[1] ?? 'png'}`, { type: image }));
        }
      }
      for (const item of items) {
        if (item.types.includes('text/plain')) return textContent(await (await item.getType('text/plain')).text());
      }
      return { kind: 'empty' };
    }
  }
  try {
    return textContent(await clipboard.readText());
  } catch (err) {
    if (denied(err) || !(err instanceof DOMException)) throw new ClipboardDenied('not allowed');
    return { kind: 'empty' };
  }
}
