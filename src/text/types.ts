/** What OCR reads off one poster, as stored in the library and sent to the web app. */

/** One line of printed text. */
export interface TextLine {
  text: string;
  /** Mean character probability, 0–1. */
  confidence: number;
  /** Corners (top-left, top-right, bottom-right, bottom-left) as fractions of the image's width and height. */
  box: [number, number][];
  /** Height of the letters as a fraction of the image height (the strip's shorter side). */
  size: number;
  /** Position in reading order (rows top to bottom, left to right within a row). */
  order: number;
}

/**
 * A detected line left for a later, lower-priority reading (small print). Corners are fractions of
 * the detection image's width and height, unrounded, so the later reading samples the very pixels
 * a reading in one go would have: `strip` turned upright and oriented by the 0/180° classifier,
 * `box` as the line's box is given.
 */
export interface PendingStrip {
  strip: [number, number][];
  box: [number, number][];
}

export interface PosterText {
  lines: TextLine[];
  /** Small print detected but not read yet (absent once everything is read). */
  smallPrint?: PendingStrip[];
}
