/**
 * PNG text metadata, the way AUTOMATIC1111 writes and reads it, so a PNG saved from Hearth opens in
 * A1111's "PNG Info" tab (and Civitai, InvokeAI, ComfyUI loaders) with its prompt and settings.
 *
 *   a1111Parameters(img)          the infotext: prompt, "Negative prompt: …", then "Steps: 20, Sampler: …"
 *   parseA1111Parameters(text)    the same fields back (A1111's parse_generation_parameters)
 *   withTextChunk(png, key, text) a copy of the PNG with that text chunk right after IHDR
 *   readTextChunks(png)           every tEXt / iTXt / zTXt chunk as keyword → text
 *
 * Pure functions over Buffers; no image decoding.
 */
import { inflateSync } from 'node:zlib';
import type { ImageRequest } from '../../../shared/types/images';

// ---------------------------------------------------------------------------------------------
// Infotext

export interface InfotextInput {
  prompt: string;
  negativePrompt?: string | null;
  /** The request as sent: steps, sampler, scheduler, CFG, denoising strength (img2img only). */
  params: ImageRequest;
  /** The seed the backend really used (null: unknown, e.g. OpenAI). */
  seed: number | null;
  /** The checkpoint or model; an A1111 title "name.safetensors [hash]" becomes Model hash + Model. */
  model: string | null;
  /** The image's real size. */
  width: number | null;
  height: number | null;
  /** Written as "Backend: …" (A1111's parser keeps unknown keys). */
  backendLabel?: string | null;
  /** More "Key: value" pairs, written before Version as A1111 writes extra_generation_params. */
  extra?: Record<string, string | number | null | undefined>;
}

/** A1111's quote(): values with a comma, colon or newline become a JSON string. */
function quote(value: string): string {
  return /[,:\n]/.test(value) ? JSON.stringify(value) : value;
}

function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : value;
  } catch {
    return value;
  }
}

const CHECKPOINT_EXT = /\.(safetensors|ckpt|pt|pth|bin|gguf|sft)$/i;

/** "sd_xl_base_1.0.safetensors [31e35c80fc]" → name "sd_xl_base_1.0", hash "31e35c80fc" (A1111's name_for_extra). */
export function splitCheckpointTitle(model: string): { name: string; hash: string | null } {
  const m = /^(.*?)\s*\[([0-9a-f]{8,64})\]$/i.exec(model.trim());
  const title = m ? m[1]! : model.trim();
  const base = title.split(/[\\/]/).pop() ?? title;
  return { name: CHECKPOINT_EXT.test(base) ? base.replace(CHECKPOINT_EXT, '') : title, hash: m ? m[2]! : null };
}

/** The infotext AUTOMATIC1111 stores in a PNG's `parameters` chunk (modules/processing.py create_infotext). */
export function a1111Parameters(img: InfotextInput): string {
  const p = img.params;
  const checkpoint = img.model ? splitCheckpointTitle(img.model) : null;
  const fields: [string, string | number | null | undefined][] = [
    ['Steps', p.steps],
    ['Sampler', p.sampler],
    ['Schedule type', p.scheduler],
    ['CFG scale', p.cfgScale],
    ['Seed', img.seed],
    ['Size', img.width && img.height ? `${img.width}x${img.height}` : null],
    ['Model hash', checkpoint?.hash],
    ['Model', checkpoint?.name],
    // txt2img has no denoising strength; A1111 writes it for img2img only.
    ['Denoising strength', p.initImageId ? p.denoisingStrength : null],
    ['Backend', img.backendLabel],
    ...Object.entries(img.extra ?? {}),
    ['Version', 'Hearth'],
  ];
  const line = fields
    .filter((f): f is [string, string | number] => f[1] !== null && f[1] !== undefined && f[1] !== '')
    .map(([k, v]) => (k === String(v) ? k : `${k}: ${quote(String(v))}`))
    .join(', ');
  const negative = img.negativePrompt ? `\nNegative prompt: ${img.negativePrompt}` : '';
  return `${img.prompt}${negative}\n${line}`.trim();
}

export interface ParsedInfotext {
  prompt: string;
  negativePrompt: string;
  /** Every "Key: value" of the parameters line, unquoted, in order. */
  fields: Record<string, string>;
  steps?: number;
  sampler?: string;
  scheduler?: string;
  cfgScale?: number;
  seed?: number;
  width?: number;
  height?: number;
  model?: string;
  modelHash?: string;
  denoisingStrength?: number;
  version?: string;
}

// A1111's re_param: a key, a colon, then a JSON-quoted value or anything up to the next comma.
const RE_PARAM = /\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/g;

