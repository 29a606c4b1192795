import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/types/errors';
import { SecretBox } from './secret-box';

const PLAIN = 'sk-proj-' + randomBytes(24).toString('hex');

function flipByteAt(stored: string, index: number): string {
  const raw = Buffer.from(stored.slice('enc:v1:'.length), 'base64');
  raw[index] = raw[index]! ^ 0x01;
  return 'enc:v1:' + raw.toString('base64');
}

describe('SecretBox', () => {
  it('round-trips a secret, including non-ASCII text', () => {
    const box = new SecretBox(randomBytes(32));
    expect(box.decrypt(box.encrypt(PLAIN))).toBe(PLAIN);
    expect(box.decrypt(box.encrypt('clé—🔑'))).toBe('clé—🔑');
  });

  it('never stores the plaintext and gives a different ciphertext each time', () => {
    const box = new SecretBox(randomBytes(32));
    const a = box.encrypt(PLAIN);
    const b = box.encrypt(PLAIN);
    expect(a).not.toBe(b);
    expect(a.startsWith('enc:v1:')).toBe(true);
    expect(SecretBox.isEncrypted(a)).toBe(true);
    expect(SecretBox.isEncrypted(PLAIN)).toBe(false);
    expect(a).not.toContain(PLAIN);
    expect(Buffer.from(a.slice(7), 'base64').toString('latin1')).not.toContain(PLAIN);
  });

  it('detects tampering with the nonce, the tag or the ciphertext', () => {
    const box = new SecretBox(randomBytes(32));
    const stored = box.encrypt(PLAIN);
    for (const index of [0, 12, 30]) {
      expect(() => box.decrypt(flipByteAt(stored, index))).toThrow(AppError);
    }
    // Truncated and foreign formats are refused too, with their own messages.
    expect(() => box.decrypt('enc:v1:' + Buffer.alloc(10).toString('base64'))).toThrow(/damaged/);
    expect(() => box.decrypt(PLAIN)).toThrow(/unknown format/);
  });

  it('explains that a different key cannot decrypt the stored API key', () => {
    const stored = new SecretBox(randomBytes(32)).encrypt(PLAIN);
    let err: unknown;
    try {
      new SecretBox(randomBytes(32)).decrypt(stored);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toMatch(/cannot be decrypted/);
    expect((err as AppError).message).toMatch(/WEBUI_SECRET_KEY/);
    expect((err as AppError).message).not.toContain(PLAIN);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32-byte/);
  });
});
