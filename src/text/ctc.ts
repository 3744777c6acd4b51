/**
 * Greedy CTC decoding of the recogniser's per-step character probabilities: the most likely class
 * at each step, repeats merged, blanks (class 0) dropped. Class i ≥ 1 is dictionary[i − 1]; the
 * class after the dictionary is a space (PaddleOCR's use_space_char).
 */

export interface DecodedLine {
  text: string;
  /** Mean probability of the kept characters (0 for an empty line). */
  confidence: number;
}

export function ctcDecode(probs: Float32Array, offset: number, steps: number, classes: number, dictionary: readonly string[]): DecodedLine {
  let text = '';
  let sum = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const row = offset + t * classes;
    let best = 0;
    let bestP = probs[row]!;
    for (let c = 1; c < classes; c++) {
      const p = probs[row + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      text += best - 1 < dictionary.length ? dictionary[best - 1] : ' ';
      sum += bestP;
      kept++;
    }
    previous = best;
  }
  return { text: text.trim(), confidence: kept ? sum / kept : 0 };
}
