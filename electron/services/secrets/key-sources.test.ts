import { chmodSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDirs } from '../../../e2e/support/services';
import { deriveKey, keyFromFile, serveSecretsKey } from './key-sources';
import { SecretBox } from './secret-box';

afterEach(removeTempDirs);

const posix = process.platform !== 'win32';
const mode = (file: string) => statSync(file).mode & 0o777;

describe('keyFromFile', () => {
  it('creates a 32-byte key readable only by the owner, in a folder it creates', () => {
    const file = join(makeTempDir(), 'nested', 'secret.key');
    const key = keyFromFile(file);
    expect(key).toHaveLength(32);
    if (posix) expect(mode(file)).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(key)).toBe(true);
  });

  it('reads the same key back on the next start, so stored secrets stay readable', () => {
    const file = join(makeTempDir(), 'secret.key');
    const stored = new SecretBox(keyFromFile(file)).encrypt('sk-test-123456789');
    expect(new SecretBox(keyFromFile(file)).decrypt(stored)).toBe('sk-test-123456789');
  });

  it.runIf(posix)('tightens loose permissions on an existing key file and keeps the key', () => {
    const file = join(makeTempDir(), 'secret.key');
    const key = keyFromFile(file);
    chmodSync(file, 0o644);
    expect(mode(file)).toBe(0o644);
    expect(keyFromFile(file).equals(key)).toBe(true);
    expect(mode(file)).toBe(0o600);
  });

  it('refuses a key file that does not hold a key, without overwriting it', () => {
    const file = join(makeTempDir(), 'secret.key');
    writeFileSync(file, 'not a key\n', { mode: 0o600 });
    expect(() => keyFromFile(file)).toThrow(/does not hold a valid key/);
    expect(readFileSync(file, 'utf8')).toBe('not a key\n');
  });
});

describe('deriveKey and serveSecretsKey', () => {
  it('derives a stable 32-byte key that differs per purpose and per secret', () => {
    const a = deriveKey('correct horse', 'hearth-secrets-v1');
    expect(a).toHaveLength(32);
    expect(deriveKey('correct horse', 'hearth-secrets-v1').equals(a)).toBe(true);
    expect(deriveKey('correct horse', 'another-purpose').equals(a)).toBe(false);
    expect(deriveKey('battery staple', 'hearth-secrets-v1').equals(a)).toBe(false);
    expect(a.equals(Buffer.alloc(32, 0))).toBe(false);
  });

  it('uses WEBUI_SECRET_KEY when given (no key file written), else the key file', () => {
    const dir = makeTempDir();
    const file = join(dir, 'secret.key');
    const fromSecret = serveSecretsKey('s3cret', file);
    expect(fromSecret.equals(deriveKey('s3cret', 'hearth-secrets-v1'))).toBe(true);
    expect(() => statSync(file)).toThrow();
    const fromFile = serveSecretsKey(undefined, file);
    expect(fromFile.equals(keyFromFile(file))).toBe(true);
    expect(fromFile.equals(fromSecret)).toBe(false);
  });
});
