import { useEffect, useState } from 'react';
import type { Attachment, Message } from '../../../../shared/types/domain';
import { client } from '../../client';
import { formatSize } from './attach-files';

/** Thumbnails fetched once per attachment for the page's lifetime. */
const thumbnails = new Map<string, Promise<string>>();

function thumbnail(id: string): Promise<string> {
  let p = thumbnails.get(id);
  if (!p) {
    p = client.call('attachments.get', { id }).then((r) => r.dataUrl);
    p.catch(() => thumbnails.delete(id));
    thumbnails.set(id, p);
  }
  return p;
}

function ImageThumb({ a }: { a: Attachment }) {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    thumbnail(a.id).then(
      (u) => live && setUrl(u),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [a.id]);
  if (failed) return <span className="file-chip-name">{a.name} (file missing)</span>;
  return url ? (
    <img
      className="message-image"
      src={url}
      alt={a.name}
      width={a.width ?? undefined}
      height={a.height ?? undefined}
      loading="lazy"
    />
  ) : (
    <span className="message-image message-image-loading" role="img" aria-label={`${a.name} (loading)`} />
  );
}

/** Files sent with a message: image thumbnails and text-file chips. */
export function MessageAttachments({ message }: { message: Message }) {
  if (message.attachments.length === 0) return null;
  return (
    <ul className="message-attachments" aria-label="Attachments">
      {message.attachments.map((a) => (
        <li key={a.id} className={a.kind === 'image' ? 'message-attachment-image' : 'file-chip'}>
          {a.kind === 'image' ? (
            <ImageThumb a={a} />
          ) : (
            <>
              <span className="file-chip-icon" aria-hidden="true">
                📄
              </span>
              <span className="file-chip-name">{a.name}</span>
              <span className="file-chip-size">{formatSize(a.size)}</span>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
