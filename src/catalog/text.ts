/** Text clean-up for dirty catalog fields. */

const MOJIBAKE = /[ÃÂâ][\u0080-\u00BF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC\u2013-\u2122]/;

/** Repairs UTF-8 text that was decoded as Latin-1/CP1252 ("CafÃ©" -> "Café") when the repair is clean. */
export function fixMojibake(s: string): string {
  if (!MOJIBAKE.test(s)) return s;
  const bytes: number[] = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const b = cp <= 0xff ? cp : CP1252_REVERSE.get(cp);
    if (b === undefined) return s; // not representable as single bytes: leave alone
    bytes.push(b);
  }
  const repaired = new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(bytes));
  return repaired.includes('\uFFFD') ? s : repaired;
}

const CP1252_REVERSE = new Map<number, number>([
  [0x20ac, 0x80], [0x201a, 0x82], [0x0192, 0x83], [0x201e, 0x84], [0x2026, 0x85], [0x2020, 0x86], [0x2021, 0x87],
  [0x02c6, 0x88], [0x2030, 0x89], [0x0160, 0x8a], [0x2039, 0x8b], [0x0152, 0x8c], [0x017d, 0x8e], [0x2018, 0x91],
  [0x2019, 0x92], [0x201c, 0x93], [0x201d, 0x94], [0x2022, 0x95], [0x2013, 0x96], [0x2014, 0x97], [0x02dc, 0x98],
  [0x2122, 0x99], [0x0161, 0x9a], [0x203a, 0x9b], [0x0153, 0x9c], [0x017e, 0x9e], [0x0178, 0x9f],
]);

/** Trims, repairs mojibake and drops control characters. */
export function cleanText(s: string | undefined | null): string {
  if (!s) return '';
  // eslint-disable-next-line no-control-regex
  return fixMojibake(s).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim();
}

/** Splits a list field ("Action|Comedy", "US, GB") into clean, de-duplicated items. */
export function splitList(s: string | undefined): string[] {
  if (!s) return [];
  const seen = new Set<string>();
  for (const part of s.split(/[|;,]/)) {
    const v = cleanText(part);
    if (v) seen.add(v);
  }
  return [...seen];
}
