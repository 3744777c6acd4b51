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

export interface PosterText {
  lines: TextLine[];
}
