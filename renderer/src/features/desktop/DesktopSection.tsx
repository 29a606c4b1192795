/**
 * Settings → Desktop. Everywhere: the quick prompt's model and whether quick prompts are kept (in the
 * "Quick" folder). In the desktop app also: the global shortcut with a key recorder (a shortcut another
 * app holds is refused in plain words and the old one kept), notifications, close to tray, start at
 * login, start hidden, and updates (check, release notes, download with progress, install on quit).
 * Each change is saved at once.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { acceleratorFromKeyEvent } from '../../../../shared/desktop/shortcut-recorder';
import { formatAccelerator } from '../../../../shared/desktop/shortcut';
import { updaterStatusText, type UpdaterState } from '../../../../shared/desktop/updater-state';
import type { DesktopSettings, DesktopView } from '../../../../shared/types/desktop';
import { useAppStore } from '../../app/store';
import { ModelOptions } from '../settings/ModelOptions';

type Flag = 'notifyOnAnswer' | 'closeToTray' | 'startAtLogin' | 'startHidden' | 'checkForUpdates';

const FLAGS: { key: Flag; label: string; hint: string }[] = [
  {
    key: 'notifyOnAnswer',
    label: 'Notify me when an answer finishes',
    hint: 'Only while Hearth’s window is hidden or in the background.',
  },
  {
    key: 'closeToTray',
    label: 'Keep Hearth in the tray when its window is closed',
    hint: 'Quit from the tray or the menu.',
  },
  { key: 'startAtLogin', label: 'Start Hearth when I log in', hint: '' },
  { key: 'startHidden', label: 'Start in the tray, without opening the window', hint: '' },
  {
    key: 'checkForUpdates',
    label: 'Check for updates',
    hint: 'At start and every few hours. Nothing is downloaded until you say so.',
  },
];

export function DesktopSection() {
  const desktop = useAppStore((s) => s.desktop);
  const error = useAppStore((s) => s.desktopError);
  const focus = useAppStore((s) => s.desktopFocus);
  const ref = useRef<HTMLElement>(null);
  const { loadDesktop } = useAppStore.getState();

  useEffect(() => {
    if (!desktop) void loadDesktop();
  }, [desktop, loadDesktop]);
  useEffect(() => {
    if (focus > 0) {
      ref.current?.scrollIntoView({ block: 'start' });
      ref.current?.focus({ preventScroll: true });
    }
  }, [focus]);

  return (
    <section
      className="settings-form desktop-settings"
      ref={ref}
      id="settings-desktop"
      tabIndex={-1}
      aria-labelledby="desktop-settings-title"
    >
      <fieldset>
        <legend id="desktop-settings-title">Desktop</legend>
        {!desktop ? (
          <p className="muted">{error?.action === 'load' ? error.message : 'Loading…'}</p>
        ) : (
          <>
            <QuickPromptFields view={desktop} />
            {desktop.desktop ? (
              <>
                <ShortcutField view={desktop} />
                <FlagFields settings={desktop.settings} />
                {desktop.updates && <UpdatesField state={desktop.updates} version={desktop.version} />}
              </>
            ) : (
              <p className="muted">
                The global shortcut, the tray, notifications and updates belong to the desktop app. In a browser the
                quick prompt is at{' '}
                <a href="/quick" target="_blank" rel="noreferrer">
                  /quick
                </a>
                .
              </p>
            )}
            {error && error.action !== 'load' && error.field !== 'quickPromptShortcut' && (
              <p className="pull-error" role="alert">
                {error.message}
              </p>
            )}
          </>
        )}
      </fieldset>
    </section>
  );
}

function QuickPromptFields({ view }: { view: DesktopView }) {
  const models = useAppStore((s) => s.models);
  const busy = useAppStore((s) => s.desktopBusy.update);
  const { updateDesktop } = useAppStore.getState();
  const current = view.settings.quickPromptModel ?? '';
  return (
    <>
      <label>
        Quick prompt model
        <select
          value={current}
          disabled={busy}
          onChange={(e) => void updateDesktop({ quickPromptModel: e.target.value || null })}
        >
          <option value="">The default model</option>
          <ModelOptions models={models} current={current} />
        </select>
      </label>
      <label className="settings-check">
        <input
          type="checkbox"
          checked={view.settings.saveQuickPrompts}
          disabled={busy}
          onChange={(e) => void updateDesktop({ saveQuickPrompts: e.target.checked })}
        />
        Keep quick prompts in the chat list (folder “Quick”)
      </label>
      {!view.settings.saveQuickPrompts && (
        <small className="muted">
          A quick prompt is removed when you start the next one, unless you continue it in the main window.
        </small>
      )}
    </>
  );
}

function ShortcutField({ view }: { view: DesktopView }) {
  const [recording, setRecording] = useState(false);
  const [preview, setPreview] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const error = useAppStore((s) => (s.desktopError?.field === 'quickPromptShortcut' ? s.desktopError.message : null));
  const busy = useAppStore((s) => s.desktopBusy.update);
  const { updateDesktop } = useAppStore.getState();
  const recorder = useRef<HTMLButtonElement>(null);
  const statusId = useId();
  const { platform } = view;
  const accelerator = view.settings.quickPromptShortcut;

  useEffect(() => {
    if (recording) recorder.current?.focus();
  }, [recording]);

  const stop = () => {
    setRecording(false);
    setPreview(null);
  };
  const save = async (value: string | null) => {
    stop();
    setProblem(null);
    await updateDesktop({ quickPromptShortcut: value });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (!recording) return;
    e.preventDefault();
    e.stopPropagation();
    const r = acceleratorFromKeyEvent(e, platform);
    if (r.status === 'pending') setPreview(r.preview);
    else if (r.status === 'cancel') stop();
    else if (r.status === 'clear') void save(null);
    else if (r.status === 'invalid') {
      setPreview(null);
      setProblem(r.reason);
    } else void save(r.accelerator);
  };

  const report = view.shortcut;
  return (
    <div className="desktop-shortcut">
      <span className="desktop-shortcut-label">Quick prompt shortcut</span>
      <div className="desktop-shortcut-row">
        <button
          type="button"
          ref={recorder}
          className={`btn shortcut-recorder${recording ? ' recording' : ''}`}
          aria-describedby={statusId}
          aria-live="polite"
          disabled={busy}
          onClick={() => {
            setProblem(null);
            setRecording((r) => !r);
          }}
          onKeyDown={onKeyDown}
          onBlur={stop}
        >
          {recording
            ? (preview ?? 'Press the new shortcut…')
            : accelerator
              ? formatAccelerator(accelerator, platform)
              : 'No shortcut'}
        </button>
        {accelerator && !recording && (
          <button type="button" className="btn btn-ghost" disabled={busy} onClick={() => void save(null)}>
            Turn off
          </button>
        )}
      </div>
      <small id={statusId} className="muted">
        {recording
          ? 'Hold the modifiers, then press a key. Escape cancels; Backspace turns the shortcut off.'
          : 'Click, then press the keys you want.'}
      </small>
      {(problem ?? error) && (
        <p className="pull-error" role="alert">
          {problem ?? error}
        </p>
      )}
      {report && !problem && !error && (
        <p className={report.ok ? 'muted' : 'pull-error'} role={report.ok ? 'status' : 'alert'}>
          {report.message}
        </p>
      )}
    </div>
  );
}

function FlagFields({ settings }: { settings: DesktopSettings }) {
  const busy = useAppStore((s) => s.desktopBusy.update);
  const { updateDesktop } = useAppStore.getState();
  return (
    <>
      {FLAGS.map((f) => (
        <label key={f.key} className="settings-check" title={f.hint || undefined}>
          <input
            type="checkbox"
            checked={settings[f.key]}
            disabled={busy || (f.key === 'startHidden' && !settings.startAtLogin && !settings.closeToTray)}
            onChange={(e) => void updateDesktop({ [f.key]: e.target.checked })}
          />
          {f.label}
          {f.hint && <small className="muted"> — {f.hint}</small>}
        </label>
      ))}
    </>
  );
}

function UpdatesField({ state, version }: { state: UpdaterState; version: string }) {
  const busy = useAppStore((s) => s.desktopBusy);
  const { checkUpdates, downloadUpdate, installUpdate } = useAppStore.getState();
  const checking = state.status === 'checking' || busy.check;
  return (
    <div className="desktop-updates" aria-live="polite">
      <p>
        You have Hearth {version}. {updaterStatusText(state)}
      </p>
      {state.status === 'available' && state.notes && (
        <details open>
          <summary>What’s new in {state.version}</summary>
          <pre className="release-notes">{state.notes}</pre>
        </details>
      )}
      {state.status === 'downloading' && (
        <progress
          aria-label="Update download"
          max={100}
          value={state.percent}
          aria-valuetext={`${Math.floor(state.percent)}%`}
        />
      )}
      <div className="data-actions">
        {state.status !== 'off' && state.status !== 'ready' && (
          <button
            type="button"
            className="btn"
            disabled={checking || state.status === 'downloading'}
            onClick={() => void checkUpdates()}
          >
            {checking ? 'Checking…' : 'Check for updates'}
          </button>
        )}
        {state.status === 'available' && (
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy.download}
            onClick={() => void downloadUpdate()}
          >
            Download {state.version}
          </button>
        )}
        {state.status === 'ready' && (
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy.install}
            onClick={() => void installUpdate()}
          >
            Restart and install now
          </button>
        )}
      </div>
    </div>
  );
}
