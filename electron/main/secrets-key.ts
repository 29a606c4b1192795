/**
 * The desktop's secrets key: 32 random bytes kept in `<data>/secret.key.enc`, encrypted by the OS
 * keychain through Electron's safeStorage. Where no keychain is available (some Linux desktops),
 * fall back to the 0600 key file that `serve` uses.
 */
import { safeStorage } from 'electron';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyFromFile } from '../services/secrets/key-sources';

export function desktopSecretsKey(dataDir: string): Buffer {
  const file = join(dataDir, 'secret.key.enc');
  if (!safeStorage.isEncryptionAvailable()) return keyFromFile(join(dataDir, 'secret.key'));
  if (existsSync(file)) {
    const key = Buffer.from(safeStorage.decryptString(readFileSync(file)), 'base64');
    if (key.length === 32) return key;
    throw new Error(`${file} is damaged; remove it and enter your API keys again.`);
  }
  const key = randomBytes(32);
  writeFileSync(file, safeStorage.encryptString(key.toString('base64')), { mode: 0o600 });
  return key;
}
