import { describe, expect, it } from 'vitest';
import { closeOpenMarkers, normalizeMathDelimiters, splitBlocks, splitIncremental } from './split-blocks';

const DOC = [
  '# Title',
  '',
  'A paragraph with **bold**.',
  '',
  '- one',
  '- two',
  '',
  '- three (same list, loose)',
  '',
  '```ts',
  'const a = 1;',
  '',
  'const b = 2;',
  '```',
  '',
  '| a | b |',
  '|---|---|',
  '| 1 | 2 |',
  '',
  '$$',
  'x^2',
  '',
  'y',
  '$$',
  '',
  'Last line.',
].join('\n');

describe('splitBlocks', () => {
  it('splits at blank lines outside fences and math, keeping lists together', () => {
    expect(splitBlocks(DOC)).toEqual([
      '# Title',
      'A paragraph with **bold**.',
      '- one\n- two\n\n- three (same list, loose)',
      '```ts\nconst a = 1;\n\nconst b = 2;\n```',
      '| a | b |\n|---|---|\n| 1 | 2 |',
      '$$\nx^2\n\ny\n$$',
      'Last line.',
    ]);
  });

  it('keeps indented continuation after a blank line in the same block', () => {
    expect(splitBlocks('1. step\n\n   more of step one\n\nAfter')).toEqual(['1. step\n\n   more of step one', 'After']);
  });

  it('an unterminated fence swallows the rest (it renders as code while streaming)', () => {
    expect(splitBlocks('Intro\n\n```py\nprint(1)\n\nprint(2)')).toEqual(['Intro', '```py\nprint(1)\n\nprint(2)']);
  });
});

describe('splitIncremental', () => {
  it('gives the same blocks as a full split for every prefix, reusing finished blocks', () => {
    let prev = null as ReturnType<typeof splitIncremental> | null;
    for (let n = 1; n <= DOC.length; n += 3) {
      const text = DOC.slice(0, n);
      const next = splitIncremental(prev, text);
      const full = splitIncremental(null, text);
      expect(next.done).toEqual(full.done);
      expect(next.tail).toBe(full.tail);
      if (prev) {
        // Finished blocks are the very same objects: memoised components never see new props.
        for (let i = 0; i < prev.done.length; i++) expect(next.done[i]).toBe(prev.done[i]);
      }
      prev = next;
    }
  });

  it('starts over when the text is not an extension (edited or regenerated)', () => {
    const a = splitIncremental(null, 'one\n\ntwo\n\nthree');
    const b = splitIncremental(a, 'uno\n\ndos');
    expect(b.done).toEqual(['uno']);
    expect(b.tail).toBe('dos');
  });

  it('returns the previous result for identical text', () => {
    const a = splitIncremental(null, 'x\n\ny');
    expect(splitIncremental(a, 'x\n\ny')).toBe(a);
  });
});

describe('closeOpenMarkers', () => {
  it('closes an open ** and a lone backtick while streaming', () => {
    expect(closeOpenMarkers('some **bold')).toBe('some **bold**');
    expect(closeOpenMarkers('call `foo')).toBe('call `foo`');
    expect(closeOpenMarkers('done **bold** here')).toBe('done **bold** here');
  });
  it('leaves an open code fence alone', () => {
    expect(closeOpenMarkers('```js\nconst a = "**"')).toBe('```js\nconst a = "**"');
  });
});

describe('normalizeMathDelimiters', () => {
  it('turns \\(…\\) and \\[…\\] into dollar math outside code', () => {
    expect(normalizeMathDelimiters('so \\(a+b\\) and')).toBe('so $a+b$ and');
    expect(normalizeMathDelimiters('\\[x^2\\]')).toBe('\n$$\nx^2\n$$\n');
    expect(normalizeMathDelimiters('`\\(not math\\)`')).toBe('`\\(not math\\)`');
    expect(normalizeMathDelimiters('```\n\\(code\\)\n```')).toBe('```\n\\(code\\)\n```');
  });
});
