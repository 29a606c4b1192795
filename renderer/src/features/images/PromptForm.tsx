/**
 * The prompt, the negative prompt and Generate, above the parameter panel. Enter (or Ctrl/Cmd+Enter)
 * generates, Shift+Enter is a new line; in the negative prompt only Ctrl/Cmd+Enter generates.
 * "Reuse parameters" fills the form and puts focus on the prompt.
 */
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { useAppStore } from '../../app/store';
import { FORM_ERROR_ID } from './fields';
import { ParamsPanel } from './ParamsPanel';

export function PromptForm() {
  const prompt = useAppStore((s) => s.imagePrompt);
  const negative = useAppStore((s) => s.imageParams.negativePrompt);
  const backend = useAppStore((s) => s.imageBackends.find((b) => b.id === s.imageBackendId) ?? null);
  const options = useAppStore((s) => (s.imageBackendId ? (s.imageOptions[s.imageBackendId]?.options ?? null) : null));
  const submitting = useAppStore((s) => s.imageSubmitting);
  const error = useAppStore((s) => s.imageFormError);
  const filled = useAppStore((s) => s.imageFormFilled);
  const { setImagePrompt, setImageParams, generateImage } = useAppStore.getState();
  const promptRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (filled > 0) promptRef.current?.focus();
  }, [filled]);

  const submit = () => void generateImage();
  const onPromptKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key !== 'Enter' || e.shiftKey || e.altKey || e.nativeEvent.isComposing) return;
    e.preventDefault();
    submit();
  };
  const onNegativeKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };
  const bad = (field: string) => error?.field === field;

  return (
    <form
      className="image-form"
      aria-label="New image"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="image-field">
        <label htmlFor="image-prompt">Prompt</label>
        <textarea
          id="image-prompt"
          ref={promptRef}
          rows={4}
          value={prompt}
          placeholder="A lighthouse at dusk, oil painting"
          aria-invalid={bad('prompt') || undefined}
          aria-describedby={bad('prompt') ? FORM_ERROR_ID : undefined}
          onChange={(e) => setImagePrompt(e.target.value)}
          onKeyDown={onPromptKey}
        />
      </div>
      {backend?.kind !== 'openai' && (
        <div className="image-field">
          <label htmlFor="image-negative">Negative prompt</label>
          <textarea
            id="image-negative"
            rows={2}
            value={negative}
            placeholder="What the image should not have"
            aria-invalid={bad('negativePrompt') || undefined}
            onChange={(e) => setImageParams({ negativePrompt: e.target.value })}
            onKeyDown={onNegativeKey}
          />
        </div>
      )}
      {error && (
        <p className="image-form-error" id={FORM_ERROR_ID} role="alert">
          {error.message}
        </p>
      )}
      <div className="image-form-actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={!backend}
          aria-busy={submitting || undefined}
          title="Generate (Enter)"
        >
          Generate
        </button>
        {submitting && <span className="muted">Queuing…</span>}
      </div>
      {backend && <ParamsPanel kind={backend.kind} options={options} />}
    </form>
  );
}