/** Read an infotext back (A1111's parse_generation_parameters, without its UI defaults). */
export function parseA1111Parameters(text: string): ParsedInfotext {
  const lines = text.trim().split('\n');
  let last = lines.pop() ?? '';
  // The last line holds the parameters only when it has at least three "Key: value" pairs.
  if ([...last.matchAll(RE_PARAM)].length < 3) {
    lines.push(last);
    last = '';
  }
  let prompt = '';
  let negativePrompt = '';
  let inNegative = false;
  for (let line of lines) {
    line = line.trim();
    if (line.startsWith('Negative prompt:')) {
      inNegative = true;
      line = line.slice(16).trim();
    }
    if (inNegative) negativePrompt += (negativePrompt === '' ? '' : '\n') + line;
    else prompt += (prompt === '' ? '' : '\n') + line;
  }
  const fields: Record<string, string> = {};
  for (const m of last.matchAll(RE_PARAM)) {
    const key = m[1]!;
    const raw = m[2]!;
    fields[key] = raw.startsWith('"') && raw.endsWith('"') ? unquote(raw) : raw;
  }
  const out: ParsedInfotext = { prompt, negativePrompt, fields };
  const num = (k: string) => {
    const v = fields[k];
    if (v === undefined || v.trim() === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  };
  out.steps = num('Steps');
  out.cfgScale = num('CFG scale');
  out.seed = num('Seed');
  out.denoisingStrength = num('Denoising strength');
  out.sampler = fields.Sampler;
  out.scheduler = fields['Schedule type'];
  out.model = fields.Model;
  out.modelHash = fields['Model hash'];
  out.version = fields.Version;
  const size = /^(\d+)x(\d+)$/.exec(fields.Size ?? '');
  if (size) {
    out.width = Number(size[1]);
    out.height = Number(size[2]);
  }
  for (const k of Object.keys(out) as (keyof ParsedInfotext)[]) if (out[k] === undefined) delete out[k];
  return out;
}

// ---------------------------------------------------------------------------------------------
// PNG chunks

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309, as PNG uses it). */
export function crc32(...parts: Buffer[]): number {
  let c = 0xffffffff;
  for (const b of parts) for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface Chunk {
  type: string;
  /** Offset of the chunk's length field, and the offset just past its CRC. */
  start: number;
  end: number;
  data: Buffer;
}

export function isPng(buf: Buffer): boolean {
  return buf.length >= 8 && buf.subarray(0, 8).equals(PNG_SIGNATURE);
}

/** The chunks of a PNG in order; throws in plain words when the bytes are not a whole PNG. */
function chunksOf(png: Buffer, lenient = false): Chunk[] {
  if (!Buffer.isBuffer(png) || !isPng(png)) throw new Error('Not a PNG file: the PNG signature is missing.');
  const chunks: Chunk[] = [];
  let at = 8;
  while (at < png.length) {
    if (at + 12 > png.length) {
      if (lenient) break;
      throw new Error('The PNG file is cut short (an incomplete chunk at the end).');
    }
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if (!/^[A-Za-z]{4}$/.test(type) || end > png.length) {
      if (lenient) break;
      throw new Error(`The PNG file is damaged or cut short (chunk "${type}" at byte ${at}).`);
    }
    chunks.push({ type, start: at, end, data: png.subarray(at + 8, at + 8 + length) });
    at = end;
    if (type === 'IEND') break;
  }
  if (!lenient && chunks[0]?.type !== 'IHDR') throw new Error('The PNG file is damaged: it does not start with IHDR.');
  return chunks;
}

function makeChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(head.subarray(4), data), 0);
  return Buffer.concat([head, data, crc]);
}

function isLatin1(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}

/** The keyword of a tEXt / iTXt / zTXt chunk (the bytes before the first NUL). */
function keywordOf(data: Buffer): string {
  const nul = data.indexOf(0);
  return data.toString('latin1', 0, nul < 0 ? data.length : nul);
}

/**
 * A copy of `png` with a text chunk `keyword` = `text` right after IHDR, replacing any text chunk
 * with that keyword. Latin-1 text goes in tEXt; anything else in an uncompressed UTF-8 iTXt
 * (what Pillow's add_text, and so A1111, do).
 */
export function withTextChunk(png: Buffer, keyword: string, text: string): Buffer {
  if (!/^[\u0020-\u007e\u00a1-\u00ff]{1,79}$/.test(keyword) || keyword !== keyword.trim() || keyword.includes('  ')) {
    throw new Error(
      `"${keyword}" is not a valid PNG text keyword (1–79 Latin-1 characters, no leading/trailing spaces).`,
    );
  }
  const chunks = chunksOf(png);
  const data = isLatin1(text)
    ? Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')])
    : Buffer.concat([
        Buffer.from(keyword, 'latin1'),
        // NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL
        Buffer.from([0, 0, 0, 0, 0]),
        Buffer.from(text, 'utf8'),
      ]);
  const chunk = makeChunk(isLatin1(text) ? 'tEXt' : 'iTXt', data);
  const parts: Buffer[] = [PNG_SIGNATURE];
  for (const c of chunks) {
    const isText = c.type === 'tEXt' || c.type === 'iTXt' || c.type === 'zTXt';
    if (isText && keywordOf(c.data) === keyword) continue;
    parts.push(png.subarray(c.start, c.end));
    if (c.type === 'IHDR') parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** Every tEXt, iTXt and zTXt chunk as keyword → text (a later chunk with the same keyword wins, as in Pillow). */
export function readTextChunks(png: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of chunksOf(png, true)) {
    try {
      if (c.type === 'tEXt') {
        const nul = c.data.indexOf(0);
        if (nul < 1) continue;
        out[keywordOf(c.data)] = c.data.toString('latin1', nul + 1);
      } else if (c.type === 'zTXt') {
        const nul = c.data.indexOf(0);
        if (nul < 1 || c.data[nul + 1] !== 0) continue;
        out[keywordOf(c.data)] = inflateSync(c.data.subarray(nul + 2)).toString('latin1');
      } else if (c.type === 'iTXt') {
        const nul = c.data.indexOf(0);
        if (nul < 1) continue;
        const compressed = c.data[nul + 1] === 1;
        const langEnd = c.data.indexOf(0, nul + 3);
        const transEnd = langEnd < 0 ? -1 : c.data.indexOf(0, langEnd + 1);
        if (transEnd < 0) continue;
        const body = c.data.subarray(transEnd + 1);
        out[keywordOf(c.data)] = (compressed ? inflateSync(body) : body).toString('utf8');
      }
    } catch {
      // A damaged text chunk is skipped; the image itself is still fine.
    }
  }
  return out;
}
