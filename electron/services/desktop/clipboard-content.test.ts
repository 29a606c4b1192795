import { describe, expect, it } from 'vitest';
import { clipboardContent, type ImageLike } from './clipboard-content';

const image = (bytes: number[], size = { width: 2, height: 1 }): ImageLike => ({
  isEmpty: () => bytes.length === 0,
  toPNG: () => Uint8Array.from(bytes),
  getSize: () => size,
});

describe('clipboardContent', () => {
  it('gives the text when there is any, without reading the image', () => {
    let read = false;
    expect(
      clipboardContent('cell A1\tcell B1', () => {
        read = true;
        return image([1]);
      }),
    ).toEqual({ kind: 'text', text: 'cell A1\tcell B1' });
    expect(read).toBe(false);
  });

  it('gives an image alone as PNG with its size', () => {
    expect(clipboardContent('', () => image([137, 80, 78, 71], { width: 640, height: 480 }))).toEqual({
      kind: 'image',
      mime: 'image/png',
      dataBase64: Buffer.from([137, 80, 78, 71]).toString('base64'),
      size: 4,
      width: 640,
      height: 480,
    });
  });

  it('is empty when there is neither (whitespace is not text worth attaching)', () => {
    expect(clipboardContent('', () => image([]))).toEqual({ kind: 'empty' });
    expect(clipboardContent('  \n', () => image([]))).toEqual({ kind: 'empty' });
  });
});
