#!/usr/bin/env node
/**
 * Every icon the installers and the tray need, made from one source, build/icon.png:
 *
 *   build/icons/<n>x<n>.png        16 … 1024, the Linux icon set (electron-builder reads the size from the name)
 *   build/icon.ico                 Windows: 16 … 256, PNG-compressed entries
 *   build/icon.icns                macOS: icp4/icp5 and ic07 … ic14, PNG entries (1x and @2x)
 *   build/tray/tray-<state>-<theme>[@2x].png
 *                                  the tray on Windows and Linux: the icon with a badge, for a light and
 *                                  a dark taskbar; state idle (no badge), answering (amber dot) or down
 *                                  (red dot with a bar)
 *   build/tray/tray-<state>Template[@2x].png
 *                                  the macOS menu bar: black glyph + alpha (the system tints it), the
 *                                  badge a filled dot (answering) or a ring (down)
 *
 * The file names are the ones electron/services/desktop/tray-state.ts asks for; electron-builder copies
 * build/tray/ into the app's resources as tray/ (electron-builder.yml, extraResources).
 *
 *   node build/icons.mjs           write the files (commit them)
 *   node build/icons.mjs --check   exit 1 when a committed file differs from what this script makes
 *
 * Plain Node + pngjs. Resampling is Lanczos-3 on premultiplied alpha (no dark fringes at the rounded
 * corners). The source is 512 px, so 1024 px (ic10, 512@2x) is an upscale: a 1024 px build/icon.png
 * would make it sharper, and nothing else changes.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pngjs from 'pngjs';

const { PNG } = pngjs;
const buildDir = dirname(fileURLToPath(import.meta.url));

export const APP_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS entry types with PNG payloads, and their pixel sizes (Apple's icon types; @2x types are ic11–ic14). */
export const ICNS_ENTRIES = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['ic12', 64],
  ['ic07', 128],
  ['ic13', 256],
  ['ic08', 256],
  ['ic14', 512],
  ['ic09', 512],
  ['ic10', 1024],
];
export const TRAY_STATES = ['idle', 'answering', 'down'];
export const TRAY_THEMES = ['light', 'dark'];
/** Tray icons are 16 px (and 32 px @2x): the size Windows, most Linux panels and the macOS menu bar use. */
export const TRAY_SIZE = 16;

const AMBER = [0xf5, 0xa5, 0x24];
const RED = [0xe5, 0x39, 0x35];
const WHITE = [0xff, 0xff, 0xff];

// --- images: premultiplied RGBA, 0..1 floats -------------------------------------------------------

/** @typedef {{ width: number, height: number, data: Float64Array }} Image */

/** @returns {Image} */
function blank(width, height) {
  return { width, height, data: new Float64Array(width * height * 4) };
}

/** @returns {Image} */
function decode(buffer) {
  const png = PNG.sync.read(buffer);
  const img = blank(png.width, png.height);
  for (let i = 0; i < png.width * png.height; i++) {
    const a = png.data[i * 4 + 3] / 255;
    for (let c = 0; c < 3; c++) img.data[i * 4 + c] = (png.data[i * 4 + c] / 255) * a;
    img.data[i * 4 + 3] = a;
  }
  return img;
}

/** @param {Image} img */
function encode(img) {
  const png = new PNG({ width: img.width, height: img.height, colorType: 6 });
  for (let i = 0; i < img.width * img.height; i++) {
    const a = Math.min(1, Math.max(0, img.data[i * 4 + 3]));
    const alpha = Math.round(a * 255);
    for (let c = 0; c < 3; c++) {
      const v = alpha === 0 ? 0 : Math.min(a, Math.max(0, img.data[i * 4 + c])) / a;
      png.data[i * 4 + c] = alpha === 0 ? 0 : Math.round(v * 255);
    }
    png.data[i * 4 + 3] = alpha;
  }
  return PNG.sync.write(png, { colorType: 6, deflateLevel: 9 });
}

function lanczos3(x) {
  if (x === 0) return 1;
  if (x <= -3 || x >= 3) return 0;
  const px = Math.PI * x;
  return (3 * Math.sin(px) * Math.sin(px / 3)) / (px * px);
}

