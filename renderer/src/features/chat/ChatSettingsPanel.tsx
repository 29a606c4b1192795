/**
 * Per-chat settings: system prompt and generation parameters, saved with chats.update. Empty
 * fields mean "the model's default". A chat that does not exist yet is created first.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { ChatParams } from '../../../../shared/types/domain';
import { useAppStore } from '../../app/store';

type NumberKey = 'temperature' | 'topP' | 'topK' | 'contextLength' | 'maxTokens' | 'seed';

const NUMBER_FIELDS: { key: NumberKey; label: string; min: number; max?: number; step: string; hint: string }[] = [
  { key: 'temperature', label: 'Temperature', min: 0, max: 2, step: '0.05', hint: '0–2' },
  { key: 'topP', label: 'Top P', min: 0, max: 1, step: '0.05', hint: '0–1' },
  { key: 'topK', label: 'Top K', min: 0, max: 1000, step: '1', hint: 'Ollama only' },
  { key: 'contextLength', label: 'Context length', min: 256, step: '256', hint: 'tokens' },
  { key: 'maxTokens', label: 'Max tokens', min: 1, step: '1', hint: 'longest answer' },
  { key: 'seed', label: 'Seed', min: -2147483648, step: '1', hint: 'same seed, same answer' },
];

/** The "Chat settings" button in the chat header and the panel it opens. */
export function ChatSettingsButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="btn btn-ghost"
        aria-expanded={open}
        aria-controls="chat-settings"
        onClick={() => setOpen((o) => !o)}
      >
        Chat settings
      </button>
      {open && <ChatSettingsPanel onClose={() => setOpen(false)} />}
    </>
  );
}

export function ChatSettingsPanel({ onClose }: { onClose: () => void }) {
  const chat = useAppStore((s) => s.activeChat);
  const [systemPrompt, setSystemPrompt] = useState('');
  const [numbers, setNumbers] = useState<Record<NumberKey, string>>({
    temperature: '',
    topP: '',
    topK: '',
    contextLength: '',
    maxTokens: '',
    seed: '',
  });
  const [keepAlive, setKeepAlive] = useState('');
  const [thinking, setThinking] = useState<ChatParams['thinking'] | ''>('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    const p = chat?.params ?? {};
    setSystemPrompt(chat?.systemPrompt ?? '');
    setNumbers({
      temperature: p.temperature?.toString() ?? '',
      topP: p.topP?.toString() ?? '',
      topK: p.topK?.toString() ?? '',
      contextLength: p.contextLength?.toString() ?? '',
      maxTokens: p.maxTokens?.toString() ?? '',
      seed: p.seed?.toString() ?? '',
    });
    setKeepAlive(p.keepAlive ?? '');
    setThinking(p.thinking ?? '');
    // Only when another chat is opened, so typing is never overwritten by an event.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [chat?.id]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const params: ChatParams = {};
    for (const f of NUMBER_FIELDS) {
      const raw = numbers[f.key].trim();
      if (!raw) continue;
      const n = Number(raw);
      if (!Number.isFinite(n)) return setError(`${f.label} must be a number.`);
      params[f.key] = n;
    }
    if (keepAlive.trim()) {
      if (!/^-?\d+(\.\d+)?(ms|s|m|h)?$/.test(keepAlive.trim()))
        return setError('Keep alive is a duration such as 5m, 1h, 0 (unload at once) or -1 (keep loaded).');
      params.keepAlive = keepAlive.trim();
    }
    if (thinking) params.thinking = thinking;
    setSaving(true);
    try {
      const s = useAppStore.getState();
      // Settings before the first message create the chat now, so they apply to its first answer;
      // a message sent while this runs waits for it.
      const saved = await s.prepareChat(async () => {
        await s.ensureChat();
        return s.updateChatSettings({ systemPrompt: systemPrompt.trim() ? systemPrompt : null, params });
      });
      if (saved) onClose();
      else setError(useAppStore.getState().chatError ?? 'Could not save the chat settings.');
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      id="chat-settings"
      className="chat-settings"
      aria-label="Chat settings"
      onSubmit={(e) => void save(e)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <label className="chat-settings-wide">
        System prompt
        <textarea
          value={systemPrompt}
          rows={4}
          placeholder="How the model should behave in this chat (optional)"
          onChange={(e) => setSystemPrompt(e.target.value)}
          autoFocus
        />
      </label>
      {NUMBER_FIELDS.map((f) => (
        <label key={f.key}>
          {f.label}
          <input
            type="number"
            inputMode="decimal"
            min={f.min}
            max={f.max}
            step={f.step}
            value={numbers[f.key]}
            placeholder={`default (${f.hint})`}
            onChange={(e) => setNumbers((n) => ({ ...n, [f.key]: e.target.value }))}
          />
        </label>
      ))}
      <label>
        Keep alive
        <input
          type="text"
          value={keepAlive}
          placeholder="default (e.g. 5m, 0, -1)"
          onChange={(e) => setKeepAlive(e.target.value)}
        />
      </label>
      <label>
        Thinking
        <select value={thinking} onChange={(e) => setThinking(e.target.value as ChatParams['thinking'] | '')}>
          <option value="">Model default</option>
          <option value="off">Off</option>
          <option value="on">On</option>
          <option value="low">Low</option>
          <option value="medium">Medium</option>
          <option value="high">High</option>
        </select>
      </label>
      {error && (
        <div className="banner banner-error chat-settings-wide" role="alert">
          {error}
        </div>
      )}
      <div className="chat-settings-wide chat-settings-buttons">
        <button type="submit" className="btn btn-primary" disabled={saving}>
          Save chat settings
        </button>
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
