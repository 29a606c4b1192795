import { describe, expect, it } from 'vitest';
import type { ImageJob } from '../../../../shared/types/images';
import { durationText, jobErrorText, jobStateText, progressLabel } from './progress-text';

const job = (p: Partial<ImageJob>) => ({ state: 'queued', imageIds: [], error: null, ...p }) as ImageJob;

describe('progress words', () => {
  it('label: step, percent, time left', () => {
    expect(progressLabel({ progress: 0.45, etaSeconds: 5.6, step: 12, steps: 20 })).toBe(
      'Step 12 of 20 · 45% · about 6 s left',
    );
    expect(progressLabel({ progress: 0.1, etaSeconds: null, step: null, steps: null })).toBe('10%');
    expect(progressLabel({ progress: 1.2, etaSeconds: 0, step: 3, steps: 0 })).toBe('100%');
  });

  it('durations', () => {
    expect(durationText(0.2)).toBe('1 s');
    expect(durationText(60)).toBe('1 min');
    expect(durationText(125)).toBe('2 min 5 s');
    expect(durationText(3720)).toBe('1 h 2 min');
  });

  it('states; an interrupted job says how many images it kept', () => {
    expect(jobStateText(job({ state: 'running' }))).toBe('Generating');
    expect(jobStateText(job({ state: 'done', imageIds: ['a', 'b'] }))).toBe('Done · 2 images');
    expect(jobStateText(job({ state: 'interrupted', imageIds: ['a'] }))).toBe('Interrupted · kept 1 image');
    expect(jobStateText(job({ state: 'interrupted' }))).toBe('Interrupted · no images kept');
    expect(jobStateText(job({ state: 'cancelled' }))).toBe('Cancelled');
  });

  it('errors in the backend’s words, with the refused field named', () => {
    expect(jobErrorText(job({}))).toBeNull();
    expect(
      jobErrorText(
        job({ state: 'error', error: { kind: 'validation', message: 'Value too large.', field: 'cfgScale' } }),
      ),
    ).toBe('CFG scale: Value too large.');
    expect(jobErrorText(job({ state: 'error', error: { kind: 'out_of_memory', message: 'Out of GPU memory.' } }))).toBe(
      'Out of GPU memory.',
    );
  });
});
