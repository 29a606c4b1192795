/**
 * Merge a streamed delta into text we already hold. Deltas carry the offset they start at, so a
 * delta that overlaps text fetched from the store is trimmed, and one past a gap is refused
 * (the caller then refetches).
 */
export function mergeDelta(current: string, offset: number, delta: string): string | null {
  if (offset > current.length) return null;
  const end = offset + delta.length;
  if (end <= current.length) return current;
  return current + delta.slice(current.length - offset);
}
