/**
 * End-to-end encryption for sync. With a passphrase set, every row's payload (message text,
 * thinking, titles, system prompts, folder and tag names, everything but the ids and versions) and
 * every attachment's bytes are sealed on the device; the server stores ciphertext only.
 *
 * The key comes from the passphrase through scrypt (memory-hard: 64 MiB, about a tenth of a second)
 * with a random salt kept on the server, so every device derives the same key. A verifier (a sealed
 * known text) kept beside the salt tells a wrong passphrase apart before anything is read or written.
 * Payloads are sealed with AES-256-GCM under a fresh 96-bit nonce, bound to their row (kind, id,
 * version) so the server cannot swap one row's ciphertext for another's.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, scrypt } from 'node:crypto';

export interface KeyParams {
  kdf: 'scrypt';
  /** CPU/memory cost (a power of two), block size, parallelism. */
  N: number;
  r: number;
  p: number;
  /** base64 */
  salt: string;
  /** base64 of seal(key, VERIFIER_TEXT, 'verifier') */
  verifier: string;
}

/** 2^16 × 128 × 8 = 64 MiB per derivation. */
const DEFAULT_COST = { N: 1 << 16, r: 8, p: 1 };
const VERIFIER_TEXT = 'hearth-sync-verifier-v1';
const FORMAT = 1;
const NONCE = 12;
const TAG = 16;

export class WrongPassphraseError extends Error {
  constructor() {
    super('The passphrase does not match the one this sync database was set up with.');
  }
}

export class DamagedPayloadError extends Error {}

export interface SyncKey {
  /** Seals payloads and attachments. */
  readonly data: Buffer;
  /** Names attachments by content without revealing their hash to the server. */
  readonly address: Buffer;
}

function derive(passphrase: string, salt: Buffer, c: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), salt, 64, { ...c, maxmem: 256 * c.N * c.r + 16 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

function split(master: Buffer): SyncKey {
  return { data: master.subarray(0, 32), address: master.subarray(32, 64) };
}

/** A new key for a sync database that has none yet: its parameters go to the server. */
export async function newKey(passphrase: string, cost = DEFAULT_COST): Promise<{ key: SyncKey; params: KeyParams }> {
  if (passphrase.length === 0) throw new Error('An empty passphrase encrypts nothing.');
  const salt = randomBytes(16);
  const key = split(await derive(passphrase, salt, cost));
  const verifier = seal(key, Buffer.from(VERIFIER_TEXT), 'verifier').toString('base64');
  return { key, params: { kdf: 'scrypt', ...cost, salt: salt.toString('base64'), verifier } };
}

/** The key for an existing sync database; throws WrongPassphraseError when the verifier does not open. */
export async function openKey(passphrase: string, params: KeyParams): Promise<SyncKey> {
  if (params.kdf !== 'scrypt' || !(params.N >= 1024 && params.N <= 1 << 20) || params.r < 1 || params.p < 1) {
    throw new DamagedPayloadError('The sync database names a key derivation this Hearth does not know.');
  }
  const key = split(await derive(passphrase, Buffer.from(params.salt, 'base64'), params));
  try {
    if (open(key, Buffer.from(params.verifier, 'base64'), 'verifier').toString() === VERIFIER_TEXT) return key;
  } catch {
    // falls through
  }
  throw new WrongPassphraseError();
}

/** [format 1 byte][nonce 12][ciphertext][tag 16], bound to `context`. */
export function seal(key: SyncKey, plain: Buffer, context: string): Buffer {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key.data, nonce);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.from([FORMAT]), nonce, body, cipher.getAuthTag()]);
}

export function open(key: SyncKey, sealed: Buffer, context: string): Buffer {
  if (sealed.length < 1 + NONCE + TAG || sealed[0] !== FORMAT) {
    throw new DamagedPayloadError('An encrypted row is damaged or from a newer Hearth.');
  }
  const nonce = sealed.subarray(1, 1 + NONCE);
  const tag = sealed.subarray(sealed.length - TAG);
  const decipher = createDecipheriv('aes-256-gcm', key.data, nonce);
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(sealed.subarray(1 + NONCE, sealed.length - TAG)), decipher.final()]);
  } catch {
    throw new DamagedPayloadError('An encrypted row does not open with this key (damaged or moved).');
  }
}

/** The name an attachment's bytes are stored under: a keyed hash with encryption on, else sha-256. */
export function contentAddress(key: SyncKey | null, bytes: Buffer): string {
  return key
    ? createHmac('sha256', key.address).update(bytes).digest('hex')
    : createHash('sha256').update(bytes).digest('hex');
}
