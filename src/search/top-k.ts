/** Keeps the k largest scores with a binary min-heap (O(n log k)). */
export class TopK {
  private readonly keys: Int32Array;
  private readonly vals: Float32Array;
  private n = 0;

  constructor(private readonly k: number) {
    this.keys = new Int32Array(Math.max(k, 1));
    this.vals = new Float32Array(Math.max(k, 1));
  }

  /** The score a candidate must beat to enter (−Infinity until full). */
  get threshold(): number {
    return this.n < this.k ? -Infinity : this.vals[0]!;
  }

  push(key: number, score: number): void {
    if (this.k === 0) return;
    if (this.n < this.k) {
      let i = this.n++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (this.vals[p]! <= score) break;
        this.vals[i] = this.vals[p]!;
        this.keys[i] = this.keys[p]!;
        i = p;
      }
      this.vals[i] = score;
      this.keys[i] = key;
    } else if (score > this.vals[0]!) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= this.n) break;
        const r = l + 1;
        const c = r < this.n && this.vals[r]! < this.vals[l]! ? r : l;
        if (this.vals[c]! >= score) break;
        this.vals[i] = this.vals[c]!;
        this.keys[i] = this.keys[c]!;
        i = c;
      }
      this.vals[i] = score;
      this.keys[i] = key;
    }
  }

  /** Best first. */
  result(): { key: number; score: number }[] {
    const out: { key: number; score: number }[] = [];
    for (let i = 0; i < this.n; i++) out.push({ key: this.keys[i]!, score: this.vals[i]! });
    return out.sort((a, b) => b.score - a.score || a.key - b.key);
  }
}
