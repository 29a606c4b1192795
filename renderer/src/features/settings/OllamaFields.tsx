/**
 * Settings → Ollama: how Hearth finds Ollama (auto / external / bundled), the external URL, the
 * bundled executable and its models folder. Values fixed by a flag or the environment are shown
 * locked with the reason. The page's Save button stores mode, URL and folder (see ollamaPatch);
 * the program is never typed in: the desktop app picks it in a native file dialog, serve names it
 * at start (--ollama-path / HEARTH_OLLAMA_PATH).
 */
import { useState } from 'react';
import type { OllamaMode, SettingsView } from '../../../../shared/types/domain';
import type { MethodInput } from '../../../../shared/contract';
import { useAppStore } from '../../app/store';
import { client } from '../../client';

export interface OllamaDraft {
  mode: OllamaMode;
  baseUrl: string;
  modelsDir: string;
}

export function draftFromSettings(s: SettingsView): OllamaDraft {
  return { mode: s.ollamaMode, baseUrl: s.ollamaBaseUrl, modelsDir: s.ollamaModelsDir ?? '' };
}

type Patch = MethodInput<'settings.update'>;

/** The changed Ollama settings as a patch, or an error to show when a field is not valid. */
export function ollamaPatch(d: OllamaDraft, s: SettingsView): { patch: Patch } | { error: string } {
  const patch: Patch = {};
  if (d.mode !== s.ollamaMode) patch.ollamaMode = d.mode;
  if (!s.locked.ollamaBaseUrl && d.baseUrl.trim() !== s.ollamaBaseUrl) {
    try {
      const u = new URL(d.baseUrl.trim());
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    } catch {
      return { error: 'The Ollama URL must start with http:// or https://, for example http://127.0.0.1:11434' };
    }
    patch.ollamaBaseUrl = d.baseUrl.trim();
  }
  const dir = d.modelsDir.trim() || null;
  if (dir !== s.ollamaModelsDir) patch.ollamaModelsDir = dir;
  return { patch };
}

const MODES: { value: OllamaMode; label: string; hint: string }[] = [
  {
    value: 'auto',
    label: 'Auto',
    hint: 'Use an Ollama that is already running at the URL below; if none answers, start the bundled one.',
  },
  {
    value: 'external',
    label: 'External',
    hint: 'Always use the Ollama at the URL below, on this computer or another.',
  },
  {
    value: 'bundled',
    label: 'Bundled',
    hint: 'Hearth starts and supervises its own Ollama on a free port, with the models folder below.',
  },
];

const lockText = (how: 'flag' | 'env' | undefined, envName: string) =>
  how ? `Set by ${how === 'env' ? envName : 'a command-line flag'}; change it there.` : null;

/** Pick the program in the desktop app's file dialog, or go back to the shipped one; applied at once. */
function useProgramChoice() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (call: () => Promise<SettingsView>) => {
    setBusy(true);
    setError(null);
    try {
      useAppStore.setState({ settings: await call() });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return {
    busy,
    error,
    choose: () => run(() => client.call('ollama.chooseExecutable', {})),
    reset: () => run(() => client.call('settings.update', { ollamaPath: null })),
  };
}

export function OllamaFields({ draft, onChange }: { draft: OllamaDraft; onChange(d: OllamaDraft): void }) {
  const settings = useAppStore((s) => s.settings);
  const bundled = useAppStore((s) => s.ollamaStatus?.bundled ?? null);
  const program = useProgramChoice();
  if (!settings) return null;
  const locked = settings.locked;
  const urlLock = lockText(locked.ollamaBaseUrl, 'OLLAMA_BASE_URL');
  const pathLock = lockText(locked.ollamaPath, 'HEARTH_OLLAMA_PATH');
  return (
    <fieldset>
      <legend>Ollama</legend>
      <div role="radiogroup" aria-label="How Hearth finds Ollama" className="ollama-modes">
        {MODES.map((m) => (
          <div key={m.value} className="ollama-mode-option">
            <label className="settings-check">
              <input
                type="radio"
                name="ollama-mode"
                value={m.value}
                checked={draft.mode === m.value}
                onChange={() => onChange({ ...draft, mode: m.value })}
                aria-describedby={`ollama-mode-${m.value}`}
              />
              <strong>{m.label}</strong>
            </label>
            <small className="muted" id={`ollama-mode-${m.value}`}>
              {m.hint}
            </small>
          </div>
        ))}
      </div>
      <label>
        Ollama URL
        <input
          type="url"
          value={draft.baseUrl}
          onChange={(e) => onChange({ ...draft, baseUrl: e.target.value })}
          disabled={!!locked.ollamaBaseUrl}
          placeholder="http://127.0.0.1:11434"
          required
        />
      </label>
      {urlLock ? (
        <small className="muted">{urlLock}</small>
      ) : (
        draft.mode === 'bundled' && (
          <small className="muted">Not used in Bundled mode: Hearth picks the bundled server’s address.</small>
        )
      )}
      <label>
        Bundled Ollama executable
        <input
          type="text"
          value={settings.ollamaPath ?? ''}
          readOnly
          disabled={!!locked.ollamaPath || !settings.ollamaPathChooser}
          placeholder={bundled?.path ?? 'The one shipped with Hearth'}
          spellCheck={false}
        />
      </label>
      {!locked.ollamaPath && settings.ollamaPathChooser && (
        <div className="banner-actions">
          <button
            type="button"
            className="btn btn-ghost btn-small"
            onClick={() => void program.choose()}
            disabled={program.busy}
          >
            Choose program…
          </button>
          {settings.ollamaPath && (
            <button
              type="button"
              className="btn btn-ghost btn-small"
              onClick={() => void program.reset()}
              disabled={program.busy}
            >
              Use the shipped one
            </button>
          )}
        </div>
      )}
      {program.error && (
        <p className="pull-error" role="alert">
          {program.error}
        </p>
      )}
      <small className="muted">
        {pathLock ??
          (!settings.ollamaPathChooser
            ? 'In the browser the program is set where Hearth runs: start it with hearth serve --ollama-path FILE or HEARTH_OLLAMA_PATH.'
            : bundled
              ? bundled.available
                ? `In use: ${bundled.path ?? 'the shipped one'}.`
                : 'None found yet: install Ollama and choose its “ollama” program.'
              : 'Empty: the one shipped with Hearth.')}
      </small>
      <label>
        Models folder
        <input
          type="text"
          value={draft.modelsDir}
          onChange={(e) => onChange({ ...draft, modelsDir: e.target.value })}
          placeholder={bundled?.modelsDir ?? '~/.ollama/models when it exists, else models/ in the data folder'}
          spellCheck={false}
        />
      </label>
      <small className="muted">
        Where the bundled server keeps models. Empty: your existing ~/.ollama/models when there is one, so models are
        not downloaded twice.
      </small>
    </fieldset>
  );
}
