/**
 * An inverted index of character trigrams over squashed strings: the shortlist step before edit
 * distances. Strings are padded ("^ab", "bc$") so short ones still have trigrams.
 */

export function trigrams(s: string): Set<string> {
  const padded = `^${s}$`;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  return out;
}

export class TrigramIndex<T> {
  private readonly postings = new Map<string, T[]>();
  private readonly sizes = new Map<T, number>();

  add(item: T, text: string): void {
    const grams = trigrams(text);
    this.sizes.set(item, (this.sizes.get(item) ?? 0) + grams.size);
    for (const g of grams) {
      let list = this.postings.get(g);
      if (!list) this.postings.set(g, (list = []));
      list.push(item);
    }
  }

  /**
   * Items sharing at least `minShare` of the trigrams of the shorter of the two (query or item),
   * so a long line still finds a short title inside it, with the shared count.
   */
  candidates(query: string, minShare: number): Map<T, number> {
    const grams = trigrams(query);
    const counts = new Map<T, number>();
    for (const g of grams) for (const item of this.postings.get(g) ?? []) counts.set(item, (counts.get(item) ?? 0) + 1);
    for (const [item, n] of counts) if (n < Math.max(1, Math.ceil(Math.min(grams.size, this.sizeOf(item)) * minShare))) counts.delete(item);
    return counts;
  }

  /** Trigrams indexed for an item (all its strings). */
  sizeOf(item: T): number {
    return this.sizes.get(item) ?? 0;
  }
}
