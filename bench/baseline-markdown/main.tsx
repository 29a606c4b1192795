/**
 * Bench baseline: the naive way to render a streamed answer — the whole text through react-markdown
 * (with GFM) on every delta (coalesced to one render per animation frame, as Hearth's deltas are).
 * Bundled by bench/lib/render-stream.ts with esbuild; fed by window.__feed from the bench.
 */
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import Markdown from 'react-markdown';
import remarkGfm from 'remark-gfm';

declare global {
  interface Window {
    __feed?: (chunks: string[], intervalMs: number, perTick: number) => void;
    /** When the last chunk was fed (epoch ms, as the bench reads it). */
    __lastFedAt?: number;
  }
}

const plugins = [remarkGfm];

function App() {
  const [text, setText] = useState('');
  useEffect(() => {
    window.__feed = (chunks, intervalMs, perTick) => {
      let buffer = '';
      let shown = '';
      let i = 0;
      const t0 = performance.now();
      // Paced feeds follow the wall clock (a server does not slow down while the page is busy):
      // every chunk due by now is appended. Unpaced feeds append perTick chunks per timer tick.
      const tick = () => {
        const due =
          intervalMs > 0
            ? Math.min(chunks.length, (Math.floor((performance.now() - t0) / intervalMs) + 1) * perTick)
            : Math.min(chunks.length, i + perTick);
        while (i < due) buffer += chunks[i++];
        if (i < chunks.length) setTimeout(tick, intervalMs);
        else window.__lastFedAt = performance.timeOrigin + performance.now();
      };
      const frame = () => {
        if (buffer !== shown) {
          shown = buffer;
          setText(shown);
        }
        if (i < chunks.length || buffer !== shown) requestAnimationFrame(frame);
      };
      tick();
      requestAnimationFrame(frame);
    };
  }, []);
  return (
    <main id="answer">
      <Markdown remarkPlugins={plugins}>{text}</Markdown>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
