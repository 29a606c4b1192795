import { PNG } from 'pngjs';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tinyPng } from '../../../e2e/support/images';
import {
  a1111Parameters,
  crc32,
  parseA1111Parameters,
  readTextChunks,
  splitCheckpointTitle,
  withTextChunk,
} from './png-text';

/** The chunk types of a PNG, in order, after checking every CRC. */
function chunkTypes(png: Buffer): string[] {
  const types: string[] = [];
  for (let at = 8; at < png.length;) {
    const len = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    expect(png.readUInt32BE(at + 8 + len), `CRC of ${type}`).toBe(crc32(png.subarray(at + 4, at + 8 + len)));
    types.push(type);
    at += 12 + len;
  }
  return types;
}

const txt2img = {
  prompt: 'a lighthouse at dusk, oil painting',
  negativePrompt: 'blurry, lowres',
  params: {
    prompt: 'a lighthouse at dusk, oil painting',
    steps: 20,
    sampler: 'Euler a',
    scheduler: 'Karras',
    cfgScale: 7,
  },
  seed: 123,
  model: 'v1-5-pruned-emaonly.safetensors [6ce0161689]',
  width: 512,
  height: 512,
};

describe('a1111Parameters', () => {
  it('writes the infotext exactly as AUTOMATIC1111 does', () => {
    expect(a1111Parameters(txt2img)).toBe(
      'a lighthouse at dusk, oil painting\n' +
        'Negative prompt: blurry, lowres\n' +
        'Steps: 20, Sampler: Euler a, Schedule type: Karras, CFG scale: 7, Seed: 123, Size: 512x512, ' +
        'Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Version: Hearth',
    );
  });

  it('leaves out the negative prompt line and absent fields; denoising strength only for img2img', () => {
    expect(
      a1111Parameters({
        prompt: 'a cat',
        params: { prompt: 'a cat', denoisingStrength: 0.5 },
        seed: null,
        model: 'gpt-image-1',
        width: 1024,
        height: 1536,
        backendLabel: 'OpenAI Images',
      }),
    ).toBe('a cat\nSize: 1024x1536, Model: gpt-image-1, Backend: OpenAI Images, Version: Hearth');
    expect(
      a1111Parameters({
        ...txt2img,
        negativePrompt: '',
        params: { ...txt2img.params, initImageId: '0190a000-0000-7000-8000-000000000000', denoisingStrength: 0.75 },
      }),
    ).toMatch(/^a lighthouse at dusk, oil painting\nSteps: 20, .*, Denoising strength: 0\.75, Version: Hearth$/);
  });

  it('quotes values with commas, colons or newlines as JSON, like A1111', () => {
    const text = a1111Parameters({
      ...txt2img,
      model: 'my model, v2',
      extra: { 'Revised prompt': 'A "cat": sitting\non a mat' },
    });
    expect(text).toContain('Model: "my model, v2", Revised prompt: "A \\"cat\\": sitting\\non a mat", Version: Hearth');
  });

  it('reads back what it writes, and a real A1111 infotext', () => {
    const parsed = parseA1111Parameters(
      a1111Parameters({ ...txt2img, prompt: 'line one\nline two: a dog, running', model: 'x: y, z' }),
    );
    expect(parsed).toMatchObject({
      prompt: 'line one\nline two: a dog, running',
      negativePrompt: 'blurry, lowres',
      steps: 20,
      sampler: 'Euler a',
      scheduler: 'Karras',
      cfgScale: 7,
      seed: 123,
      width: 512,
      height: 512,
      model: 'x: y, z',
      version: 'Hearth',
    });
    // From AUTOMATIC1111's own docstring (Model hash only, older versions).
    const a1111 = parseA1111Parameters(
      "girl with an artist's beret, determined, blue eyes\n" +
        'Negative prompt: ugly, (((deformed))), [blurry]\n' +
        'Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 965400086, Size: 512x768, Model hash: 45dee52b',
    );
    expect(a1111).toMatchObject({
      prompt: "girl with an artist's beret, determined, blue eyes",
      negativePrompt: 'ugly, (((deformed))), [blurry]',
      seed: 965400086,
      width: 512,
      height: 768,
      modelHash: '45dee52b',
    });
    // A text without a parameters line is all prompt.
    expect(parseA1111Parameters('just a prompt, really')).toEqual({
      prompt: 'just a prompt, really',
      negativePrompt: '',
      fields: {},
    });
  });

  it('turns checkpoint titles into A1111 model names', () => {
    expect(splitCheckpointTitle('sd_xl_base_1.0.safetensors [31e35c80fc]')).toEqual({
      name: 'sd_xl_base_1.0',
      hash: '31e35c80fc',
    });
    expect(splitCheckpointTitle('SDXL/juggernaut.ckpt')).toEqual({ name: 'juggernaut', hash: null });
    expect(splitCheckpointTitle('dall-e-3')).toEqual({ name: 'dall-e-3', hash: null });
  });
});

