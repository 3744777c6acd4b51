/**
 * Grid layout: every point gets exactly one cell of a near-square grid, neighbours staying
 * neighbours. For the whole collection we use balanced recursive bisection (split the
 * points at the median of the grid region's longer side, in proportion to the cells on each
 * side, recursively): O(n log² n). `assignExact` (Hungarian algorithm, O(n³)) is the
 * optimal linear assignment used to validate the approximation on samples.
 */
export interface GridLayout {
  cols: number;
  rows: number;
  /** A cell's width over its height (1: square; 16 / 9 for stills). */
  aspect?: number;
  /** cell index (row * cols + col) of each point */
  cell: Int32Array;
}

/** A grid of at least n cells of `aspect` (width / height) that is about as wide as it is high. */
export function gridShape(n: number, aspect = 1): { cols: number; rows: number } {
  const cols = Math.max(1, Math.ceil(Math.sqrt(n / aspect)));
  return { cols, rows: Math.max(1, Math.ceil(n / cols)) };
}

/** A cell's width and height in the unit square the grid is fitted into (centred on neither axis: it starts at 0, 0). */
export function cellSize(cols: number, rows: number, aspect = 1): { w: number; h: number } {
  const w = Math.min(1 / cols, aspect / rows);
  return { w, h: w / aspect };
}

/** Points (n x 2, in a unit square) to cells of a near-square grid; `aspect`: the cells' width over height. */
export function assignGrid(points: Float32Array, aspect = 1): GridLayout {
  const n = points.length / 2;
  const { cols, rows } = gridShape(n, aspect);
  const cell = new Int32Array(n);
  // Cells in reading order are filled first; the last row may be partly empty.
  const split = (idx: number[], c0: number, r0: number, c1: number, r1: number): void => {
    const w = c1 - c0;
    const h = r1 - r0;
    const capacity = (cc0: number, rr0: number, cc1: number, rr1: number) => {
      let k = 0;
      for (let r = rr0; r < rr1; r++) for (let c = cc0; c < cc1; c++) if (r * cols + c < n) k++;
      return k;
    };
    if (idx.length === 0) return;
    if (w * h === 1 || idx.length === 1) {
      // Leaf: place the (single) point in the first cell of the region.
      cell[idx[0]!] = r0 * cols + c0;
      return;
    }
    // The region's longer side on the page (cells of `aspect`), not in cell counts.
    const byX = w * aspect >= h;
    const axis = byX ? 0 : 1;
    const mid = byX ? c0 + Math.floor(w / 2) : r0 + Math.floor(h / 2);
    const capA = byX ? capacity(c0, r0, mid, r1) : capacity(c0, r0, c1, mid);
    const capB = byX ? capacity(mid, r0, c1, r1) : capacity(c0, mid, c1, r1);
    idx.sort((a, b) => points[a * 2 + axis]! - points[b * 2 + axis]! || a - b);
    const takeA = Math.round((idx.length * capA) / Math.max(1, capA + capB));
    const nA = Math.min(capA, Math.max(idx.length - capB, takeA));
    if (byX) {
      split(idx.slice(0, nA), c0, r0, mid, r1);
      split(idx.slice(nA), mid, r0, c1, r1);
    } else {
      split(idx.slice(0, nA), c0, r0, c1, mid);
      split(idx.slice(nA), c0, mid, c1, r1);
    }
  };
  split(Array.from({ length: n }, (_, i) => i), 0, 0, cols, rows);
  return { cols, rows, cell, ...(aspect !== 1 ? { aspect } : {}) };
}

/** Cell centre in [0,1]^2 coordinates. */
export function cellPosition(layout: Pick<GridLayout, 'cols' | 'rows' | 'aspect'>, cell: number): [number, number] {
  const c = cell % layout.cols;
  const r = Math.floor(cell / layout.cols);
  const { w, h } = cellSize(layout.cols, layout.rows, layout.aspect);
  return [(c + 0.5) * w, (r + 0.5) * h];
}

/** Optimal assignment of points to cells minimising squared distance (Hungarian, for validation on small n). */
export function assignExact(points: Float32Array): GridLayout {
  const n = points.length / 2;
  const { cols, rows } = gridShape(n);
  const m = cols * rows;
  const layout: GridLayout = { cols, rows, cell: new Int32Array(n) };
  const cost = (i: number, j: number) => {
    const [x, y] = cellPosition(layout, j);
    return (points[i * 2]! - x) ** 2 + (points[i * 2 + 1]! - y) ** 2;
  };
  // Hungarian algorithm (rectangular, n rows <= m columns), potentials formulation.
  const u = new Float64Array(n + 1), v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1), way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity, j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = cost(i0 - 1, j - 1) - u[i0]! - v[j]!;
        if (cur < minv[j]!) (minv[j] = cur), (way[j] = j0);
        if (minv[j]! < delta) (delta = minv[j]!), (j1 = j);
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) (u[p[j]!] += delta), (v[j] -= delta);
        else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0);
  }
  for (let j = 1; j <= m; j++) if (p[j]! > 0) layout.cell[p[j]! - 1] = j - 1;
  return layout;
}

export function gridPoints(layout: GridLayout): Float32Array {
  const out = new Float32Array(layout.cell.length * 2);
  layout.cell.forEach((c, i) => {
    const [x, y] = cellPosition(layout, c);
    out[i * 2] = x;
    out[i * 2 + 1] = y;
  });
  return out;
}

/** Mean squared displacement from the points to their cells. */
export function displacement(points: Float32Array, layout: GridLayout): number {
  const g = gridPoints(layout);
  let s = 0;
  for (let i = 0; i < points.length; i++) s += (points[i]! - g[i]!) ** 2;
  return s / (points.length / 2);
}

/** Share of each point's k nearest neighbours in `a` that are also among its k nearest in `b`. */
export function knnOverlap(a: Float32Array, b: Float32Array, k = 10): number {
  const n = a.length / 2;
  const nearest = (p: Float32Array, i: number) =>
    Array.from({ length: n }, (_, j) => j)
      .filter((j) => j !== i)
      .sort((x, y) => (p[x * 2]! - p[i * 2]!) ** 2 + (p[x * 2 + 1]! - p[i * 2 + 1]!) ** 2 - ((p[y * 2]! - p[i * 2]!) ** 2 + (p[y * 2 + 1]! - p[i * 2 + 1]!) ** 2) || x - y)
      .slice(0, k);
  let shared = 0;
  const sample = Math.min(n, 400);
  const step = n / sample;
  for (let s = 0; s < sample; s++) {
    const i = Math.floor(s * step);
    const nb = new Set(nearest(b, i));
    shared += nearest(a, i).filter((j) => nb.has(j)).length;
  }
  return shared / (sample * k);
}
