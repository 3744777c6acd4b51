/** Everyday names for colours: the nearest (CIELAB ΔE) of a small set of basic colour terms. */
import { deltaE, hexToRgb, rgbToLab, type Lab } from './color-space.js';

const NAMES: [string, string][] = [
  ['black', '#000000'], ['charcoal', '#36454f'], ['dark grey', '#555555'], ['grey', '#808080'], ['silver', '#c0c0c0'], ['white', '#ffffff'],
  ['cream', '#f3e9d2'], ['beige', '#d8c3a5'], ['tan', '#b89b72'], ['brown', '#6b4226'], ['dark brown', '#3b2314'],
  ['maroon', '#800000'], ['red', '#d0202a'], ['crimson', '#a0142e'], ['pink', '#f4a6c0'], ['magenta', '#c2188c'],
  ['orange', '#f07f1a'], ['amber', '#ffbf00'], ['gold', '#c9a227'], ['yellow', '#f5e050'], ['olive', '#6b6b1e'],
  ['green', '#2e8b3a'], ['dark green', '#1b3d22'], ['teal', '#1b7a7a'], ['turquoise', '#3cc6c0'], ['sky blue', '#87bde8'],
  ['blue', '#2456c4'], ['navy', '#15234f'], ['purple', '#6a2c91'], ['lavender', '#b9a6e0'],
];

const LABS: { name: string; lab: Lab }[] = NAMES.map(([name, hex]) => ({ name, lab: rgbToLab(...hexToRgb(hex)) }));

export function colorName(lab: Lab): string {
  let best = LABS[0]!;
  let bestD = Infinity;
  for (const c of LABS) {
    const d = deltaE(lab, c.lab);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best.name;
}
