/**
 * Paths built from data (an id, a stored relative path) must stay inside the folder they belong
 * to. `inside` resolves and checks; it returns null, never a path outside `root`.
 */
import { isAbsolute, relative, resolve } from 'node:path';

/** The absolute path of `parts` under `root`, or null when it would leave `root` (or is `root` itself). */
export function inside(root: string, ...parts: string[]): string | null {
  if (parts.some((p) => p.includes('\0'))) return null;
  const base = resolve(root);
  const target = resolve(base, ...parts);
  const rel = relative(base, target);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return null;
  return target;
}
