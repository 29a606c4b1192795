/** What made an image, as the viewer lists it: prompt, negative prompt, parameters, backend, model, seed, size, date. */
import type { GalleryImage } from '../../../../shared/types/images';
import { IMAGE_BACKEND_NAMES } from '../../../../shared/types/images';

const bytes = (n: number) =>
  n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;

/** The backend's own revised prompt (OpenAI), when it gave one. */
function revisedPrompt(info: unknown): string | null {
  if (typeof info !== 'object' || info === null) return null;
  const v = (info as Record<string, unknown>).revisedPrompt ?? (info as Record<string, unknown>).revised_prompt;
  return typeof v === 'string' && v.trim() ? v : null;
}

export function ImageFacts({ image }: { image: GalleryImage }) {
  const p = image.params;
  const size =
    image.width && image.height
      ? `${image.width} × ${image.height}`
      : p.width && p.height
        ? `${p.width} × ${p.height}`
        : p.size;
  const facts: [string, string | number | undefined | null][] = [
    [
      'Backend',
      `${image.backendLabel}${image.backendLabel === IMAGE_BACKEND_NAMES[image.backendKind] ? '' : ` (${IMAGE_BACKEND_NAMES[image.backendKind]})`}`,
    ],
    ['Model', image.model ?? p.checkpoint],
    ['Seed', image.seed ?? (p.seed !== undefined && p.seed >= 0 ? p.seed : null)],
    ['Size', size ? `${size} · ${bytes(image.size)}` : bytes(image.size)],
    ['Steps', p.steps],
    ['CFG scale', p.cfgScale],
    ['Sampler', p.sampler],
    ['Scheduler', p.scheduler],
    ['Workflow', p.workflowId],
    ['Quality', p.quality],
    ['Denoising strength', p.initImageId ? p.denoisingStrength : undefined],
    ['Made', new Date(image.createdAt).toLocaleString()],
  ];
  const revised = revisedPrompt(image.info);
  return (
    <div className="image-facts">
      <h2 className="image-facts-prompt">{image.prompt}</h2>
      {image.negativePrompt && (
        <p className="image-facts-negative">
          <span className="muted">Negative: </span>
          {image.negativePrompt}
        </p>
      )}
      {revised && revised !== image.prompt && (
        <p className="image-facts-negative">
          <span className="muted">Revised by the backend: </span>
          {revised}
        </p>
      )}
      <dl className="image-facts-list">
        {facts
          .filter(([, v]) => v !== undefined && v !== null && v !== '')
          .map(([k, v]) => (
            <div key={k} className="image-facts-row">
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
      </dl>
    </div>
  );
}
