/**
 * In place of "can't reach Ollama" when the primary server is Hearth's own and not running: what
 * state it is in, in plain words, with the one button that helps (Start, or Restart after an error).
 */
import type { OllamaServerStatus } from '../../../../shared/types/domain';
import { useAppStore } from '../../app/store';

export function BundledDown({ server }: { server: OllamaServerStatus }) {
  const busy = useAppStore((s) => s.ollamaBusy);
  const { controlOllama } = useAppStore.getState();
  if (server.state === 'starting')
    return <p>Hearth’s own Ollama is starting; the models appear as soon as it answers.</p>;
  const action = server.state === 'stopped' ? 'start' : 'restart';
  return (
    <p className="bundled-down">
      {server.state === 'stopped'
        ? 'Hearth’s own Ollama is stopped, so there are no Ollama models to pick.'
        : (server.error ?? 'Hearth’s own Ollama stopped with an error.')}{' '}
      <button
        type="button"
        className="btn btn-small"
        disabled={busy !== null}
        onClick={() => void controlOllama(action)}
      >
        {busy === action
          ? action === 'start'
            ? 'Starting…'
            : 'Restarting…'
          : action === 'start'
            ? 'Start Ollama'
            : 'Restart Ollama'}
      </button>
    </p>
  );
}