/** Contributions of source samples to each of `dst` output samples along one axis. */
function weights(src, dst) {
  const scale = src / dst;
  const stretch = Math.max(1, scale); // widen the kernel when shrinking (anti-aliasing)
  const support = 3 * stretch;
  const out = [];
  for (let i = 0; i < dst; i++) {
    const centre = (i + 0.5) * scale;
    const from = Math.floor(centre - support);
    const to = Math.ceil(centre + support);
    const taps = [];
    let sum = 0;
    for (let j = from; j <= to; j++) {
      const w = lanczos3((j + 0.5 - centre) / stretch);
      if (w === 0) continue;
      taps.push([Math.min(src - 1, Math.max(0, j)), w]);
      sum += w;
    }
    out.push(taps.map(([j, w]) => [j, w / sum]));
  }
  return out;
}

/** @param {Image} img @returns {Image} */
function resize(img, width, height) {
  const wx = weights(img.width, width);
  const wy = weights(img.height, height);
  const tmp = blank(width, img.height);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      for (const [j, w] of wx[x]) {
        const s = (y * img.width + j) * 4;
        for (let c = 0; c < 4; c++) tmp.data[o + c] += img.data[s + c] * w;
      }
    }
  }
  const out = blank(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      for (const [j, w] of wy[y]) {
        const s = (j * width + x) * 4;
        for (let c = 0; c < 4; c++) out.data[o + c] += tmp.data[s + c] * w;
      }
      // Lanczos overshoots: keep alpha in 0..1 and colour within alpha (valid premultiplied values).
      const a = Math.min(1, Math.max(0, out.data[o + 3]));
      out.data[o + 3] = a;
      for (let c = 0; c < 3; c++) out.data[o + c] = Math.min(a, Math.max(0, out.data[o + c]));
    }
  }
  return out;
}

/** `src` drawn over `dst` at (left, top), premultiplied "over". */
function drawOver(dst, src, left = 0, top = 0) {
  for (let y = 0; y < src.height; y++) {
    for (let x = 0; x < src.width; x++) {
      const dx = x + left;
      const dy = y + top;
      if (dx < 0 || dy < 0 || dx >= dst.width || dy >= dst.height) continue;
      const s = (y * src.width + x) * 4;
      const d = (dy * dst.width + dx) * 4;
      const keep = 1 - src.data[s + 3];
      for (let c = 0; c < 4; c++) dst.data[d + c] = src.data[s + c] + dst.data[d + c] * keep;
    }
  }
}

/** Fills every pixel with `rgb` at `coverage(px, py) * opacity`, where (px, py) is the pixel's centre. */
function paint(img, rgb, coverage, opacity = 1) {
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const a = coverage(x + 0.5, y + 0.5) * opacity;
      if (a <= 0) continue;
      const d = (y * img.width + x) * 4;
      for (let c = 0; c < 3; c++) img.data[d + c] = (rgb[c] / 255) * a + img.data[d + c] * (1 - a);
      img.data[d + 3] = a + img.data[d + 3] * (1 - a);
    }
  }
}

/** Clears pixels by `coverage` (a transparent gap that works on any panel colour). */
function erase(img, coverage) {
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const keep = 1 - coverage(x + 0.5, y + 0.5);
      if (keep >= 1) continue;
      const d = (y * img.width + x) * 4;
      for (let c = 0; c < 4; c++) img.data[d + c] *= keep;
    }
  }
}

const clamp01 = (v) => Math.min(1, Math.max(0, v));
/** Anti-aliased disc and ring coverage (one pixel of soft edge). */
const disc = (cx, cy, r) => (x, y) => clamp01(r + 0.5 - Math.hypot(x - cx, y - cy));
const ring = (cx, cy, r, width) => (x, y) => {
  const d = Math.hypot(x - cx, y - cy);
  return clamp01(r + 0.5 - d) * clamp01(d - (r - width) + 0.5);
};
const rect = (x0, y0, x1, y1) => (x, y) =>
  clamp01(Math.min(x - x0, x1 - x) + 0.5) * clamp01(Math.min(y - y0, y1 - y) + 0.5);

