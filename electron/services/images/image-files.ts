/**
 * Image bytes for the gallery, without a native image library:
 *
 *   sniffImage(buf)              type and size from the header (PNG, JPEG, WebP, GIF), or null
 *   makeThumbnail(buf, maxSide)  a small JPEG (PNG/JPEG in; null for what it cannot decode)
 *   toPng(buf)                   PNG as is, JPEG re-encoded as PNG; anything else throws
 *
 * Decoding is pngjs and jpeg-js. Thumbnails are an area average in linear light, with transparent
 * pixels laid on a neutral grey, so fine detail neither shimmers nor darkens.
 */
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';

export type SniffedMime = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';

export interface SniffedImage {
  mime: SniffedMime;
  width: number;
  height: number;
}

const ascii = (buf: Buffer, start: number, end: number) => buf.toString('latin1', start, end);

/** What kind of image this is and how big, from its first bytes; null when it is none of the four or is damaged. */
export function sniffImage(buf: Buffer): SniffedImage | null {
  if (buf.length < 12) return null;
  // PNG: signature, then IHDR's width and height.
  if (buf[0] === 0x89 && ascii(buf, 1, 4) === 'PNG') {
    if (buf.length < 24 || ascii(buf, 12, 16) !== 'IHDR') return null;
    return sized('image/png', buf.readUInt32BE(16), buf.readUInt32BE(20));
  }
  if (buf[0] === 0xff && buf[1] === 0xd8) return sniffJpeg(buf);
  if (ascii(buf, 0, 6) === 'GIF87a' || ascii(buf, 0, 6) === 'GIF89a') {
    return sized('image/gif', buf.readUInt16LE(6), buf.readUInt16LE(8));
  }
  if (ascii(buf, 0, 4) === 'RIFF' && ascii(buf, 8, 12) === 'WEBP') return sniffWebp(buf);
  return null;
}

function sized(mime: SniffedMime, width: number, height: number): SniffedImage | null {
  return width > 0 && height > 0 ? { mime, width, height } : null;
}

/** Walk the JPEG markers to the first start-of-frame (SOF0–SOF15, not DHT/JPG/DAC). */
function sniffJpeg(buf: Buffer): SniffedImage | null {
  let at = 2;
  while (at + 4 <= buf.length) {
    if (buf[at] !== 0xff) return null;
    const marker = buf[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    // Markers without a length: TEM, RSTn, SOI.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image / start of scan before any frame
    const length = buf.readUInt16BE(at + 2);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (at + 9 > buf.length) return null;
      return sized('image/jpeg', buf.readUInt16BE(at + 7), buf.readUInt16BE(at + 5));
    }
    if (length < 2) return null;
    at += 2 + length;
  }
  return null;
}

