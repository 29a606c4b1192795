import { expect, it } from 'vitest';
import { ThumbCache } from './thumb-cache';

it('drops the least recently used past its capacity; touch keeps ids in view', () => {
  const c = new ThumbCache(3);
  c.set('a', 'A');
  c.set('b', 'B');
  c.set('c', null);
  c.touch(['a', 'zzz']);
  c.set('d', 'D');
  expect(c.has('b')).toBe(false);
  expect(c.peek('a')).toBe('A');
  expect(c.peek('c')).toBeNull();
  expect(c.peek('b')).toBeUndefined();
  expect(c.size).toBe(3);
});
