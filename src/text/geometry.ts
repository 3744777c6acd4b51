/**
 * Plane geometry for text boxes: convex hull, the minimum-area (rotated) rectangle around a set of
 * points, growing a rectangle outwards, and point order. Detected text regions are rotated
 * rectangles, as in PaddleOCR's DB post-processing; written here because the only libraries that
 * do this (OpenCV builds for JS) are tens of megabytes for four functions.
 */

export interface Point {
  x: number;
  y: number;
}

/** A rotated rectangle as its corners in reading order: top-left, top-right, bottom-right, bottom-left. */
export type Quad = [Point, Point, Point, Point];

const cross = (o: Point, a: Point, b: Point): number => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);

/** Convex hull (Andrew's monotone chain), counter-clockwise, without repeated points. */
export function convexHull(points: Point[]): Point[] {
  const p = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (p.length <= 2) return p;
  const lower: Point[] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: Point[] = [];
  for (let i = p.length - 1; i >= 0; i--) {
    const q = p[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, q) <= 0) upper.pop();
    upper.push(q);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

export interface RotatedRect {
  center: Point;
  /** Unit vector along the rectangle's first side. */
  axis: Point;
  /** Length along `axis`. */
  width: number;
  /** Length across `axis`. */
  height: number;
}

/** Smallest-area rectangle enclosing the points: one side lies on a hull edge (rotating calipers). */
export function minAreaRect(points: Point[]): RotatedRect {
  const hull = convexHull(points);
  if (hull.length === 0) throw new Error('minAreaRect of no points');
  if (hull.length === 1) return { center: { ...hull[0]! }, axis: { x: 1, y: 0 }, width: 0, height: 0 };
  let best: RotatedRect | null = null;
  let bestArea = Infinity;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    if (len === 0) continue;
    const ux = (b.x - a.x) / len;
    const uy = (b.y - a.y) / len;
    let minU = Infinity, maxU = -Infinity, minV = Infinity, maxV = -Infinity;
    for (const p of hull) {
      const u = p.x * ux + p.y * uy;
      const v = -p.x * uy + p.y * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea - 1e-9) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = { center: { x: cu * ux - cv * uy, y: cu * uy + cv * ux }, axis: { x: ux, y: uy }, width: maxU - minU, height: maxV - minV };
    }
  }
  return best!;
}

/** The rectangle grown by `d` on every side. */
export function growRect(r: RotatedRect, d: number): RotatedRect {
  return { ...r, width: r.width + 2 * d, height: r.height + 2 * d };
}

/** Corners of a rotated rectangle, ordered top-left, top-right, bottom-right, bottom-left (image y grows down). */
export function rectCorners(r: RotatedRect): Quad {
  const { center: c, axis: a } = r;
  const hw = r.width / 2;
  const hh = r.height / 2;
  const n = { x: -a.y, y: a.x };
  const pts = [
    { x: c.x - a.x * hw - n.x * hh, y: c.y - a.y * hw - n.y * hh },
    { x: c.x + a.x * hw - n.x * hh, y: c.y + a.y * hw - n.y * hh },
    { x: c.x + a.x * hw + n.x * hh, y: c.y + a.y * hw + n.y * hh },
    { x: c.x - a.x * hw + n.x * hh, y: c.y - a.y * hw + n.y * hh },
  ];
  return orderCorners(pts);
}

/**
 * Orders four corners as PaddleOCR does: the two leftmost are the left side (upper one first), the
 * other two the right side, so a box's first edge runs left to right whatever its tilt (< 45°).
 */
export function orderCorners(pts: Point[]): Quad {
  const byX = [...pts].sort((a, b) => a.x - b.x);
  const [l1, l2, r1, r2] = byX as [Point, Point, Point, Point];
  const [tl, bl] = l1.y <= l2.y ? [l1, l2] : [l2, l1];
  const [tr, br] = r1.y <= r2.y ? [r1, r2] : [r2, r1];
  return [tl, tr, br, bl];
}

export const distance = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);

/** How far DB post-processing grows a detected region (the shrunk text kernel) back out: area × ratio / perimeter. */
export function unclipDistance(r: RotatedRect, ratio: number): number {
  const perimeter = 2 * (r.width + r.height);
  return perimeter === 0 ? 0 : (r.width * r.height * ratio) / perimeter;
}

/** Whether p lies inside the convex quad (corners in order, either winding). */
export function insideQuad(q: Quad, p: Point): boolean {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const c = cross(q[i]!, q[(i + 1) % 4]!, p);
    if (c === 0) continue;
    const s = Math.sign(c);
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}