function sniffWebp(buf: Buffer): SniffedImage | null {
  if (buf.length < 30) return null;
  const chunk = ascii(buf, 12, 16);
  if (chunk === 'VP8 ') {
    // Lossy: a 3-byte frame tag, the start code 9d 01 2a, then 14-bit width and height.
    if (buf[23] !== 0x9d || buf[24] !== 0x01 || buf[25] !== 0x2a) return null;
    return sized('image/webp', buf.readUInt16LE(26) & 0x3fff, buf.readUInt16LE(28) & 0x3fff);
  }
  if (chunk === 'VP8L') {
    // Lossless: signature 0x2f, then width-1 and height-1 in 14 bits each, little-endian bit order.
    if (buf[20] !== 0x2f) return null;
    const bits = buf.readUInt32LE(21);
    return sized('image/webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') {
    // Extended: flags and reserved bytes, then canvas width-1 and height-1 in 24 bits each.
    return sized('image/webp', buf.readUIntLE(24, 3) + 1, buf.readUIntLE(27, 3) + 1);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Decoding

interface Rgba {
  width: number;
  height: number;
  /** 8-bit RGBA, row after row. */
  data: Uint8Array;
}

/** Refuse images whose pixels alone would take more than this (a 16k × 16k image is 1 GB of RGBA). */
const MAX_PIXELS = 64 * 1024 * 1024;

function decode(buf: Buffer): Rgba | null {
  const kind = sniffImage(buf);
  if (!kind || kind.width * kind.height > MAX_PIXELS) return null;
  try {
    if (kind.mime === 'image/png') {
      const png = PNG.sync.read(buf);
      return { width: png.width, height: png.height, data: png.data };
    }
    if (kind.mime === 'image/jpeg') {
      return jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
    }
  } catch {
    return null;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Thumbnails

/** sRGB byte → linear light 0..1, and linear light (in 1/4095 steps) → sRGB byte. */
const TO_LINEAR = new Float32Array(256);
const TO_SRGB = new Uint8Array(4096);
for (let i = 0; i < 256; i++) {
  const c = i / 255;
  TO_LINEAR[i] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}
for (let i = 0; i < 4096; i++) {
  const l = i / 4095;
  const c = l <= 0.0031308 ? l * 12.92 : 1.055 * l ** (1 / 2.4) - 0.055;
  TO_SRGB[i] = Math.round(Math.max(0, Math.min(1, c)) * 255);
}

/** Transparent areas are shown on this grey (in linear light: sRGB 128). */
const BACKGROUND = TO_LINEAR[128]!;

/**
 * For each output position along one axis: the source pixels it covers and how much of each
 * (an exact area average; weights sum to 1).
 */
function boxWeights(
  srcLen: number,
  dstLen: number,
): { first: Int32Array; count: Int32Array; weights: Float32Array; taps: number } {
  const scale = srcLen / dstLen;
  const taps = Math.ceil(scale) + 1;
  const first = new Int32Array(dstLen);
  const count = new Int32Array(dstLen);
  const weights = new Float32Array(dstLen * taps);
  for (let o = 0; o < dstLen; o++) {
    const start = o * scale;
    const end = Math.min(srcLen, start + scale);
    const s0 = Math.floor(start);
    first[o] = s0;
    let n = 0;
    for (let s = s0; s < end && n < taps; s++, n++) {
      const cover = Math.min(end, s + 1) - Math.max(start, s);
      weights[o * taps + n] = cover / scale;
    }
    count[o] = n;
  }
  return { first, count, weights, taps };
}

/** Area-average downscale of RGBA to RGB (linear light, alpha laid on the background), as sRGB bytes. */
function downscale(src: Rgba, dw: number, dh: number): Buffer {
  const { width: sw, height: sh, data } = src;
  const hx = boxWeights(sw, dw);
  const vy = boxWeights(sh, dh);
  // Horizontal pass: every source row → dw linear RGB pixels.
  const rows = new Float32Array(sh * dw * 3);
  for (let y = 0; y < sh; y++) {
    const rowIn = y * sw * 4;
    const rowOut = y * dw * 3;
    for (let o = 0; o < dw; o++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const base = o * hx.taps;
      let p = rowIn + hx.first[o]! * 4;
      for (let t = 0; t < hx.count[o]!; t++, p += 4) {
        const w = hx.weights[base + t]!;
        const a = data[p + 3]!;
        if (a === 255) {
          r += w * TO_LINEAR[data[p]!]!;
          g += w * TO_LINEAR[data[p + 1]!]!;
          b += w * TO_LINEAR[data[p + 2]!]!;
        } else {
          const af = a / 255;
          const bg = (1 - af) * BACKGROUND;
          r += w * (af * TO_LINEAR[data[p]!]! + bg);
          g += w * (af * TO_LINEAR[data[p + 1]!]! + bg);
          b += w * (af * TO_LINEAR[data[p + 2]!]! + bg);
        }
      }
      rows[rowOut + o * 3] = r;
      rows[rowOut + o * 3 + 1] = g;
      rows[rowOut + o * 3 + 2] = b;
    }
  }
  // Vertical pass, straight into RGBA bytes for the JPEG encoder.
  const out = Buffer.alloc(dw * dh * 4);
  const stride = dw * 3;
  for (let o = 0; o < dh; o++) {
    const base = o * vy.taps;
    for (let x = 0; x < dw; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let p = vy.first[o]! * stride + x * 3;
      for (let t = 0; t < vy.count[o]!; t++, p += stride) {
        const w = vy.weights[base + t]!;
        r += w * rows[p]!;
        g += w * rows[p + 1]!;
        b += w * rows[p + 2]!;
      }
      const q = (o * dw + x) * 4;
      out[q] = TO_SRGB[Math.min(4095, Math.round(r * 4095))]!;
      out[q + 1] = TO_SRGB[Math.min(4095, Math.round(g * 4095))]!;
      out[q + 2] = TO_SRGB[Math.min(4095, Math.round(b * 4095))]!;
      out[q + 3] = 255;
    }
  }
  return out;
}

export interface Thumbnail {
  data: Buffer;
  mime: 'image/jpeg';
  width: number;
  height: number;
}

/**
 * A JPEG no larger than maxSide on its longer side (never enlarged). Resolves null for what it
 * cannot decode (WebP, GIF, damaged files): the caller shows the original instead.
 */
export async function makeThumbnail(buf: Buffer, maxSide = 320): Promise<Thumbnail | null> {
  const src = decode(buf);
  if (!src || src.width < 1 || src.height < 1) return null;
  const scale = Math.min(1, maxSide / Math.max(src.width, src.height));
  const width = Math.max(1, Math.round(src.width * scale));
  const height = Math.max(1, Math.round(src.height * scale));
  const pixels = downscale(src, width, height);
  const encoded = jpeg.encode({ width, height, data: pixels }, 80);
  return { data: encoded.data, mime: 'image/jpeg', width, height };
}

/** The image as PNG: a PNG is returned as is, a JPEG is re-encoded; anything else throws in plain words. */
export function toPng(buf: Buffer): Buffer {
  const kind = sniffImage(buf);
  if (kind?.mime === 'image/png') return buf;
  if (kind?.mime === 'image/jpeg') {
    const img = decode(buf);
    if (!img) throw new Error('This JPEG could not be decoded (it may be damaged or too large).');
    const png = new PNG({ width: img.width, height: img.height });
    png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
    // JPEG has no alpha: write RGB.
    return PNG.sync.write(png, { colorType: 2, inputColorType: 6 });
  }
  if (kind) {
    throw new Error(
      `Can't convert ${kind.mime.slice(6).toUpperCase()} to PNG: only PNG and JPEG images can be saved as PNG.`,
    );
  }
  throw new Error('Not an image Hearth can read (expected PNG, JPEG, WebP or GIF).');
}
