/**
 * img2img: the init image chosen in the viewer ("Use as init image"), shown small with Remove, and
 * the denoising strength (how far the result may move away from it).
 */
import { useAppStore } from '../../app/store';
import type { ImageParams } from './params-storage';

export function InitImage({ strength, set }: { strength: number; set: (patch: Partial<ImageParams>) => void }) {
  const initId = useAppStore((s) => s.imageInitId);
  const thumb = useAppStore((s) => (s.imageInitId ? s.imageThumbs.peek(s.imageInitId) : undefined));
  const prompt = useAppStore((s) => (s.imageInitId ? (s.imageRows.get(s.imageInitId)?.prompt ?? '') : ''));
  const { setImageInit } = useAppStore.getState();

  if (!initId)
    return (
      <p className="muted image-init-hint">
        Image to image: open a picture in the gallery and choose “Use as init image”.
      </p>
    );
  return (
    <div className="image-init" role="group" aria-label="Init image">
      <div className="image-init-head">
        {thumb ? (
          <img className="image-init-thumb" src={thumb} alt={prompt ? `Init image: ${prompt}` : 'Init image'} />
        ) : (
          <span className="image-init-thumb image-init-missing">Init image</span>
        )}
        <button type="button" className="btn btn-ghost btn-small" onClick={() => setImageInit(null)}>
          Remove init image
        </button>
      </div>
      <label className="image-field">
        <span>
          Denoising strength <output className="muted">{strength.toFixed(2)}</output>
        </span>
        <input
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={strength}
          onChange={(e) => set({ denoisingStrength: e.target.valueAsNumber })}
        />
      </label>
    </div>
  );
}
