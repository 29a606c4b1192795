/**
 * The parameter panel, built from what the backend offers (images.options): checkpoint, sampler,
 * scheduler, steps, CFG, size with presets, seed (random, fixed, or rolled with the dice), batch
 * size; ComfyUI adds its workflow; OpenAI has model, size, quality and count instead; img2img's
 * init image and denoising strength when the backend takes one. Values are remembered per backend.
 */
import type { ImageBackendKind, ImageBackendOptions } from '../../../../shared/types/images';
import { useAppStore } from '../../app/store';
import { rollSeed } from './build-request';
import { choices, NumberField, SelectField } from './fields';
import { InitImage } from './InitImage';
import { MAX_SEED, type ImageParams } from './params-storage';
import { presetIndex, SIZE_PRESETS } from './size-presets';

type SetParams = (patch: Partial<ImageParams>) => void;

export function ParamsPanel({ kind, options }: { kind: ImageBackendKind; options: ImageBackendOptions | null }) {
  const p = useAppStore((s) => s.imageParams);
  const badField = useAppStore((s) => s.imageFormError?.field);
  const set = useAppStore.getState().setImageParams;

  return (
    <fieldset className="image-params">
      <legend>Parameters</legend>
      {kind === 'openai' ? (
        <OpenAiParams p={p} options={options} set={set} badField={badField} />
      ) : (
        <DiffusionParams kind={kind} p={p} options={options} set={set} badField={badField} />
      )}
      {options?.img2img && <InitImage strength={p.denoisingStrength} set={set} />}
    </fieldset>
  );
}

