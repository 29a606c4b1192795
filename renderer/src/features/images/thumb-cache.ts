/**
 * Thumbnails as data URLs, least recently used dropped first once `capacity` is passed. `null`
 * marks an image whose thumbnail could not be had (it is not asked for again). Reading with `peek`
 * (during render) does not reorder; `touch` marks ids as just used (those in view).
 */
export class ThumbCache {
  private readonly map = new Map<string, string | null>();
  constructor(readonly capacity = 800) {}

  /** The thumbnail, null when there is none to have, undefined when not fetched (or dropped). */
  peek(id: string): string | null | undefined {
    return this.map.get(id);
  }

  has(id: string): boolean {
    return this.map.has(id);
  }

  set(id: string, dataUrl: string | null): void {
    this.map.delete(id);
    this.map.set(id, dataUrl);
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }

  touch(ids: readonly string[]): void {
    for (const id of ids) {
      if (!this.map.has(id)) continue;
      const v = this.map.get(id)!;
      this.map.delete(id);
      this.map.set(id, v);
    }
  }

  get size(): number {
    return this.map.size;
  }
}
