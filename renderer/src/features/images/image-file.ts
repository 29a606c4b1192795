/**
 * Image bytes in the page: base64 (images.png) to a Blob, saving it as a download, copying it to the
 * clipboard, and shrinking a full-size data URL into a thumbnail when the app had none to give.
 * No fetch() of data: URLs (the serve CSP's connect-src does not allow them).
 */

export function base64ToBlob(base64: string, mime: string): Blob {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type: mime });
}

/** Save bytes through the browser's download (a Blob URL and an <a download>). */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Put a PNG on the clipboard. The Blob is handed over as a promise so the write starts while the
 * click's user activation is fresh (Safari requires it); the bytes arrive after. Throws a message
 * in words when the browser has no image clipboard or refuses.
 */
export async function copyPng(png: Promise<Blob>): Promise<void> {
  let readError: unknown = null;
  const bytes = png.catch((err: unknown) => {
    readError = err;
    throw err;
  });
  if (typeof ClipboardItem === 'undefined' || !navigator.clipboard?.write) {
    bytes.catch(() => {});
    throw new Error('This browser does not let pages copy images. Use Save as PNG instead.');
  }
  try {
    await navigator.clipboard.write([new ClipboardItem({ 'image/png': bytes })]);
  } catch (err) {
    if (readError) throw new Error(`Could not read the image: ${messageOf(readError)}`);
    const name = err instanceof DOMException ? err.name : '';
    if (name === 'NotAllowedError' || name === 'SecurityError')
      throw new Error('The browser refused to copy the image (clipboard permission). Use Save as PNG instead.');
    throw new Error(`The browser refused to copy the image (${messageOf(err)}). Use Save as PNG instead.`);
  }
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * A JPEG data URL of at most `max` px on its longer side, drawn from `dataUrl`; the original when
 * the page cannot draw (no DOM, e.g. in tests) or the image does not decode.
 */
export async function shrinkDataUrl(dataUrl: string, max = 320): Promise<string> {
  if (typeof document === 'undefined' || typeof Image === 'undefined') return dataUrl;
  try {
    const img = new Image();
    img.src = dataUrl;
    await img.decode();
    const scale = Math.min(1, max / Math.max(img.naturalWidth, img.naturalHeight, 1));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
    canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) return dataUrl;
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL('image/jpeg', 0.82);
  } catch {
    return dataUrl;
  }
}
