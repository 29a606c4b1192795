import { useState, type KeyboardEvent } from 'react';
import { useAppStore } from '../../app/store';

/** The message box: Enter sends, Shift+Enter adds a line; Stop replaces Send while answering. */
export function Composer() {
  const [text, setText] = useState('');
  const streaming = useAppStore((s) => s.messages.some((m) => m.status === 'streaming'));
  const sending = useAppStore((s) => s.sending);
  const hasModel = useAppStore((s) => !!s.selectedModel);
  const { send, stop } = useAppStore.getState();
  const canSend = !!text.trim() && !sending && !streaming && hasModel;

  const submit = async () => {
    if (!canSend) return;
    const content = text;
    setText('');
    const ok = await send(content);
    if (!ok) setText((current) => current || content); // never lose what the user typed
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
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
    </form>
  );
}
