/**
 * Settings → Sync's form: what was typed (a field left untouched follows the status), turned into
 * the patch `sync.configure` takes, or a sentence saying what to fix. Also the passphrase checks
 * and a connection test's answer in words.
 */
import type { SyncStatus } from '../../../../shared/types/domain';
import type { SyncPatch, SyncTestResult } from './sync-slice';

export interface SyncDraft {
  /** A new connection string ('' keeps the stored one: it is never shown). */
  url: string;
  /** null: untouched (the status's value is shown). */
  schema: string | null;
  deviceName: string | null;
  maxAttachmentMb: string | null;
}

export const EMPTY_DRAFT: SyncDraft = { url: '', schema: null, deviceName: null, maxAttachmentMb: null };

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
export const MAX_ATTACHMENT_MB = 1024;
export const MIN_PASSPHRASE = 8;

export function isDirty(d: SyncDraft): boolean {
  return d.url.trim() !== '' || d.schema !== null || d.deviceName !== null || d.maxAttachmentMb !== null;
}

/** The changed fields as a patch, or what to fix. */
export function syncPatch(d: SyncDraft, s: SyncStatus): { patch: SyncPatch } | { error: string } {
  const patch: SyncPatch = {};
  if (d.url.trim() && s.urlSource !== 'env') patch.url = d.url.trim();
  if (d.schema !== null && d.schema.trim() !== s.schema) {
    const schema = d.schema.trim();
    if (!SCHEMA.test(schema)) {
      return {
        error: 'The schema name may use lower-case letters, digits and _ (not first), up to 63 characters.',
      };
    }
    patch.schema = schema;
  }
  if (d.deviceName !== null && d.deviceName.trim() !== s.deviceName) {
    if (d.deviceName.trim().length > 100) return { error: 'The device name may be up to 100 characters.' };
    patch.deviceName = d.deviceName.trim();
  }
  if (d.maxAttachmentMb !== null) {
    const text = d.maxAttachmentMb.trim();
    const mb = Number(text);
    if (!/^\d+$/.test(text) || mb > MAX_ATTACHMENT_MB) {
      return { error: `The attachment size cap is a whole number of MB from 0 (no files) to ${MAX_ATTACHMENT_MB}.` };
    }
    if (mb !== s.maxAttachmentMb) patch.maxAttachmentMb = mb;
  }
  return { patch };
}

/** What is wrong with a new passphrase and its repetition, or null. */
export function passphraseProblem(passphrase: string, again: string): string | null {
  if (passphrase.length < MIN_PASSPHRASE) return `Use at least ${MIN_PASSPHRASE} characters.`;
  if (passphrase !== again) return 'The two passphrases differ: type the same one twice.';
  return null;
}

/** A connection test's answer in words. */
export function testText(r: SyncTestResult, schema: string): string {
  if (!r.ok) return r.message;
  const where = r.schemaExists
    ? `The schema “${schema}” is there.`
    : `The schema “${schema}” will be created at the first sync.`;
  return `Connected: PostgreSQL ${r.serverVersion}. ${where}`;
}
