import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { tinyPng } from '../../../e2e/support/images';
import { makeThumbnail, sniffImage, toPng } from './image-files';

/** A PNG drawn by a function of (x, y) → [r, g, b, a]. */
function drawPng(width: number, height: number, px: (x: number, y: number) => number[]): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) png.data.set(px(x, y), (y * width + x) * 4);
  return PNG.sync.write(png);
}

function drawJpeg(width: number, height: number, px: (x: number, y: number) => number[]): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(px(x, y), (y * width + x) * 4);
  return jpeg.encode({ width, height, data }, 90).data;
}

const webpLossy = (w: number, h: number) => {
  const b = Buffer.alloc(30);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(22, 4);
  b.write('WEBPVP8 ', 8, 'latin1');
  b.writeUInt32LE(10, 16);
  b.set([0x9d, 0x01, 0x2a], 23);
  b.writeUInt16LE(w, 26);
  b.writeUInt16LE(h, 28);
  return b;
};
const webpLossless = (w: number, h: number) => {
  const b = Buffer.alloc(30);
  b.write('RIFFxxxxWEBPVP8L', 0, 'latin1');
  b[20] = 0x2f;
  b.writeUInt32LE(((w - 1) & 0x3fff) | (((h - 1) & 0x3fff) << 14), 21);
  return b;
};
const webpExtended = (w: number, h: number) => {
  const b = Buffer.alloc(30);
  b.write('RIFFxxxxWEBPVP8X', 0, 'latin1');
  b.writeUIntLE(w - 1, 24, 3);
  b.writeUIntLE(h - 1, 27, 3);
  return b;
};
const gif = (w: number, h: number) => {
  const b = Buffer.alloc(13);
  b.write('GIF89a', 0, 'latin1');
  b.writeUInt16LE(w, 6);
  b.writeUInt16LE(h, 8);
  return b;
};

describe('sniffImage', () => {
  it('reads type and size from PNG, JPEG, WebP (lossy, lossless, extended) and GIF headers', () => {
    expect(sniffImage(tinyPng(7, 5))).toEqual({ mime: 'image/png', width: 7, height: 5 });
    expect(sniffImage(drawJpeg(40, 24, () => [10, 20, 30, 255]))).toEqual({
      mime: 'image/jpeg',
      width: 40,
      height: 24,
    });
    expect(sniffImage(webpLossy(1024, 768))).toEqual({ mime: 'image/webp', width: 1024, height: 768 });
    expect(sniffImage(webpLossless(1536, 1024))).toEqual({ mime: 'image/webp', width: 1536, height: 1024 });
    expect(sniffImage(webpExtended(5000, 3000))).toEqual({ mime: 'image/webp', width: 5000, height: 3000 });
    expect(sniffImage(gif(320, 200))).toEqual({ mime: 'image/gif', width: 320, height: 200 });
  });

  it('finds the JPEG frame size after EXIF and other segments, and says null for junk', () => {
    const plain = drawJpeg(16, 8, () => [0, 0, 0, 255]);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0x00, 0x0c]), Buffer.from('Exif\0\0abcd', 'latin1')]);
    const withExif = Buffer.concat([plain.subarray(0, 2), app1, plain.subarray(2)]);
    expect(sniffImage(withExif)).toEqual({ mime: 'image/jpeg', width: 16, height: 8 });
    expect(sniffImage(Buffer.from('definitely not an image'))).toBeNull();
    expect(sniffImage(Buffer.alloc(0))).toBeNull();
    expect(sniffImage(plain.subarray(0, 12))).toBeNull();
  });
});

