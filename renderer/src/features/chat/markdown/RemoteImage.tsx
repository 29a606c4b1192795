/**
 * An image in model output. Remote images are not fetched until the user asks: the app (not the
 * page) fetches it through media.fetchImage, which refuses private addresses, non-images and SVG.
 */
import { useState } from 'react';
import { client, ClientError } from '../../../client';
import { classifyImage } from './url-safety';

export function OutputImage({ src, alt }: { src: string | undefined; alt: string }) {
  const source = classifyImage(src);
  const [state, setState] = useState<
    { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; dataUrl: string } | { kind: 'error'; message: string }
  >({ kind: 'idle' });

  if (source.kind === 'data')
    return <span className="image-blocked">[Embedded image not shown{alt ? `: ${alt}` : ''}]</span>;
  if (source.kind === 'blocked')
    return (
      <span className="image-blocked">
        [Image not shown{alt ? `: ${alt}` : ''} — only http and https images can be loaded]
      </span>
    );
  if (state.kind === 'done') return <img className="output-image" src={state.dataUrl} alt={alt} title={source.url} />;

  async function load(url: string) {
    setState({ kind: 'busy' });
    try {
      const { dataUrl } = await client.call('media.fetchImage', { url });
      setState({ kind: 'done', dataUrl });
    } catch (err) {
      setState({
        kind: 'error',
        message: err instanceof ClientError ? err.message : `Could not load the image: ${(err as Error).message}`,
      });
    }
  }

  return (
    <span className="image-placeholder">
      <button type="button" title={source.url} disabled={state.kind === 'busy'} onClick={() => void load(source.url)}>
        {state.kind === 'busy' ? `Loading image from ${source.host}…` : `Load image from ${source.host}`}
      </button>
      {alt && <span className="image-alt"> {alt}</span>}
      {state.kind === 'error' && (
        <span className="markdown-error" role="alert">
          {' '}
          {state.message}
        </span>
      )}
    </span>
  );
}
