/**
 * Encryption of secrets at rest (API keys): AES-256-GCM with a random 96-bit nonce per value.
 * Stored form: `enc:v1:<base64 nonce|tag|ciphertext>`. The 32-byte key comes from a KeySource
 * injected by the host (Electron safeStorage, WEBUI_SECRET_KEY, or a 0600 key file).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../../../shared/types/errors';

const PREFIX = 'enc:v1:';

export class SecretBox {
  private readonly key: Buffer;
  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
    this.key = key;
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  decrypt(stored: string): string {
    if (!stored.startsWith(PREFIX)) throw new AppError('internal', 'Stored secret has an unknown format.');
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
    if (raw.length < 28) throw new AppError('internal', 'Stored secret is damaged.');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new AppError(
        'internal',
        "A stored API key cannot be decrypted with this machine's key (was WEBUI_SECRET_KEY changed?). Enter the key again in Settings.",
      );
    }
  }

  static isEncrypted(value: string): boolean {
    return value.startsWith(PREFIX);
  }
}
