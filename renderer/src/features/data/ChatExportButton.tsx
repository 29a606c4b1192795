import { useEffect, useRef, useState } from 'react';
import { client, ClientError } from '../../client';
import { useAppStore } from '../../app/store';
import { downloadFile } from './download';

/** "Export chat" in the chat header: the open chat as Markdown (the branch on screen) or Hearth JSON. */
export function ChatExportButton() {
  const chatId = useAppStore((s) => s.activeChatId);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !box.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  if (!chatId) return null;
  const run = async (format: 'markdown' | 'hearth') => {
    setOpen(false);
    setError(null);
    try {
      downloadFile(await client.call('data.export', { chatId, format }));
    } catch (err) {
      setError(err instanceof ClientError ? err.message : 'The export failed.');
    }
  };
  return (
    <div className="chat-export" ref={box}>
      <button
        type="button"
        className="btn btn-ghost"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        Export chat
      </button>
      {open && (
        <div className="chat-export-menu" role="menu" aria-label="Export chat">
          <button type="button" role="menuitem" autoFocus onClick={() => void run('markdown')}>
            Export as Markdown
          </button>
          <button type="button" role="menuitem" onClick={() => void run('hearth')}>
            Export as JSON
          </button>
        </div>
      )}
      {error && (
        <span className="chat-export-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
