/** Where the secrets key comes from outside Electron: WEBUI_SECRET_KEY, else a generated 0600 key file. */
import { hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Derive independent 32-byte keys from one user secret; `purpose` separates their uses. */
export function deriveKey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'hearth', purpose, 32));
}

/** Read the key file, or create it with 0600 permissions. Tightens permissions that are too open. */
export function keyFromFile(file: string): Buffer {
  if (existsSync(file)) {
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) {
      throw new Error(`${file} does not hold a valid key. Remove it only if you can re-enter your API keys.`);
    }
    return key;
  }
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}

/** The serve/CLI key: from WEBUI_SECRET_KEY when set, else the key file in the data dir. */
export function serveSecretsKey(secretKey: string | undefined, keyFile: string): Buffer {
  return secretKey ? deriveKey(secretKey, 'hearth-secrets-v1') : keyFromFile(keyFile);
}
