import type { Message } from '../../../../shared/types/domain';
import { splitModelId } from '../../../../shared/model-id';
import { useAppStore } from '../../app/store';
import { percentOf } from '../models/pull-progress';

/**
 * Under an answer that failed because an Ollama model is missing: download it, show progress, then
 * retry. The download is the app's one record of it (the Models page lists it too).
 */
export function PullOffer({ message }: { message: Message }) {
  const model = message.model;
  const ref = model ? splitModelId(model) : null;
  const providerId = ref?.providerId ?? '';
  const isOllama = useAppStore(
    (s) =>
      (s.providers.find((p) => p.providerId === providerId)?.kind ?? (providerId === 'ollama' ? 'ollama' : '')) ===
      'ollama',
  );
  const pull = useAppStore((s) => (model ? s.pulls[model] : undefined));
  if (!model || !ref || message.error?.code !== 'model_not_found' || !isOllama) return null;
  const name = ref.model;
  const busy = pull && !pull.done;
  const percent = pull ? percentOf(pull) : null;
  return (
    <div className="pull-offer">
      {busy ? (
        <>
          <progress
            max={100}
            value={percent ?? undefined}
            aria-label={`Downloading ${name}`}
            aria-valuetext={percent === null ? pull.status : `${percent}%`}
          />
          <span className="pull-status" role="status">
            Downloading {name}… {percent === null ? pull.status : `${percent}%`}
          </span>
        </>
      ) : (
        <button
          type="button"
          className="btn btn-primary"
          onClick={() =>
            void useAppStore.getState().pullModel(name, { providerId: ref.providerId, retryMessageId: message.id })
          }
        >
          Pull {name}
        </button>
      )}
      {pull?.done && pull.error && (
        <span className="pull-error" role="alert">
          Download failed: {pull.rawError ?? pull.error}
        </span>
      )}
      {pull?.phase === 'success' && (
        <span className="pull-status" role="status">
          {name} is installed; answering again.
        </span>
      )}
    </div>
  );
}
