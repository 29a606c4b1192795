/**
 * Attachments: files a user sends with a message. The bytes live as files under
 * `<dataDir>/attachments/<id>.<ext>` (never base64 in SQLite); a row in `attachments` describes each.
 *
 * Public: add, get, pending, link, duplicate, contents, readBase64, purgeUnsent, purgeDeletedChats, store (imports),
 * rowsForChat (exports).
 *
 * An attachment belongs to a chat from the start (the schema's chat_id is NOT NULL), so the
 * renderer creates the chat (chats.create) before attaching to a new conversation. It is linked to
 * its message when that message is sent (messages.send's attachmentIds).
 */
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Attachment } from '../../../shared/types/domain';
import { AppError } from '../../../shared/types/errors';
import type { AttachmentRepo, AttachmentRow } from '../store/attachment-repo';
import { toAttachment } from '../store/chat-repo';
import { inside } from '../util/safe-path';
import { uuidv7 } from '../../../shared/uuidv7';
import { isEntityId } from '../../../shared/ids';
import { IMAGE_LIMIT_BYTES, TEXT_LIMIT_BYTES } from '../../../shared/limits';
import { IMAGE_EXT, isUtf8Text, sniffImage, textExtension, textMime } from './file-kind';

/** Deleted chats can be restored (chats.restore) for this long; then they are purged with their files. */
export const PURGE_DELETED_AFTER_MS = 30 * 24 * 60 * 60 * 1000;
/** Chats removed per transaction when purging, so other writers wait only briefly. */
const PURGE_BATCH = 200;

export interface PurgeReport {
  chats: number;
  messages: number;
  attachments: number;
  /** Files removed from <dataDir>/attachments. */
  files: number;
}

export interface AddAttachment {
  chatId?: string;
  name: string;
  mime: string;
  dataBase64: string;
  width?: number;
  height?: number;
}

/** File writes, injectable so tests can simulate a full disk. */
export interface AttachmentFs {
  writeFile(path: string, data: Uint8Array): void;
  rename(from: string, to: string): void;
}

const realFs: AttachmentFs = {
  writeFile: (p, d) => writeFileSync(p, d, { flag: 'wx' }),
  rename: (a, b) => renameSync(a, b),
};

const formatKb = (n: number) => `${Math.round(n / 1024)} KB`;

export class AttachmentService {
  readonly dir: string;

  constructor(
    private readonly repo: AttachmentRepo,
    readonly dataDir: string,
    private readonly fs: AttachmentFs = realFs,
    private readonly now: () => number = Date.now,
  ) {
    this.dir = join(dataDir, 'attachments');
  }

  add(input: AddAttachment): Attachment {
    if (!input.chatId) {
      throw new AppError(
        'invalid_input',
        'An attachment needs its chat: create the chat first (chats.create), then attach files to it.',
      );
    }
    if (!this.repo.chatIsLive(input.chatId))
      throw new AppError('not_found', 'That chat does not exist (it may have been deleted).');
    const bytes = Buffer.from(input.dataBase64, 'base64');
    if (bytes.length === 0) throw new AppError('invalid_input', `"${input.name}" is empty.`);
    const kind = classify(input.name, input.mime, bytes);
    return this.store({
      chatId: input.chatId,
      messageId: null,
      name: input.name,
      bytes,
      ...kind,
      width: kind.kind === 'image' ? (input.width ?? null) : null,
      height: kind.kind === 'image' ? (input.height ?? null) : null,
    }).attachment;
  }

  /**
   * Write the file (temp name, then rename, so no half-written file ever carries the real name) and
   * its row. On any failure nothing is left behind. The id and extension name the file, so both are
   * checked here, and the path must stay inside the attachments folder. Returns the file's path too.
   */
  store(a: {
    id?: string;
    chatId: string;
    messageId: string | null;
    kind: 'image' | 'text';
    name: string;
    mime: string;
    ext: string;
    bytes: Uint8Array;
    width: number | null;
    height: number | null;
    createdAt?: number;
  }): { attachment: Attachment; file: string } {
    const id = a.id ?? uuidv7();
    if (!isEntityId(id) || !/^[a-z0-9]{1,10}$/.test(a.ext)) {
      throw new AppError('invalid_input', `"${a.name}" cannot be stored: its id or file type is not valid.`);
    }
    const rel = `attachments/${id}.${a.ext}`;
    const final = this.fileOf(rel);
    const temp = inside(this.dir, `.${id}.${randomBytes(4).toString('hex')}.tmp`);
    if (!final || !temp) throw new AppError('invalid_input', `"${a.name}" cannot be stored outside ${this.dir}.`);
    try {
      mkdirSync(this.dir, { recursive: true });
      this.fs.writeFile(temp, a.bytes);
      this.fs.rename(temp, final);
    } catch (err) {
      removeQuietly(temp);
      throw diskError(err, a.name, this.dir);
    }
    try {
      this.repo.insert({
        id,
        chatId: a.chatId,
        messageId: a.messageId,
        kind: a.kind,
        name: a.name,
        mime: a.mime,
        size: a.bytes.length,
        path: rel,
        width: a.width,
        height: a.height,
        createdAt: a.createdAt ?? this.now(),
      });
    } catch (err) {
      removeQuietly(final);
      throw err;
    }
    return { attachment: this.describe(id)!, file: final };
  }

