import { useEffect, useState, type FormEvent } from 'react';
import { useAppStore } from '../../app/store';
import type { Theme } from '../../../../shared/types/domain';
import { EndpointsSection } from './EndpointsSection';
import { OllamaServersSection } from './OllamaServersSection';
import { draftFromSettings, OllamaFields, ollamaPatch, type OllamaDraft } from './OllamaFields';
import { DataPanel } from '../data/DataPanel';
import { SyncPanel } from '../sync/SyncPanel';
import { LogPanel } from './LogPanel';
import { ImageBackendsSection } from '../images/settings/ImageBackendsSection';
import { DesktopSection } from '../desktop/DesktopSection';
import { ModelOptions } from './ModelOptions';

const ENV_NAME = {
  ollamaBaseUrl: 'OLLAMA_BASE_URL',
  openaiBaseUrl: 'OPENAI_API_BASE_URL',
  openaiApiKey: 'OPENAI_API_KEY',
} as const;

export function SettingsPage() {
  const settings = useAppStore((s) => s.settings);
  const error = useAppStore((s) => s.settingsError);
  const models = useAppStore((s) => s.models);
  const { updateSettings, loadModels, loadSettings, setView } = useAppStore.getState();
  const [ollama, setOllama] = useState<OllamaDraft | null>(null);
  const [openaiBaseUrl, setOpenai] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [defaultModel, setDefaultModel] = useState('');
  const [theme, setTheme] = useState<Theme>('system');
  const [autoTitle, setAutoTitle] = useState(true);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!settings) {
      void loadSettings();
      return;
    }
    setOllama(draftFromSettings(settings));
    setOpenai(settings.openaiBaseUrl);
    setDefaultModel(settings.defaultModel ?? '');
    setTheme(settings.theme);
    setAutoTitle(settings.autoTitle);
  }, [settings, loadSettings]);

  if (!settings) return <p className="settings-loading">{error ?? 'Loading settings…'}</p>;
  const locked = settings.locked;
  const lockNote = (k: keyof typeof ENV_NAME) =>
    locked[k] ? (
      <small className="muted">
        Set by {locked[k] === 'env' ? ENV_NAME[k] : 'a command-line flag'}; change it there.
      </small>
    ) : null;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const patch: Parameters<typeof updateSettings>[0] = { theme, defaultModel: defaultModel || null, autoTitle };
    const o = ollama ? ollamaPatch(ollama, settings) : { patch: {} };
    if ('error' in o) {
      useAppStore.setState({ settingsError: o.error });
      return;
    }
    Object.assign(patch, o.patch);
    if (!locked.openaiBaseUrl && openaiBaseUrl !== settings.openaiBaseUrl) patch.openaiBaseUrl = openaiBaseUrl;
    if (!locked.openaiApiKey && apiKey) patch.openaiApiKey = apiKey;
    if (await updateSettings(patch)) {
      setApiKey('');
      setSaved(true);
      // A new Ollama mode, address or executable is applied by the app at once; its 'ollama.status'
      // events reload the models again when the server changes.
      void loadModels();
    }
  };

  return (
    <section className="settings">
      <header className="chat-header">
        <h1 className="chat-title">Settings</h1>
        <button type="button" className="btn btn-ghost" onClick={() => setView('chat')}>
          Back to chat
        </button>
      </header>
      <form className="settings-form" onSubmit={(e) => void save(e)}>
        {ollama && <OllamaFields draft={ollama} onChange={setOllama} />}
        <fieldset>
          <legend>OpenAI-compatible API</legend>
          <label>
            Base URL
            <input
              type="url"
              value={openaiBaseUrl}
              onChange={(e) => setOpenai(e.target.value)}
              disabled={!!locked.openaiBaseUrl}
              placeholder="https://api.openai.com/v1 — leave empty to turn off"
            />
          </label>
          {lockNote('openaiBaseUrl')}
          <label>
            API key
            <input
              type="password"
              autoComplete="off"
              value={apiKey}
              onChange={(e) => setApiKey(e.target.value)}
              disabled={!!locked.openaiApiKey}
              placeholder={settings.openaiApiKeySet ? 'A key is stored (encrypted). Type to replace it.' : 'sk-…'}
            />
          </label>
          {lockNote('openaiApiKey')}
          {settings.openaiApiKeyUnreadable && (
            <p className="pull-error" role="alert">
              The stored API key can no longer be read: the secret key it was encrypted with changed (WEBUI_SECRET_KEY,
              or this computer’s key store). Enter the API key again.
            </p>
          )}
          {(settings.openaiApiKeySet || settings.openaiApiKeyUnreadable) && !locked.openaiApiKey && (
            <button type="button" className="btn btn-ghost" onClick={() => void updateSettings({ openaiApiKey: null })}>
              Remove stored key
            </button>
          )}
        </fieldset>
        <fieldset>
          <legend>Chat</legend>
          <label>
            Default model
            <select value={defaultModel} onChange={(e) => setDefaultModel(e.target.value)}>
              <option value="">First available</option>
              <ModelOptions models={models} current={defaultModel} />
            </select>
          </label>
          <label>
            Theme
            <select value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
              <option value="system">Follow the system</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          <label className="settings-check">
            <input type="checkbox" checked={autoTitle} onChange={(e) => setAutoTitle(e.target.checked)} />
            Name chats automatically
          </label>
        </fieldset>
        {error && (
          <div className="banner banner-error" role="alert">
            {error}
          </div>
        )}
        {saved && !error && (
          <div className="banner banner-ok" role="status">
            Saved.
          </div>
        )}
        <div>
          <button type="submit" className="btn btn-primary">
            Save settings
          </button>
        </div>
      </form>
      <OllamaServersSection />
      <EndpointsSection />
      <ImageBackendsSection />
      <DesktopSection />
      <SyncPanel />
      <DataPanel />
      <LogPanel />
    </section>
  );
}
