/** Width × height presets offered beside the size fields (Stable Diffusion 1.5 squares, SDXL buckets, 16:9). */
export interface SizePreset {
  width: number;
  height: number;
  label: string;
}

const preset = (width: number, height: number, note: string): SizePreset => ({
  width,
  height,
  label: `${width} × ${height}${note ? ` (${note})` : ''}`,
});

export const SIZE_PRESETS: readonly SizePreset[] = [
  preset(512, 512, 'square'),
  preset(768, 768, 'square'),
  preset(1024, 1024, 'square'),
  preset(832, 1216, 'portrait'),
  preset(1216, 832, 'landscape'),
  preset(896, 1152, 'portrait'),
  preset(1152, 896, 'landscape'),
  preset(1024, 576, '16:9'),
  preset(576, 1024, '9:16'),
  preset(1344, 768, 'wide'),
  preset(768, 1344, 'tall'),
];

/** The preset's index for this size, or -1 (a custom size). */
export function presetIndex(width: number, height: number): number {
  return SIZE_PRESETS.findIndex((p) => p.width === width && p.height === height);
}