describe('withTextChunk / readTextChunks', () => {
  it('adds a tEXt chunk right after IHDR; the PNG still decodes with the same pixels', () => {
    const png = tinyPng(4, 3);
    const params = a1111Parameters(txt2img);
    const out = withTextChunk(png, 'parameters', params);
    expect(chunkTypes(out)).toEqual(['IHDR', 'tEXt', 'IDAT', 'IEND']);
    expect(readTextChunks(out)).toEqual({ parameters: params });
    const before = PNG.sync.read(png);
    const after = PNG.sync.read(out, { checkCRC: true });
    expect([after.width, after.height]).toEqual([4, 3]);
    expect(after.data.equals(before.data)).toBe(true);
  });

  it('replaces an earlier chunk with the same keyword and keeps others', () => {
    let png = withTextChunk(tinyPng(), 'Software', 'Hearth');
    png = withTextChunk(png, 'parameters', 'first');
    png = withTextChunk(png, 'parameters', 'second');
    expect(chunkTypes(png)).toEqual(['IHDR', 'tEXt', 'tEXt', 'IDAT', 'IEND']);
    expect(readTextChunks(png)).toEqual({ parameters: 'second', Software: 'Hearth' });
  });

  it('writes non-Latin-1 text as an uncompressed UTF-8 iTXt chunk, as Pillow does', () => {
    const text = '雪の中の灯台 🌨️, café\nSteps: 20, Sampler: Euler a, Seed: 1';
    const png = withTextChunk(withTextChunk(tinyPng(), 'parameters', 'latin1 first'), 'parameters', text);
    expect(chunkTypes(png)).toEqual(['IHDR', 'iTXt', 'IDAT', 'IEND']);
    const at = 8 + 25 + 8; // data of the chunk after IHDR
    expect(png.subarray(at, at + 15)).toEqual(Buffer.from('parameters\0\0\0\0\0', 'latin1'));
    expect(readTextChunks(png).parameters).toBe(text);
    expect(PNG.sync.read(png, { checkCRC: true }).width).toBe(2);
    // Latin-1 beyond ASCII stays tEXt.
    expect(chunkTypes(withTextChunk(tinyPng(), 'parameters', 'café crème'))).toContain('tEXt');
    expect(readTextChunks(withTextChunk(tinyPng(), 'parameters', 'café crème')).parameters).toBe('café crème');
  });

  it('reads zTXt and compressed iTXt written by other tools', () => {
    const png = tinyPng();
    const chunk = (type: string, data: Buffer) => {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(data.length);
      head.write(type, 4, 'latin1');
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(head.subarray(4), data));
      return Buffer.concat([head, data, crc]);
    };
    const z = chunk('zTXt', Buffer.concat([Buffer.from('Comment\0\0', 'latin1'), deflateSync(Buffer.from('zipped'))]));
    const i = chunk(
      'iTXt',
      Buffer.concat([Buffer.from('Title\0\x01\0en\0Titel\0', 'latin1'), deflateSync(Buffer.from('Überschrift ✓'))]),
    );
    const iendAt = png.length - 12;
    const withBoth = Buffer.concat([png.subarray(0, iendAt), z, i, png.subarray(iendAt)]);
    expect(readTextChunks(withBoth)).toEqual({ Comment: 'zipped', Title: 'Überschrift ✓' });
  });

  it('refuses what is not a PNG, in plain words', () => {
    expect(() => withTextChunk(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0]), 'parameters', 'x')).toThrow(
      /Not a PNG file/,
    );
    expect(() => readTextChunks(Buffer.from('hello world'))).toThrow(/Not a PNG file/);
    expect(() => withTextChunk(tinyPng().subarray(0, 30), 'parameters', 'x')).toThrow(/cut short/);
    expect(() => withTextChunk(tinyPng(), '', 'x')).toThrow(/not a valid PNG text keyword/);
  });
});
