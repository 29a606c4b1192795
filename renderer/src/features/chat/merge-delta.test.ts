import { describe, expect, it } from 'vitest';
import { mergeDelta } from './merge-delta';

describe('mergeDelta', () => {
  it('appends a delta that starts exactly where the text ends', () => {
    expect(mergeDelta('', 0, 'Hello')).toBe('Hello');
    expect(mergeDelta('Hello', 5, ', world')).toBe('Hello, world');
  });

  it('trims the part of a delta the text already holds (fetched from the store meanwhile)', () => {
    expect(mergeDelta('Hello, wo', 5, ', world')).toBe('Hello, world');
    expect(mergeDelta('Hello, world', 7, 'world!')).toBe('Hello, world!');
  });

  it('ignores a delta the text already contains completely', () => {
    expect(mergeDelta('Hello, world', 5, ', wor')).toBe('Hello, world');
    expect(mergeDelta('Hello, world', 0, 'Hello, world')).toBe('Hello, world');
  });

  it('refuses a delta past a gap (null: the caller refetches)', () => {
    expect(mergeDelta('Hello', 6, 'world')).toBeNull();
    expect(mergeDelta('', 1, 'x')).toBeNull();
  });

  it('rebuilds the full text from out-of-order, duplicated and overlapping deltas once the gap is filled', () => {
    const full = 'The quick brown fox jumps over the lazy dog.';
    const pieces = [
      { offset: 0, delta: full.slice(0, 10) },
      { offset: 20, delta: full.slice(20, 30) }, // arrives early: gap
      { offset: 10, delta: full.slice(10, 20) },
      { offset: 10, delta: full.slice(10, 20) }, // duplicate
      { offset: 15, delta: full.slice(15, 30) }, // overlap
      { offset: 30, delta: full.slice(30) },
    ];
    let text = '';
    let refused = 0;
    for (const p of pieces) {
      const next = mergeDelta(text, p.offset, p.delta);
      if (next === null) refused++;
      else text = next;
    }
    expect(refused).toBe(1);
    expect(text).toBe(full);
  });
});
