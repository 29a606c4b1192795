/**
 * The quick prompt (renderer route /quick): the global shortcut's small window in the desktop app,
 * and a page of its own in serve. One input (Enter asks, Shift+Enter adds a line), the question and
 * its streaming answer below, a model chip; every action has a key (listed in the footer). Esc hides
 * the window (desktop) or collapses the page to a bar that keeps everything (serve). It has its own
 * small store (quick-store.ts) and never loads the chat list.
 */
import { useEffect, useRef, useState, type ClipboardEvent, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { transport } from '../../client';
import { formatSize } from '../chat/attach-files';
import { imageContent, readBrowserClipboard } from './browser-clipboard';
import { mainUrlFor, writeQuickHandoff } from './handoff';
import { modelLabel } from './model-choice';
import { ModelChip, ModelList } from './ModelSwitcher';
import { QuickAnswer } from './QuickAnswer';
import { isMacPlatform, QuickKeys } from './QuickKeys';
import { createQuickStore, type QuickStore } from './quick-store';
import './quick.css';

let store: QuickStore | null = null;
/** The page's store, made on first use with the browser's ways of doing things. */
function quickStore(): QuickStore {
  store ??= createQuickStore({
    desktop: transport === 'ipc',
    goToMain(handoff) {
      writeQuickHandoff(sessionStorage, handoff);
      location.assign(mainUrlFor(handoff));
    },
    readClipboard: readBrowserClipboard,
    imageContent,
  });
  return store;
}

export default function QuickPrompt() {
  const useQuick = quickStore();
  const q = useQuick((s) => s.quick);
  const models = useQuick((s) => s.models);
  const desktop = useQuick((s) => s.desktop);
  const setupError = useQuick((s) => s.setupError);
  const loading = useQuick((s) => s.loading);
  const saving = useQuick((s) => s.saving);
  const platform = useQuick((s) => s.platform);
  const theme = useQuick((s) => s.theme);
  const connection = useQuick((s) => s.connection);
  const sent = useQuick((s) => s.sent);
  const [listOpen, setListOpen] = useState(false);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const mod = isMacPlatform(platform) ? '⌘' : 'Ctrl';
  const streaming = q.phase === 'streaming';
  const collapsed = !desktop && !q.visible;

  useEffect(() => {
    const s = useQuick.getState();
    s.setFocusHandler(() => requestAnimationFrame(() => inputRef.current?.focus()));
    const stop = s.start();
    return () => {
      stop();
      s.setFocusHandler(null);
    };
  }, [useQuick]);

  useEffect(() => {
    document.title = 'Quick prompt';
  }, []);

  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);

  // The desktop window: shown by the shell (focus), hidden on a click elsewhere (blur).
  useEffect(() => {
    if (!desktop) return;
    const s = useQuick.getState();
    const onFocus = () => s.dispatch({ type: 'open' });
    const onBlur = () => s.dispatch({ type: 'blur' });
    window.addEventListener('focus', onFocus);
    window.addEventListener('blur', onBlur);
    return () => {
      window.removeEventListener('focus', onFocus);
      window.removeEventListener('blur', onBlur);
    };
  }, [desktop, useQuick]);

  // The keys, wherever the focus is (handled ones are marked with preventDefault by the control).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const s = useQuick.getState();
      const modKey = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (!s.desktop && !s.quick.visible) {
        if (e.key === 'Enter') {
          e.preventDefault();
          s.dispatch({ type: 'open' });
        }
        return;
      }
      let handled = true;
      if (e.key === 'Escape') s.dispatch({ type: 'escape' });
      else if (modKey && e.key === 'Enter') s.continueInMain();
      else if (modKey && e.shiftKey && key === 'v') s.attachClipboard();
      else if (modKey && !e.shiftKey && key === 'm') setListOpen(true);
      else if (modKey && !e.shiftKey && key === 'n') s.newChat();
      else if (modKey && e.key === '.') s.stop();
      else if (e.altKey && !modKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown'))
        s.cycle(e.key === 'ArrowDown' ? 1 : -1);
      else handled = false;
      if (handled) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [useQuick]);

  const s = useQuick.getState();

  if (collapsed) {
    return (
      <div className="quick quick-page">
        <button type="button" className="quick-collapsed" autoFocus onClick={() => s.dispatch({ type: 'open' })}>
          <span className="quick-collapsed-title">Quick prompt</span> — press Enter or click to open
          {streaming && <span className="quick-collapsed-busy"> (answering…)</span>}
        </button>
      </div>
    );
  }

  const onInputKey = (e: ReactKeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key !== 'Enter' || e.shiftKey || e.ctrlKey || e.metaKey || e.altKey || e.nativeEvent.isComposing) return;
    e.preventDefault();
    s.submit();
  };

  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const images = [...e.clipboardData.files].filter((f) => f.type.startsWith('image/'));
    if (!images.length) return;
    e.preventDefault();
    for (const f of images) void s.attachImageFile(f);
  };

  const label = modelLabel(models, q.model);
  return (
    <div className={`quick${desktop ? ' quick-desktop' : ' quick-page'}`}>
      <section className="quick-panel" aria-label="Quick prompt">
        <header className="quick-head">
          <div className="quick-model">
            <ModelChip
              models={models}
              model={q.model}
              open={listOpen}
              shortcut={`${mod}+M`}
              onOpen={() => setListOpen((o) => !o)}
            />
            {listOpen && (
              <ModelList
                models={models}
                model={q.model}
                onPick={(id) => {
                  s.pickModel(id);
                  setListOpen(false);
                  inputRef.current?.focus();
                }}
                onClose={() => {
                  setListOpen(false);
                  inputRef.current?.focus();
                }}
              />
            )}
          </div>
          <div className="quick-head-actions">
            <button type="button" className="btn btn-ghost btn-small" onClick={() => s.newChat()} title={`${mod}+N`}>
              New
            </button>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              onClick={() => s.continueInMain()}
              disabled={!q.chatId && !q.draft.trim() && !q.attachments.length}
              title={`${mod}+Enter`}
            >
              Continue in Hearth
            </button>
          </div>
        </header>
        {connection === 'closed' && (
          <div className="banner banner-warn" role="status">
            Lost the connection to Hearth. Reconnecting…
          </div>
        )}
        {setupError && (
          <div className="banner banner-error quick-setup" role="alert">
            <p>{setupError}</p>
            <button type="button" className="btn btn-small" onClick={() => void s.reloadModels()}>
              Try again
            </button>
          </div>
        )}
        <div className="quick-input-row">
          <textarea
            ref={inputRef}
            className="quick-input"
            aria-label="Quick prompt"
            placeholder={loading ? 'Ask anything…' : q.model ? `Ask ${label}…` : 'Choose a model to start'}
            value={q.draft}
            rows={Math.min(8, Math.max(1, q.draft.split('\n').length))}
            onChange={(e) => s.dispatch({ type: 'input', text: e.target.value })}
            onKeyDown={onInputKey}
            onPaste={onPaste}
            autoFocus
          />
          {streaming ? (
            <button type="button" className="btn btn-danger" onClick={() => s.stop()} title={`Stop (${mod}+.)`}>
              Stop
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => s.submit()}
              disabled={!q.draft.trim() && !q.attachments.length}
            >
              Send
            </button>
          )}
        </div>
        {q.attachments.length > 0 && (
          <ul className="composer-files quick-files" aria-label="Attached">
            {q.attachments.map((a, i) => (
              <li key={`${i}-${a.name}`} className="file-chip">
                {a.kind === 'image' ? (
                  <img className="file-chip-thumb" src={`data:${a.mime};base64,${a.data}`} alt="" />
                ) : (
                  <span className="file-chip-icon" aria-hidden="true">
                    📄
                  </span>
                )}
                <span className="file-chip-name">{a.name}</span>
                <span className="file-chip-size">{formatSize(a.size)}</span>
                <button
                  type="button"
                  className="file-chip-remove"
                  aria-label={`Remove ${a.name}`}
                  title={`Remove ${a.name}`}
                  onClick={() => s.dispatch({ type: 'remove-attachment', index: i })}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        {q.error && (
          <div className="banner banner-error quick-error" role="alert">
            <span>{q.error}</span>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => s.dispatch({ type: 'dismiss' })}>
              Dismiss
            </button>
          </div>
        )}
        {q.notice && (
          <p className="quick-notice" role="status">
            {q.notice}
          </p>
        )}
        {q.question !== null && (
          <QuickAnswer
            question={q.question}
            files={sent?.files ?? []}
            answer={q.answer}
            streaming={streaming}
            status={q.answerStatus}
            modelLabel={modelLabel(models, sent?.model ?? q.model)}
          />
        )}
        <QuickKeys mod={mod} desktop={desktop} saving={saving} streaming={streaming} />
      </section>
    </div>
  );
}
