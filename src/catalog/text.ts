/** Text clean-up for dirty catalog fields. */
import { fixMojibake } from './mojibake.js';

export { fixMojibake };

/** Trims and drops control characters, without repairing mojibake (callers that record repairs do it themselves). */
export function tidyText(s: string | undefined | null): string {
  if (!s) return '';
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim();
}

/** Trims, repairs mojibake (mojibake.ts) and drops control characters. */
export function cleanText(s: string | undefined | null): string {
  if (!s) return '';
  return tidyText(fixMojibake(s));
}

/**
 * Splits a list field ("Action|Comedy", "US, GB") into tidy, de-duplicated items. Mojibake is not
 * repaired here: parseRow repairs (and records) the whole field first.
 */
export function splitList(s: string | undefined): string[] {
  if (!s) return [];
  const seen = new Set<string>();
  for (const part of s.split(/[|;,]/)) {
    const v = tidyText(part);
    if (v) seen.add(v);
  }
  return [...seen];
}
