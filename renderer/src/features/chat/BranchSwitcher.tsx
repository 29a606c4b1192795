import { siblingsOf } from '../../../../shared/message-tree';
import { useAppStore } from '../../app/store';

/** "‹ 2 / 3 ›": the versions of a message (regenerated answers, edited questions) and arrows between them. */
export function BranchSwitcher({ messageId }: { messageId: string }) {
  // A string keeps the selector stable: it only changes when the siblings do.
  const key = useAppStore((s) => {
    const { siblings, index } = siblingsOf(s.tree, messageId);
    return siblings.length > 1 ? `${index}|${siblings.map((m) => m.id).join(',')}` : '';
  });
  const streaming = useAppStore((s) => s.messages.some((m) => m.status === 'streaming'));
  if (!key) return null;
  const [indexText, idsText] = key.split('|') as [string, string];
  const ids = idsText.split(',');
  const index = Number(indexText);
  const go = (i: number) => void useAppStore.getState().showBranch(ids[i]!);
  return (
    <span className="branch-switcher" role="group" aria-label="Versions">
      <button
        type="button"
        className="btn btn-ghost btn-icon"
        aria-label="Previous version"
        title="Previous version"
        disabled={index <= 0 || streaming}
        onClick={() => go(index - 1)}
      >
        ‹
      </button>
      <span className="branch-position" aria-live="polite">
        {index + 1} / {ids.length}
      </span>
      <button
        type="button"
        className="btn btn-ghost btn-icon"
        aria-label="Next version"
        title="Next version"
        disabled={index >= ids.length - 1 || streaming}
        onClick={() => go(index + 1)}
      >
        ›
      </button>
    </span>
  );
}