  /**
   * The file a stored relative path (`attachments/<id>.<ext>`, from a row) names, or null when it
   * would lie outside the attachments folder: such a row is treated as having no file.
   */
  fileOf(rel: string): string | null {
    const file = inside(this.dataDir, rel);
    return file && inside(this.dir, file) ? file : null;
  }

  /** Remove the files of these stored paths (rows already gone); paths outside the folder are left alone. */
  removeFiles(rels: readonly string[]): number {
    let n = 0;
    for (const rel of rels) {
      const file = this.fileOf(rel);
      if (file && removeQuietly(file)) n++;
    }
    return n;
  }

  describe(id: string): Attachment | null {
    const row = this.row(id);
    return row ? toAttachment(row) : null;
  }

  /** The bytes as a data: URL, for thumbnails and previews. */
  get(id: string): { dataUrl: string } {
    const row = this.row(id);
    if (!row) throw new AppError('not_found', 'That attachment does not exist.');
    const mime = row.kind === 'text' ? 'text/plain;charset=utf-8' : row.mime;
    return { dataUrl: `data:${mime};base64,${this.readBase64(row)}` };
  }

  readBase64(row: { path: string; name: string }): string {
    try {
      const file = this.fileOf(row.path);
      if (!file) throw Object.assign(new Error('outside the attachments folder'), { code: 'outside the folder' });
      return readFileSync(file).toString('base64');
    } catch (err) {
      throw new AppError(
        'not_found',
        `The file of attachment "${row.name}" is missing from ${this.dir} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'}).`,
      );
    }
  }

  /** Check attachments about to be sent: they exist, belong to this chat and are not sent yet. */
  pending(chatId: string, ids: readonly string[]): Attachment[] {
    const unique = [...new Set(ids)];
    return unique.map((id) => {
      const row = this.row(id);
      if (!row || row.chat_id !== chatId) {
        throw new AppError('invalid_input', 'An attached file was not found in this chat; attach it again.');
      }
      if (row.message_id) {
        throw new AppError('invalid_input', `"${row.name}" was already sent with another message; attach it again.`);
      }
      return toAttachment(row);
    });
  }

  /**
   * New, unsent copies of a message's attachments (an edited question keeps its files): new rows,
   * files hard-linked (copied where links are not possible). Missing files are left out.
   */
  duplicate(attachments: readonly Attachment[]): Attachment[] {
    const out: Attachment[] = [];
    for (const a of attachments) {
      const row = this.row(a.id);
      if (!row) continue;
      const id = uuidv7();
      const ext = row.path.slice(row.path.lastIndexOf('.') + 1);
      const rel = `attachments/${id}.${ext}`;
      const from = this.fileOf(row.path);
      const to = /^[a-z0-9]{1,10}$/.test(ext) ? this.fileOf(rel) : null;
      if (!from || !to) continue;
      try {
        try {
          linkSync(from, to);
        } catch {
          copyFileSync(from, to);
        }
      } catch {
        continue;
      }
      this.repo.insert({
        id,
        chatId: row.chat_id,
        messageId: null,
        kind: row.kind,
        name: row.name,
        mime: row.mime,
        size: row.size,
        path: rel,
        width: row.width,
        height: row.height,
        createdAt: this.now(),
      });
      out.push(this.describe(id)!);
    }
    return out;
  }

  /** Link checked attachments to the user message they were sent with. */
  link(messageId: string, attachments: readonly Attachment[]): void {
    this.repo.link(
      messageId,
      attachments.map((a) => a.id),
    );
  }