function CheckpointSelect(props: {
  kind: ImageBackendKind;
  value: string;
  options: ImageBackendOptions | null;
  invalid: boolean;
  set: SetParams;
}) {
  const { kind, options } = props;
  // AUTOMATIC1111 switches by title ("name.safetensors [hash]"); ComfyUI and OpenAI by name.
  const list = (options?.checkpoints ?? []).map((c) => ({ value: kind === 'a1111' ? c.title : c.name, label: c.name }));
  const empty =
    kind === 'openai'
      ? options?.currentCheckpoint
        ? `Default model (${options.currentCheckpoint})`
        : 'Default model'
      : kind === 'comfyui'
        ? 'The workflow’s own'
        : options?.currentCheckpoint
          ? `Loaded now (${options.currentCheckpoint})`
          : 'Loaded now';
  return (
    <SelectField
      label={kind === 'openai' ? 'Model' : 'Checkpoint'}
      value={props.value}
      invalid={props.invalid}
      onChange={(checkpoint) => props.set({ checkpoint })}
    >
      {choices(list, props.value, empty).map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </SelectField>
  );
}

const plain = (list: readonly string[]) => list.map((v) => ({ value: v, label: v }));

function DiffusionParams(props: {
  kind: ImageBackendKind;
  p: ImageParams;
  options: ImageBackendOptions | null;
  set: SetParams;
  badField: string | undefined;
}) {
  const { kind, p, options, set, badField } = props;
  const workflows = options?.workflows ?? [];
  const preset = presetIndex(p.width, p.height);
  return (
    <>
      {kind === 'comfyui' && workflows.length > 0 && (
        <SelectField
          label="Workflow"
          value={p.workflowId || workflows[0]!.id}
          invalid={badField === 'workflowId'}
          onChange={(workflowId) => set({ workflowId })}
        >
          {choices(
            workflows.map((w) => ({ value: w.id, label: w.name })),
            p.workflowId,
            workflows[0]!.name,
          )
            .slice(1)
            .map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
        </SelectField>
      )}
      <CheckpointSelect
        kind={kind}
        value={p.checkpoint}
        options={options}
        invalid={badField === 'checkpoint'}
        set={set}
      />
      <div className="image-field-row">
        <SelectField
          label="Sampler"
          value={p.sampler}
          invalid={badField === 'sampler'}
          onChange={(sampler) => set({ sampler })}
        >
          {choices(plain(options?.samplers ?? []), p.sampler, 'Default').map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </SelectField>
        {(!!options?.schedulers.length || !!p.scheduler) && (
          <SelectField
            label="Scheduler"
            value={p.scheduler}
            invalid={badField === 'scheduler'}
            onChange={(scheduler) => set({ scheduler })}
          >
            {choices(plain(options?.schedulers ?? []), p.scheduler, 'Default').map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </SelectField>
        )}
      </div>
      <div className="image-field-row">
        <NumberField
          label="Steps"
          value={p.steps}
          min={1}
          max={150}
          invalid={badField === 'steps'}
          onChange={(steps) => set({ steps })}
        />
        <NumberField
          label="CFG scale"
          value={p.cfgScale}
          min={0}
          max={30}
          step={0.5}
          invalid={badField === 'cfgScale'}
          onChange={(cfgScale) => set({ cfgScale })}
        />
      </div>
      <SelectField
        label="Size"
        value={preset < 0 ? 'custom' : String(preset)}
        onChange={(v) => {
          const chosen = SIZE_PRESETS[Number(v)];
          if (chosen) set({ width: chosen.width, height: chosen.height });
        }}
      >
        {SIZE_PRESETS.map((s, i) => (
          <option key={s.label} value={i}>
            {s.label}
          </option>
        ))}
        {preset < 0 && <option value="custom">Custom</option>}
      </SelectField>
      <div className="image-field-row image-size-row">
        <NumberField
          label="Width"
          value={p.width}
          min={64}
          max={4096}
          step={8}
          invalid={badField === 'width'}
          onChange={(width) => set({ width })}
        />
        <button
          type="button"
          className="btn btn-ghost btn-small image-swap"
          aria-label="Swap width and height"
          title="Swap width and height"
          onClick={() => set({ width: p.height, height: p.width })}
        >
          ⇄
        </button>
        <NumberField
          label="Height"
          value={p.height}
          min={64}
          max={4096}
          step={8}
          invalid={badField === 'height'}
          onChange={(height) => set({ height })}
        />
      </div>
      <SeedField p={p} set={set} invalid={badField === 'seed'} />
      <NumberField
        label="Batch size"
        value={p.batchSize}
        min={1}
        max={8}
        invalid={badField === 'batchSize'}
        onChange={(batchSize) => set({ batchSize })}
      />
    </>
  );
}

function SeedField({ p, set, invalid }: { p: ImageParams; set: SetParams; invalid: boolean }) {
  return (
    <div className="image-seed">
      <label className="image-check">
        <input type="checkbox" checked={p.randomSeed} onChange={(e) => set({ randomSeed: e.target.checked })} />
        Random seed
      </label>
      <div className="image-seed-row">
        <NumberField
          label="Seed"
          value={p.seed}
          min={0}
          max={MAX_SEED}
          disabled={p.randomSeed}
          invalid={invalid}
          onChange={(seed) => set({ seed })}
        />
        <button
          type="button"
          className="btn btn-small image-dice"
          aria-label="Roll a new seed"
          title="Roll a new seed (and keep it fixed)"
          onClick={() => set({ seed: rollSeed(), randomSeed: false })}
        >
          ⚄
        </button>
      </div>
    </div>
  );
}

function OpenAiParams(props: {
  p: ImageParams;
  options: ImageBackendOptions | null;
  set: SetParams;
  badField: string | undefined;
}) {
  const { p, options, set, badField } = props;
  // Sizes and qualities depend on the model (dall-e-2, dall-e-3 and gpt-image-1 each take their own).
  const model = p.checkpoint || options?.currentCheckpoint;
  const sizes = (model && options?.sizesByModel?.[model]) || options?.sizes || [];
  const qualities = (model && options?.qualitiesByModel?.[model]) || options?.qualities || [];
  return (
    <>
      <CheckpointSelect
        kind="openai"
        value={p.checkpoint}
        options={options}
        invalid={badField === 'checkpoint'}
        set={set}
      />
      <div className="image-field-row">
        <SelectField label="Size" value={p.size} invalid={badField === 'size'} onChange={(size) => set({ size })}>
          {choices(plain(sizes), p.size, 'Default').map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Quality"
          value={p.quality}
          invalid={badField === 'quality'}
          onChange={(quality) => set({ quality })}
        >
          {choices(plain(qualities), p.quality, 'Default').map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </SelectField>
      </div>
      <NumberField
        label="Count"
        value={p.batchSize}
        min={1}
        max={8}
        invalid={badField === 'batchSize'}
        onChange={(batchSize) => set({ batchSize })}
      />
    </>
  );
}
