/**
 * Messages form a tree through parentId: a regenerated answer or an edited question is a sibling
 * of the one it replaces. These pure helpers find the branch on screen (root → leaf), a message's
 * siblings and the newest leaf. Shared by the services and the renderer; no I/O.
 */

export interface TreeNode {
  id: string;
  parentId: string | null;
  createdAt: number;
}

/** Oldest first; ids are UUIDv7 (time-ordered), so they break ties between equal timestamps. */
export function compareAge(a: TreeNode, b: TreeNode): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Children of every message (key null = the roots), each list oldest first. */
export function childrenIndex<T extends TreeNode>(messages: readonly T[]): Map<string | null, T[]> {
  const index = new Map<string | null, T[]>();
  for (const m of messages) {
    const list = index.get(m.parentId) ?? [];
    list.push(m);
    index.set(m.parentId, list);
  }
  for (const list of index.values()) list.sort(compareAge);
  return index;
}

/** The newest leaf among all messages, or null for an empty chat. */
export function newestLeaf<T extends TreeNode>(messages: readonly T[]): T | null {
  const index = childrenIndex(messages);
  let best: T | null = null;
  for (const m of messages) {
    if (index.has(m.id)) continue;
    if (!best || compareAge(m, best) > 0) best = m;
  }
  return best;
}

/** The newest leaf in the subtree under `id` (the message itself when it has no children). */
export function newestLeafUnder<T extends TreeNode>(messages: readonly T[], id: string): T | null {
  const index = childrenIndex(messages);
  const start = messages.find((m) => m.id === id);
  if (!start) return null;
  let best: T | null = null;
  const stack: T[] = [start];
  while (stack.length) {
    const m = stack.pop()!;
    const kids = index.get(m.id);
    if (kids?.length) stack.push(...kids);
    else if (!best || compareAge(m, best) > 0) best = m;
  }
  return best;
}

/** Root → `id`, inclusive; empty when `id` is unknown. Stops on a cycle rather than looping. */
export function pathTo<T extends TreeNode>(messages: readonly T[], id: string | null): T[] {
  if (!id) return [];
  const byId = new Map(messages.map((m) => [m.id, m]));
  const path: T[] = [];
  const seen = new Set<string>();
  let cur = byId.get(id);
  while (cur && !seen.has(cur.id)) {
    seen.add(cur.id);
    path.push(cur);
    cur = cur.parentId ? byId.get(cur.parentId) : undefined;
  }
  return path.reverse();
}

/** The leaf the chat shows: `currentLeafId` resolved to the newest leaf under it, else the newest leaf. */
export function resolveLeaf<T extends TreeNode>(messages: readonly T[], currentLeafId: string | null): T | null {
  if (currentLeafId) {
    const leaf = newestLeafUnder(messages, currentLeafId);
    if (leaf) return leaf;
  }
  return newestLeaf(messages);
}

/** The branch on screen, root first. */
export function currentPath<T extends TreeNode>(messages: readonly T[], currentLeafId: string | null): T[] {
  return pathTo(messages, resolveLeaf(messages, currentLeafId)?.id ?? null);
}

/** The message and its siblings (same parent), oldest first, and the message's place among them. */
export function siblingsOf<T extends TreeNode>(messages: readonly T[], id: string): { siblings: T[]; index: number } {
  const me = messages.find((m) => m.id === id);
  if (!me) return { siblings: [], index: -1 };
  const siblings = messages.filter((m) => m.parentId === me.parentId).sort(compareAge);
  return { siblings, index: siblings.findIndex((m) => m.id === id) };
}