  /**
   * A live attachment's kind, name and bytes (for the model: chats/model-turns.ts), or null when its
   * row or its file is gone.
   */
  contents(id: string): { kind: 'image' | 'text'; name: string; bytes: Buffer } | null {
    const row = this.row(id);
    if (!row) return null;
    const file = this.fileOf(row.path);
    if (!file) return null;
    try {
      return { kind: row.kind, name: row.name, bytes: readFileSync(file) };
    } catch {
      return null;
    }
  }

  /**
   * Files attached but never sent (the chip was removed, or the window closed) are dropped after a
   * day: the row becomes a tombstone and the file is deleted. Returns how many.
   */
  purgeUnsent(olderThanMs = 24 * 60 * 60 * 1000): number {
    const rows = this.repo.unsentBefore(this.now() - olderThanMs);
    for (const r of rows) {
      this.repo.tombstone(r.id);
      this.removeFiles([r.path]);
    }
    return rows.length;
  }

  /**
   * Chats deleted longer than `olderThanMs` ago are removed for good: the chat row, its messages
   * (and their search entries), tags links, attachment rows, and the attachment files. When a chat
   * was deleted is read from its version (a hybrid-clock stamp starting with the wall-clock ms of
   * its last change, which for a deleted chat is the deletion). Runs at start-up and from
   * chats.purgeDeleted.
   */
  purgeDeletedChats(olderThanMs = PURGE_DELETED_AFTER_MS): PurgeReport {
    const ids = this.repo.deletedChatsBefore(this.now() - olderThanMs);
    const report: PurgeReport = { chats: 0, messages: 0, attachments: 0, files: 0 };
    for (let i = 0; i < ids.length; i += PURGE_BATCH) {
      const erased = this.repo.eraseChats(ids.slice(i, i + PURGE_BATCH));
      report.chats += erased.chats;
      report.messages += erased.messages;
      report.attachments += erased.attachments;
      report.files += this.removeFiles(erased.paths);
    }
    return report;
  }

  /** Rows (with paths) for the given messages, for exports. */
  rowsForChat(chatId: string): AttachmentRow[] {
    return this.repo.sentInChat(chatId);
  }

  private row(id: string): AttachmentRow | undefined {
    return this.repo.get(id);
  }
}

/** Decide what a file is from its bytes; throws a message naming the file and what to do. */
export function classify(
  name: string,
  declaredMime: string,
  bytes: Uint8Array,
): { kind: 'image' | 'text'; mime: string; ext: string } {
  const image = sniffImage(bytes);
  if (image) {
    if (bytes.length > IMAGE_LIMIT_BYTES) {
      throw new AppError(
        'invalid_input',
        `"${name}" is too large (${formatKb(bytes.length)}); images can be up to ${IMAGE_LIMIT_BYTES / 1024 / 1024} MB.`,
      );
    }
    return { kind: 'image', mime: image, ext: IMAGE_EXT[image] };
  }
  const declared = declaredMime.trim().toLowerCase();
  if (declared.startsWith('image/')) {
    throw new AppError(
      'invalid_input',
      `"${name}" is not a PNG, JPEG, WebP or GIF image (its contents do not match ${declared}); convert it to one of those.`,
    );
  }
  if (!isUtf8Text(bytes)) {
    throw new AppError(
      'invalid_input',
      `"${name}" is a binary file${declared ? ` (${declared})` : ''}; Hearth can attach images (PNG, JPEG, WebP, GIF) and UTF-8 text files.`,
    );
  }
  if (bytes.length > TEXT_LIMIT_BYTES) {
    throw new AppError(
      'invalid_input',
      `"${name}" is too large (${formatKb(bytes.length)}); text files can be up to ${formatKb(TEXT_LIMIT_BYTES)}. Attach a shorter excerpt.`,
    );
  }
  return { kind: 'text', mime: textMime(declared), ext: textExtension(name) };
}

function diskError(err: unknown, name: string, dir: string): AppError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new AppError(
      'disk_full',
      `Could not save "${name}": the disk is full. Free some space and attach it again.`,
    );
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EEXIST') {
    return new AppError(
      'internal',
      `Could not save "${name}": Hearth cannot write to ${dir} (${code}). Check that folder's permissions.`,
    );
  }
  return new AppError('internal', `Could not save "${name}" in ${dir}: ${(err as Error).message}`);
}

/** Remove a file if it is there; true when one was removed. */
export function removeQuietly(path: string): boolean {
  try {
    if (!existsSync(path)) return false;
    rmSync(path, { force: true });
    return true;
  } catch {
    // the folder itself is the problem (reported by the caller)
    return false;
  }
}
