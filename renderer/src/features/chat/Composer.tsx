import { useCallback, useEffect, useRef, useState, type ClipboardEvent, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { client, ClientError } from '../../client';
import { useAppStore } from '../../app/store';
import type { GalleryImage } from '../../../../shared/types/images';
import { AttachError, formatSize, prepareFile } from './attach-files';
import { GalleryPicker } from './GalleryPicker';
import { parseImageCommand, pickImageBackend, readLastBackendId } from './image-command';
import { loadImageBackends, useImageBackends } from '../images/settings/image-backends';
import './image-in-chat.css';

interface PendingFile {
  key: string;
  chatId: string | null;
  name: string;
  size: number;
  kind: 'image' | 'text';
  preview?: string;
  /** Set once the app has stored it. */
  id?: string;
}

let keySeq = 0;

/**
 * The message box: Enter sends, Shift+Enter adds a line; Stop replaces Send while answering.
 * Files come by the "Attach files" button, by dropping them on the chat, by pasting images, or from
 * the gallery ("Attach from gallery"); they show as chips above the text and go with the next
 * message. An attachment belongs to a chat, so attaching in a new conversation creates the chat first.
 * `/image <prompt>` makes an image instead of sending (a hint under the box says with which backend).
 */
export function Composer() {
  const [text, setText] = useState('');
  const [files, setFiles] = useState<PendingFile[]>([]);
  const [attachError, setAttachError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const streaming = useAppStore((s) => s.messages.some((m) => m.status === 'streaming'));
  const sending = useAppStore((s) => s.sending);
  const hasModel = useAppStore((s) => !!s.selectedModel);
  const activeChatId = useAppStore((s) => s.activeChatId);
  const { send, stop, generateImageInChat } = useAppStore.getState();
  const [picking, setPicking] = useState(false);
  const command = parseImageCommand(text);
  const isCommand = command !== null;
  const { backends, error: backendsError } = useImageBackends();
  const backend = pickImageBackend(backends ?? [], isCommand ? readLastBackendId() : null);
  const uploading = files.some((f) => !f.id);
  const canSend = command
    ? 'prompt' in command && !!backend && !sending && !streaming
    : !!text.trim() && !sending && !streaming && hasModel && !uploading;

  // Starting a /image command reads the backends again (one may have been added meanwhile).
  useEffect(() => {
    if (isCommand) void loadImageBackends();
  }, [isCommand]);

  // Files attached to another chat do not follow the user to this one.
  useEffect(() => {
    setFiles((list) => list.filter((f) => f.chatId === activeChatId));
  }, [activeChatId]);

  const ensureChat = useAppStore((s) => s.ensureChat);

  const addFiles = useCallback(
    async (list: File[]) => {
      if (!list.length) return;
      setAttachError(null);
      const errors: string[] = [];
      let chatId: string;
      try {
        chatId = await ensureChat();
      } catch (err) {
        setAttachError(err instanceof ClientError ? err.message : 'Could not start a chat for the files.');
        return;
      }
      await Promise.all(
        list.map(async (file) => {
          const key = `f${++keySeq}`;
          try {
            const prepared = await prepareFile(file);
            const kind = file.type.startsWith('image/') ? 'image' : 'text';
            setFiles((l) => [
              ...l,
              { key, chatId, name: prepared.name, size: prepared.size, kind, preview: prepared.preview },
            ]);
            const stored = await client.call('attachments.add', {
              chatId,
              name: prepared.name,
              mime: prepared.mime,
              dataBase64: prepared.dataBase64,
              width: prepared.width,
              height: prepared.height,
            });
            setFiles((l) => l.map((f) => (f.key === key ? { ...f, id: stored.id, kind: stored.kind } : f)));
          } catch (err) {
            setFiles((l) => l.filter((f) => f.key !== key));
            errors.push(
              err instanceof AttachError || err instanceof ClientError
                ? err.message
                : `"${file.name}" could not be attached.`,
            );
          }
        }),
      );
      if (errors.length) setAttachError(errors.join(' '));
    },
    [ensureChat],
  );

  // Text (and files) sent from outside (the quick prompt, a hearth://new link): taken once, never sent
  // by itself; text already typed here stays, the new text goes after it.
  const prefill = useAppStore((s) => s.composerPrefill);
  useEffect(() => {
    if (!prefill) return;
    const taken = useAppStore.getState().takeComposerPrefill();
    if (!taken) return;
    if (taken.text)
      setText((current) => (current.trim() ? `${current.replace(/\s+$/, '')}\n\n${taken.text}` : taken.text));
    if (taken.files.length) void addFiles(taken.files);
  }, [prefill, addFiles]);

  // Drop files anywhere on the chat area.
  useEffect(() => {
    const inChat = (e: DragEvent) => !!(e.target as Element | null)?.closest?.('.chat-view');
    const hasFiles = (e: DragEvent) => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');
    const over = (e: DragEvent) => {
      if (!hasFiles(e) || !inChat(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (!e.relatedTarget || !inChat({ target: e.relatedTarget } as unknown as DragEvent)) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      setDragging(false);
      if (!hasFiles(e) || !inChat(e)) return;
      e.preventDefault();
      void addFiles([...(e.dataTransfer?.files ?? [])]);
    };
    document.addEventListener('dragover', over);
    document.addEventListener('dragleave', leave);
    document.addEventListener('drop', drop);
    return () => {
      document.removeEventListener('dragover', over);
      document.removeEventListener('dragleave', leave);
      document.removeEventListener('drop', drop);
    };
  }, [addFiles]);

  const attachFromGallery = async (image: GalleryImage, thumb: string | null) => {
    setPicking(false);
    setAttachError(null);
    let chatId: string;
    try {
      chatId = await ensureChat();
    } catch (err) {
      setAttachError(err instanceof ClientError ? err.message : 'Could not start a chat for the image.');
      return;
    }
    const key = `f${++keySeq}`;
    const name = image.prompt.trim().slice(0, 40) || 'Gallery image';
    setFiles((l) => [...l, { key, chatId, name, size: image.size, kind: 'image', preview: thumb ?? undefined }]);
    try {
      const a = await client.call('attachments.fromImage', { imageId: image.id, chatId });
      setFiles((l) => l.map((f) => (f.key === key ? { ...f, id: a.id, name: a.name, size: a.size, kind: a.kind } : f)));
    } catch (err) {
      setFiles((l) => l.filter((f) => f.key !== key));
      setAttachError(err instanceof ClientError ? err.message : 'The image could not be attached.');
    }
  };

  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const images = [...e.clipboardData.files].filter((f) => f.type.startsWith('image/'));
    if (!images.length) return;
    e.preventDefault();
    const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, '-');
    void addFiles(
      images.map((f, i) =>
        f.name && f.name !== 'image.png'
          ? f
          : new File([f], `pasted-${stamp}${images.length > 1 ? `-${i + 1}` : ''}.${f.type.split('/')[1]}`, {
              type: f.type,
            }),
      ),
    );
  };

  const submitImage = async (prompt: string) => {
    if (!canSend || !backend) return;
    const typed = text;
    setText('');
    setAttachError(null);
    // Files waiting stay for the next message: an image prompt does not take them.
    const ok = await generateImageInChat({ prompt, asUserTurn: true, backendId: backend.id });
    if (!ok) setText((current) => current || typed);
  };

  const submit = async () => {
    // The hint under the box says why nothing happens (no prompt, no backend).
    if (command) {
      if ('prompt' in command) await submitImage(command.prompt);
      return;
    }
    if (text.trim() && !hasModel) {
      // Say why Enter did nothing; the text stays in the box.
      setAttachError('Pick a model first — the list above fills in once a backend answers.');
      return;
    }
    if (!canSend) return;
    const content = text;
    const sent = files;
    setText('');
    setFiles([]);
    setAttachError(null);
    const ids = sent.filter((f) => f.id && f.chatId === useAppStore.getState().activeChatId).map((f) => f.id!);
    const ok = await send(content, ids);
    if (!ok) {
      // never lose what the user typed or attached
      setText((current) => current || content);
      setFiles((current) => (current.length ? current : sent));
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <form
      className={`composer${dragging ? ' composer-dragging' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {dragging && (
        <div className="composer-drop-hint" aria-hidden="true">
          Drop files to attach them
        </div>
      )}
      {attachError && (
        <div className="composer-error" role="alert">
          {attachError}
          <button type="button" className="btn btn-ghost" onClick={() => setAttachError(null)}>
            Dismiss
          </button>
        </div>
      )}
      {files.length > 0 && (
        <ul className="composer-files" aria-label="Files to send">
          {files.map((f) => (
            <li key={f.key} className="file-chip" aria-busy={!f.id || undefined}>
              {f.preview ? (
                <img className="file-chip-thumb" src={f.preview} alt="" />
              ) : (
                <span className="file-chip-icon" aria-hidden="true">
                  {f.kind === 'image' ? '🖼' : '📄'}
                </span>
              )}
              <span className="file-chip-name">{f.name}</span>
              <span className="file-chip-size">{f.id ? formatSize(f.size) : 'uploading…'}</span>
              <button
                type="button"
                className="file-chip-remove"
                aria-label={`Remove ${f.name}`}
                title={`Remove ${f.name}`}
                onClick={() => setFiles((l) => l.filter((x) => x.key !== f.key))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="composer-row">
        <button
          type="button"
          className="btn btn-ghost composer-attach"
          aria-label="Attach files"
          title="Attach files (images, text) — or drop them on the chat, or paste an image"
          onClick={() => inputRef.current?.click()}
        >
          <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path
              d="M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9"
              fill="none"
              stroke="currentColor"
              strokeWidth="2"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
        </button>
        <button
          type="button"
          className="btn btn-ghost composer-attach"
          aria-label="Attach from gallery"
          title="Attach an image from the gallery"
          onClick={() => setPicking(true)}
        >
          <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <rect x="3" y="4" width="18" height="16" rx="2" fill="none" stroke="currentColor" strokeWidth="2" />
            <circle cx="9" cy="10" r="2" fill="currentColor" />
            <path
              d="M21 17l-5-5-9 8"
              fill="none"
              stroke="currentColor"
              strokeWidth="2"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
        </button>
        <input
          ref={inputRef}
          type="file"
          multiple
          hidden
          tabIndex={-1}
          aria-hidden="true"
          onChange={(e) => {
            void addFiles([...(e.target.files ?? [])]);
            e.target.value = '';
          }}
        />
        <label htmlFor="composer-input" className="sr-only">
          Message
        </label>
        <textarea
          id="composer-input"
          aria-label="Message"
          placeholder={hasModel ? 'Message (Enter to send, Shift+Enter for a new line)' : 'Pick a model to start'}
          value={text}
          rows={Math.min(10, Math.max(2, text.split('\n').length))}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          aria-describedby={command ? 'composer-image-hint' : undefined}
          autoFocus
        />
        {streaming ? (
          <button type="button" className="btn btn-danger" onClick={() => void stop()} title="Stop (Esc)">
            Stop
          </button>
        ) : (
          <button type="submit" className="btn btn-primary" disabled={!canSend}>
            Send
          </button>
        )}
      </div>
      {command && (
        <ImageHint
          error={'error' in command ? command.error : null}
          backendLabel={backend?.label ?? null}
          loading={backends === null && !backendsError}
          loadError={backends === null ? backendsError : null}
        />
      )}
      {picking &&
        // Outside the form: Enter in the dialog's search box must not send the message.
        createPortal(
          <GalleryPicker
            onPick={(image, thumb) => void attachFromGallery(image, thumb)}
            onClose={() => setPicking(false)}
          />,
          document.body,
        )}
    </form>
  );
}

/** Under the box while `/image` is typed: what Enter will do, or why it will not. */
function ImageHint(props: {
  error: string | null;
  backendLabel: string | null;
  loading: boolean;
  loadError: string | null;
}) {
  const { error, backendLabel, loading, loadError } = props;
  const setView = useAppStore((s) => s.setView);
  let body;
  if (loading) body = 'Looking for image backends…';
  else if (loadError) body = `The image backends could not be read: ${loadError}`;
  else if (!backendLabel)
    body = (
      <>
        No image backend yet: add AUTOMATIC1111, ComfyUI or OpenAI Images in Settings → Image generation.{' '}
        <button type="button" className="btn btn-ghost btn-small" onClick={() => setView('settings')}>
          Open Settings
        </button>
      </>
    );
  else if (error) body = error;
  else body = `Enter generates an image with ${backendLabel}`;
  return (
    <p id="composer-image-hint" className="composer-hint" aria-live="polite">
      {body}
    </p>
  );
}
