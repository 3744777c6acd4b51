/** Everything the design channels store for one poster, computed from one small analysis image. */
import type { RgbImage } from '../image/decode.js';
import { rgbBufferToLab } from './color-space.js';
import { colorDescriptor, COLOR_HISTOGRAM_DIM } from './color-histogram.js';
import { layoutDescriptor, LAYOUT_DIM } from './layout.js';
import { greySignature } from './grey-signature.js';
import { extractPalette, type PaletteColor } from './palette.js';

/** Size of the analysis image (squashed, like the model input): 8x12 grid cells of 8x8 pixels. */
export const ANALYSIS_WIDTH = 64;
export const ANALYSIS_HEIGHT = 96;

/** Descriptor "models": id + version are stored with each vector like a neural model's. */
export const COLOR_MODEL = { id: 'lab-histogram-5x8x8', version: '1', dimension: COLOR_HISTOGRAM_DIM } as const;
export const LAYOUT_MODEL = { id: 'layout-grid-8x12', version: '1', dimension: LAYOUT_DIM } as const;
export const PALETTE_VERSION = 'kmeans-lab-6/2';

export interface DesignFeatures {
  palette: PaletteColor[];
  color: Float32Array;
  layout: Float32Array;
  /** Small grey image for near-duplicate verification. */
  signature: Float32Array;
}

export function designFeatures(analysis: RgbImage): DesignFeatures {
  const lab = rgbBufferToLab(analysis.data);
  return { palette: extractPalette(lab), color: colorDescriptor(lab), layout: layoutDescriptor(analysis, lab), signature: greySignature(analysis) };
}
