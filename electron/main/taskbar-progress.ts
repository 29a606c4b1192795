/**
 * Model downloads on the taskbar button / Dock icon: every running pull's progress combined into one
 * bar (pull-progress-bar.ts), gone when they have all finished.
 */
import type { BrowserWindow } from 'electron';
import { createPullProgressBar } from '../services/desktop/pull-progress-bar';
import type { EventHub } from '../services/events';

export function showPullProgress(events: EventHub, window: () => BrowserWindow | null): () => void {
  const bar = createPullProgressBar();
  return events.subscribe((e) => {
    if (e.event !== 'models.pullProgress') return;
    const next = bar.update(e.payload);
    const w = window();
    if (!next || !w || w.isDestroyed()) return;
    if (next.mode === 'none') w.setProgressBar(-1);
    else if (next.mode === 'indeterminate') w.setProgressBar(2, { mode: 'indeterminate' });
    else w.setProgressBar(next.fraction);
  });
}