/** Grows the opaque area by `radius` pixels: the outline a dark panel needs to show the dark tile's edge. */
function dilateAlpha(img, radius) {
  const out = new Float64Array(img.width * img.height);
  const r = Math.ceil(radius);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      let a = 0;
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const sx = x + dx;
          const sy = y + dy;
          if (sx < 0 || sy < 0 || sx >= img.width || sy >= img.height) continue;
          const reach = clamp01(radius + 0.5 - Math.hypot(dx, dy));
          a = Math.max(a, img.data[(sy * img.width + sx) * 4 + 3] * reach);
        }
      }
      out[y * img.width + x] = a;
    }
  }
  return out;
}

// --- the icon's glyph (for macOS template images) ----------------------------------------------------

const smoothstep = (lo, hi, v) => {
  const t = clamp01((v - lo) / (hi - lo));
  return t * t * (3 - 2 * t);
};

/**
 * The flame and logs as a black silhouette with alpha, cropped square: everything clearly brighter than
 * the dark tile (red channel above ~70, the tile stays under 60), minus the flame's pale core, which
 * becomes a hole so the glyph keeps some of the icon's shape at 16 px.
 * @param {Image} source
 */
function glyph(source) {
  const mask = blank(source.width, source.height);
  let x0 = source.width;
  let y0 = source.height;
  let x1 = 0;
  let y1 = 0;
  for (let y = 0; y < source.height; y++) {
    for (let x = 0; x < source.width; x++) {
      const i = (y * source.width + x) * 4;
      const a = source.data[i + 3];
      if (a === 0) continue;
      const r = (source.data[i] / a) * 255;
      const b = (source.data[i + 2] / a) * 255;
      const m = smoothstep(62, 78, r) * (1 - smoothstep(150, 190, b)) * a;
      mask.data[i + 3] = m; // black: colour stays 0
      if (m > 0.02) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  }
  const side = Math.max(x1 - x0, y1 - y0) + 1;
  const square = blank(side, side);
  drawOver(
    square,
    mask,
    -(x0 - Math.floor((side - (x1 - x0 + 1)) / 2)),
    -(y0 - Math.floor((side - (y1 - y0 + 1)) / 2)),
  );
  return square;
}

// --- tray icons --------------------------------------------------------------------------------------

/**
 * One tray image `16 * k` px square. The badge sits in the bottom-right corner, radius 4 (× k) px, with a
 * 1 px transparent gap cut around it.
 * @param {Image} source @param {Image} glyphImage
 * @param {'idle'|'answering'|'down'} state @param {'light'|'dark'|'template'} theme @param {1|2} k
 */
function trayIcon(source, glyphImage, state, theme, k) {
  const size = TRAY_SIZE * k;
  const img = blank(size, size);
  if (theme === 'template') {
    drawOver(img, resize(glyphImage, size, size));
  } else {
    const margin = k; // room for the dark theme's outline
    const small = resize(source, size - 2 * margin, size - 2 * margin);
    const placed = blank(size, size);
    drawOver(placed, small, margin, margin);
    if (theme === 'dark') {
      // A light rim around the dark tile so it does not vanish into a dark panel.
      const grown = dilateAlpha(placed, k);
      paint(img, [0xe8, 0xe2, 0xdc], (x, y) => grown[Math.floor(y) * size + Math.floor(x)], 0.7);
    }
    drawOver(img, placed);
  }
  if (state === 'idle') return img;

  const c = size - 4.5 * k;
  const r = 4 * k;
  erase(img, disc(c, c, r + k));
  if (theme === 'template') {
    // Template images are one colour: the states differ by shape.
    if (state === 'answering') paint(img, [0, 0, 0], disc(c, c, r));
    else paint(img, [0, 0, 0], ring(c, c, r, 1.5 * k));
    return img;
  }
  paint(img, state === 'answering' ? AMBER : RED, disc(c, c, r));
  // "Down" also differs by shape (a no-entry bar), not by colour alone.
  if (state === 'down') paint(img, WHITE, rect(c - 2.5 * k, c - 0.5 * k, c + 2.5 * k, c + 0.5 * k));
  return img;
}

// --- containers --------------------------------------------------------------------------------------

/** ICO: ICONDIR + one ICONDIRENTRY per image, PNG payloads (Windows Vista and later read them). */
export function buildIco(pngs) {
  const header = Buffer.alloc(6 + 16 * pngs.length);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(pngs.length, 4);
  let offset = header.length;
  pngs.forEach(({ size, png }, i) => {
    const e = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, e); // 0 means 256
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt8(0, e + 2); // no palette
    header.writeUInt8(0, e + 3);
    header.writeUInt16LE(1, e + 4); // colour planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...pngs.map((p) => p.png)]);
}

/** ICNS: 'icns' + total length, then (type, length including its 8-byte header, PNG) per entry; big-endian. */
export function buildIcns(entries) {
  const parts = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

// --- everything ---------------------------------------------------------------------------------------

/** Every generated file: path relative to build/ → its bytes. */
export function renderAll(sourcePng) {
  const source = decode(sourcePng);
  /** @type {Map<string, Buffer>} */
  const files = new Map();
  const bySize = new Map();
  for (const size of APP_SIZES) {
    const png = encode(resize(source, size, size));
    bySize.set(size, png);
    files.set(`icons/${size}x${size}.png`, png);
  }
  files.set('icon.ico', buildIco(ICO_SIZES.map((size) => ({ size, png: bySize.get(size) }))));
  files.set('icon.icns', buildIcns(ICNS_ENTRIES.map(([type, size]) => ({ type, png: bySize.get(size) }))));

  const mark = glyph(source);
  for (const state of TRAY_STATES) {
    for (const k of [1, 2]) {
      const suffix = k === 2 ? '@2x' : '';
      for (const theme of TRAY_THEMES) {
        files.set(`tray/tray-${state}-${theme}${suffix}.png`, encode(trayIcon(source, mark, state, theme, k)));
      }
      files.set(`tray/tray-${state}Template${suffix}.png`, encode(trayIcon(source, mark, state, 'template', k)));
    }
  }
  return files;
}

/** PNGs inside a file we write (the file itself, or the entries of an .ico/.icns), for --check. */
function embeddedPngs(name, bytes) {
  if (name.endsWith('.png')) return [bytes];
  const out = [];
  if (name.endsWith('.ico')) {
    const count = bytes.readUInt16LE(4);
    for (let i = 0; i < count; i++) {
      const e = 6 + 16 * i;
      out.push(bytes.subarray(bytes.readUInt32LE(e + 12), bytes.readUInt32LE(e + 12) + bytes.readUInt32LE(e + 8)));
    }
  } else {
    for (let at = 8; at + 8 <= bytes.length;) {
      const length = bytes.readUInt32BE(at + 4);
      out.push(bytes.subarray(at + 8, at + length));
      at += length;
    }
  }
  return out;
}

/** Same pixels (±1 per channel: zlib versions differ, pixels must not). */
function samePixels(a, b) {
  const pa = PNG.sync.read(a);
  const pb = PNG.sync.read(b);
  if (pa.width !== pb.width || pa.height !== pb.height) return false;
  for (let i = 0; i < pa.data.length; i++) if (Math.abs(pa.data[i] - pb.data[i]) > 1) return false;
  return true;
}

function main() {
  const check = process.argv.includes('--check');
  const files = renderAll(readFileSync(join(buildDir, 'icon.png')));
  const stale = [];
  for (const [name, bytes] of files) {
    const file = join(buildDir, name);
    if (check) {
      let current;
      try {
        current = readFileSync(file);
      } catch {
        stale.push(`${name} (missing)`);
        continue;
      }
      const want = embeddedPngs(name, bytes);
      const have = embeddedPngs(name, current);
      if (want.length !== have.length || want.some((png, i) => !samePixels(png, have[i]))) stale.push(name);
      continue;
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  }
  if (check) {
    if (stale.length) {
      process.stderr.write(
        `hearth: these icons do not match build/icon.png: ${stale.join(', ')}.\nRun \`npm run icons\` and commit the result.\n`,
      );
      process.exit(1);
    }
    console.log(`icons: ${files.size} files match build/icon.png`);
  } else {
    console.log(`icons: wrote ${files.size} files under build/ from build/icon.png`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
