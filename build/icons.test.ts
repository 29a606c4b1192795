/**
 * The committed icons (build/icons.mjs): each file exists, decodes and has its size; the .ico and
 * .icns headers list the sizes their PNG entries really have; the tray badges differ per state; and
 * the files match what the script makes from build/icon.png today.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

const BUILD = __dirname;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const APP_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const STATES = ['idle', 'answering', 'down'] as const;
const THEMES = ['light', 'dark'] as const;

function readPng(file: string): PNG {
  return PNG.sync.read(readFileSync(file));
}

/** [r, g, b, a] of the pixel at (x, y). */
function pixel(png: PNG, x: number, y: number): number[] {
  const i = (y * png.width + x) * 4;
  return Array.from(png.data.subarray(i, i + 4));
}

describe('app icons', () => {
  it.each(APP_SIZES)('build/icons/%ix….png decodes at its size, with transparent corners', (size) => {
    const png = readPng(join(BUILD, 'icons', `${size}x${size}.png`));
    expect([png.width, png.height]).toEqual([size, size]);
    expect(pixel(png, 0, 0)[3]).toBe(0); // the rounded tile leaves the corner clear
    expect(pixel(png, size >> 1, size >> 1)[3]).toBe(255);
  });

  it('build/icon.ico lists 16…256 px PNG entries whose real sizes match the directory', () => {
    const ico = readFileSync(join(BUILD, 'icon.ico'));
    expect(ico.readUInt16LE(0)).toBe(0); // reserved
    expect(ico.readUInt16LE(2)).toBe(1); // icon, not cursor
    const count = ico.readUInt16LE(4);
    const sizes: number[] = [];
    let end = 6 + 16 * count;
    for (let i = 0; i < count; i++) {
      const e = 6 + 16 * i;
      const listed = ico.readUInt8(e) || 256; // 0 means 256
      expect(ico.readUInt8(e + 1) || 256).toBe(listed);
      expect(ico.readUInt16LE(e + 6)).toBe(32); // bits per pixel
      const length = ico.readUInt32LE(e + 8);
      const offset = ico.readUInt32LE(e + 12);
      expect(offset).toBe(end); // entries packed in order, none overlapping
      end = offset + length;
      const data = ico.subarray(offset, offset + length);
      expect(data.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      const png = PNG.sync.read(data);
      expect([png.width, png.height]).toEqual([listed, listed]);
      sizes.push(listed);
    }
    expect(end).toBe(ico.length);
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256]);
  });

  it('build/icon.icns lists PNG entries ic07–ic14 (and icp4/icp5) at their Apple sizes', () => {
    const icns = readFileSync(join(BUILD, 'icon.icns'));
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const entries: Record<string, number> = {};
    for (let at = 8; at < icns.length;) {
      const type = icns.toString('latin1', at, at + 4);
      const length = icns.readUInt32BE(at + 4);
      expect(length).toBeGreaterThan(8);
      const data = icns.subarray(at + 8, at + length);
      expect(data.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      const png = PNG.sync.read(data);
      expect(png.width).toBe(png.height);
      entries[type] = png.width;
      at += length;
    }
    expect(entries).toEqual({
      icp4: 16,
      icp5: 32,
      ic11: 32, // 16@2x
      ic12: 64, // 32@2x
      ic07: 128,
      ic13: 256, // 128@2x
      ic08: 256,
      ic14: 512, // 256@2x
      ic09: 512,
      ic10: 1024, // 512@2x
    });
  });
});

describe('tray icons', () => {
  /** The badge's centre: 4.5 px (× scale) in from the bottom-right corner. */
  const badge = (png: PNG, scale: number) =>
    pixel(png, png.width - Math.round(4.5 * scale), png.height - Math.round(4.5 * scale));

  it.each(STATES.flatMap((s) => THEMES.flatMap((t) => [1, 2].map((k) => [s, t, k] as const))))(
    'tray-%s-%s at %ix exists at 16 px × scale',
    (state, theme, k) => {
      const png = readPng(join(BUILD, 'tray', `tray-${state}-${theme}${k === 2 ? '@2x' : ''}.png`));
      expect([png.width, png.height]).toEqual([16 * k, 16 * k]);
    },
  );

  it('the badge is none (idle), amber (answering) or red (down), on both themes and scales', () => {
    for (const theme of THEMES) {
      for (const k of [1, 2]) {
        const suffix = k === 2 ? '@2x' : '';
        const [r1, g1, b1, a1] = badge(readPng(join(BUILD, 'tray', `tray-answering-${theme}${suffix}.png`)), k);
        expect(a1).toBe(255);
        expect(r1).toBeGreaterThan(200); // amber: strong red and green, little blue
        expect(g1).toBeGreaterThan(120);
        expect(b1).toBeLessThan(80);
        const down = readPng(join(BUILD, 'tray', `tray-down-${theme}${suffix}.png`));
        // The centre is the white bar; the red shows just above it.
        const [r2, g2, b2, a2] = pixel(down, down.width - Math.round(4.5 * k), down.height - Math.round(6.5 * k));
        expect(a2).toBe(255);
        expect(r2).toBeGreaterThan(180);
        expect(g2).toBeLessThan(90);
        expect(b2).toBeLessThan(90);
        const idle = badge(readPng(join(BUILD, 'tray', `tray-idle-${theme}${suffix}.png`)), k);
        expect(idle).not.toEqual([r1, g1, b1, a1]);
      }
    }
  });

  it('the light and dark variants differ (the dark one has a light rim)', () => {
    const light = readPng(join(BUILD, 'tray', 'tray-idle-light.png'));
    const dark = readPng(join(BUILD, 'tray', 'tray-idle-dark.png'));
    expect(light.data.equals(dark.data)).toBe(false);
  });

  it.each(STATES)('tray-%sTemplate (macOS) is black with alpha only, at 1x and 2x', (state) => {
    for (const k of [1, 2]) {
      const png = readPng(join(BUILD, 'tray', `tray-${state}Template${k === 2 ? '@2x' : ''}.png`));
      expect([png.width, png.height]).toEqual([16 * k, 16 * k]);
      let opaque = 0;
      for (let i = 0; i < png.data.length; i += 4) {
        if (png.data[i + 3]! > 0) {
          opaque++;
          expect([png.data[i], png.data[i + 1], png.data[i + 2]]).toEqual([0, 0, 0]);
        }
      }
      expect(opaque).toBeGreaterThan(png.width * 2);
    }
  });

  it('the template badges differ by shape: a filled dot (answering), a ring (down)', () => {
    const centre = (state: string) => badge(readPng(join(BUILD, 'tray', `tray-${state}Template@2x.png`)), 2)[3];
    expect(centre('answering')).toBe(255);
    expect(centre('down')).toBe(0);
  });
});

describe('build/icons.mjs', () => {
  it('the committed files are what it makes from build/icon.png (npm run icons)', () => {
    expect(existsSync(join(BUILD, 'icon.png'))).toBe(true);
    const r = spawnSync(process.execPath, [join(BUILD, 'icons.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
