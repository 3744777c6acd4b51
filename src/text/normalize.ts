/**
 * Text as OCR and titles are compared: accents stripped, lower case, "&" as "and", and only
 * letters and digits kept. Spaces go too, because PP-OCRv4 often reads a title without them
 * ("JACKLEMMON", "FATHERoftheBRIDE" on the demo posters).
 */

export function squash(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Words of at least one letter or digit, squashed. */
export function words(s: string): string[] {
  return s
    .split(/[^\p{L}\p{N}&'’]+/u)
    .map(squash)
    .filter((w) => w.length > 0);
}
