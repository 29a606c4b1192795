/** Where the renderer comes from, and whether a URL is ours (for IPC sender checks and navigation). */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export function rendererEntry(route = ''): { url: string; origin: string } {
  const dev = process.env.ELECTRON_RENDERER_URL;
  if (dev) {
    const u = new URL(dev);
    return { url: new URL(route ? `#${route}` : '', u).toString(), origin: u.origin };
  }
  const file = pathToFileURL(join(__dirname, '../renderer/index.html'));
  if (route) file.hash = route;
  return { url: file.toString(), origin: 'file://' };
}

export function isOwnUrl(url: string): boolean {
  const { origin, url: entry } = rendererEntry();
  if (origin === 'file://') {
    // Only the bundled index.html, not any file on disk.
    return url.split('#')[0] === entry.split('#')[0];
  }
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}