describe('makeThumbnail', () => {
  it('makes a JPEG no larger than maxSide, keeping the aspect ratio, that decodes', async () => {
    const thumb = await makeThumbnail(drawPng(1024, 768, (x, y) => [x & 255, y & 255, 128, 255]));
    expect(thumb).toMatchObject({ mime: 'image/jpeg', width: 320, height: 240 });
    const decoded = jpeg.decode(thumb!.data);
    expect([decoded.width, decoded.height]).toEqual([320, 240]);
    const small = await makeThumbnail(tinyPng(100, 50), 64);
    expect([small!.width, small!.height]).toEqual([64, 32]);
  });

  it('never enlarges a small image', async () => {
    const thumb = await makeThumbnail(tinyPng(30, 20));
    expect([thumb!.width, thumb!.height]).toEqual([30, 20]);
  });

  it('averages areas in linear light: a fine black/white checkerboard becomes even mid-grey, not noise', async () => {
    const board = drawPng(640, 640, (x, y) => ((x + y) & 1 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
    const thumb = await makeThumbnail(board, 320);
    const px = jpeg.decode(thumb!.data).data;
    let min = 255;
    let max = 0;
    for (let i = 0; i < px.length; i += 4) {
      min = Math.min(min, px[i]!);
      max = Math.max(max, px[i]!);
    }
    // Half the light of white is sRGB 188; a naive sRGB average would give 128 and nearest-neighbour 0 or 255.
    expect(min).toBeGreaterThan(180);
    expect(max).toBeLessThan(196);
  });

  it('lays transparent pixels on a neutral grey instead of black', async () => {
    const thumb = await makeThumbnail(
      drawPng(64, 64, () => [255, 0, 0, 0]),
      32,
    );
    const px = jpeg.decode(thumb!.data).data;
    for (const c of [px[0]!, px[1]!, px[2]!]) expect(Math.abs(c - 128)).toBeLessThan(6);
    const half = await makeThumbnail(
      drawPng(64, 64, () => [255, 255, 255, 128]),
      32,
    );
    expect(jpeg.decode(half!.data).data[0]).toBeGreaterThan(190); // half white over grey: lighter than the grey
  });

  it('thumbnails JPEGs too; resolves null for WebP, GIF and damaged files', async () => {
    const thumb = await makeThumbnail(drawJpeg(800, 1200, () => [200, 100, 50, 255]));
    expect([thumb!.width, thumb!.height]).toEqual([213, 320]);
    const c = jpeg.decode(thumb!.data).data;
    expect(Math.abs(c[0]! - 200) + Math.abs(c[1]! - 100) + Math.abs(c[2]! - 50)).toBeLessThan(15);
    expect(await makeThumbnail(webpLossy(64, 64))).toBeNull();
    expect(await makeThumbnail(gif(64, 64))).toBeNull();
    expect(await makeThumbnail(tinyPng(64, 64).subarray(0, 60))).toBeNull();
    expect(await makeThumbnail(Buffer.from('nope, not an image'))).toBeNull();
  });

  it('makes a 320 px JPEG thumbnail of a large noisy PNG (its speed is measured by the bench, not here)', async () => {
    let seed = 7;
    const noise = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 255;
    const big = drawPng(1024, 768, (x, y) => [noise(), (x + y) & 255, noise(), 255]);
    const thumb = await makeThumbnail(big);
    expect(thumb).not.toBeNull();
    expect(sniffImage(thumb!.data)).toMatchObject({ mime: 'image/jpeg', width: 320, height: 240 });
    expect(thumb!.data.length).toBeLessThan(big.length / 10);
  });
});

describe('toPng', () => {
  it('passes a PNG through unchanged', () => {
    const png = tinyPng();
    expect(toPng(png)).toBe(png);
  });

  it('re-encodes a JPEG as a PNG with the same size and colours', () => {
    const out = toPng(drawJpeg(48, 32, (x) => (x < 24 ? [220, 30, 30, 255] : [30, 30, 220, 255])));
    expect(sniffImage(out)).toEqual({ mime: 'image/png', width: 48, height: 32 });
    const png = PNG.sync.read(out, { checkCRC: true });
    expect([png.data[0], png.data[3]]).toEqual([expect.closeTo(220, -1.2), 255]);
    const right = (10 * 48 + 40) * 4;
    expect(png.data[right + 2]).toBeGreaterThan(200);
  });

  it('refuses other formats in plain words', () => {
    expect(() => toPng(webpLossy(8, 8))).toThrow("Can't convert WEBP to PNG");
    expect(() => toPng(gif(8, 8))).toThrow("Can't convert GIF to PNG");
    expect(() => toPng(Buffer.from('hello there, world'))).toThrow(/Not an image Hearth can read/);
  });
});
