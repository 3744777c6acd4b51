/**
 * Cluster labels that tell clusters apart. A label says what distinguishes its cluster from the
 * library, not what is common everywhere: genres and decades by lift (share in the cluster over
 * share in the library; "Comedy · Drama — 1990s" described half the clusters of the demo
 * catalog, where most movies are 1990s comedies and dramas), the colour most over-represented
 * against the library's mean colour histogram, and a dark/light tone. Labels that still collide
 * take the next distinguishing part, and finally the cluster's most central title, so no two
 * labels are equal.
 */
import { BIN_CENTRES } from '../design/color-histogram.js';
import { colorName } from '../design/color-names.js';
import { labToRgb, rgbToHex } from '../design/color-space.js';
import type { StoredMovie } from '../store/types.js';

export interface ClusterLabel {
  id: number;
  size: number;
  label: string;
  genres: { genre: string; share: number }[];
  decades: { decade: string; share: number }[];
  palette: string[];
  central: string[];
  /** The colour most over-represented in the cluster, named ("dark red"). */
  colour: string | null;
  tone: 'dark' | 'light' | null;
  /** What the cluster's posters show, by a dual encoder's best prompt (libraries with one). */
  shows?: { prompt: string; p: number };
}

/** What the whole map holds, for lifts. */
export interface LibraryShares {
  genreShare: Map<string, number>;
  decadeShare: Map<string, number>;
  /** Mean colour histogram of every poster on the map. */
  meanColour: Float64Array;
}

export interface ClusterMembers {
  id: number;
  members: StoredMovie[];
  /** Colour descriptors (sqrt of the Lab histogram) of the members that have one. */
  colours: Float32Array[];
  /** Most central first: ids and titles. */
  central: { id: string; title: string }[];
}

/** A part of a label is used when the cluster has at least this much more of it than the library. */
const MIN_LIFT = 1.2;
/** Mean L* this far from the library's makes a cluster "dark" or "light". */
const TONE_DELTA_L = 6;

const decadeOf = (m: StoredMovie) => (m.year === null ? null : `${Math.floor(m.year / 10) * 10}s`);

export function libraryShares(members: StoredMovie[], colours: Float32Array[]): LibraryShares {
  const share = (xs: string[]) => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1 / Math.max(1, members.length));
    return m;
  };
  return { genreShare: share(members.flatMap((m) => m.genres)), decadeShare: share(members.map(decadeOf).filter((d): d is string => d !== null)), meanColour: meanHistogram(colours) };
}

function meanHistogram(colours: Float32Array[]): Float64Array {
  const mean = new Float64Array(BIN_CENTRES.length);
  for (const h of colours) for (let i = 0; i < h.length; i++) mean[i] += (h[i]! * h[i]!) / colours.length;
  return mean;
}

const meanL = (hist: Float64Array) => hist.reduce((s, w, i) => s + w * BIN_CENTRES[i]![0], 0);

interface Described {
  label: ClusterLabel;
  /** Label parts, most distinguishing first. */
  parts: string[];
}

function describe(c: ClusterMembers, all: LibraryShares): Described {
  const { members } = c;
  const n = Math.max(1, members.length);
  const lifted = (values: string[], base: Map<string, number>, minShare: number) => {
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts]
      .map(([value, count]) => ({ value, share: count / n, lift: count / n / (base.get(value) ?? 1) }))
      .filter((x) => x.share >= minShare)
      .sort((a, b) => b.lift - a.lift || b.share - a.share || a.value.localeCompare(b.value));
  };
  const genreLifts = lifted(members.flatMap((m) => m.genres), all.genreShare, 0.2);
  const decadeLifts = lifted(members.map(decadeOf).filter((d): d is string => d !== null), all.decadeShare, 0.2);
  const genres = genreLifts.slice(0, 3).map((g) => ({ genre: g.value, share: Math.round(g.share * 100) / 100 }));
  const decades = decadeLifts.slice(0, 2).map((d) => ({ decade: d.value, share: Math.round(d.share * 100) / 100 }));

  const hist = meanHistogram(c.colours);
  const palette = Array.from(hist.keys())
    .sort((a, b) => hist[b]! - hist[a]!)
    .slice(0, 4)
    .map((i) => rgbToHex(labToRgb(BIN_CENTRES[i]!)));
  let colourBin = -1;
  let colourExcess = 0;
  hist.forEach((w, i) => {
    const excess = w - all.meanColour[i]!;
    if (excess > colourExcess && w > MIN_LIFT * all.meanColour[i]!) (colourBin = i), (colourExcess = excess);
  });
  const colour = colourBin >= 0 && c.colours.length ? colorName(BIN_CENTRES[colourBin]!) : null;
  const dL = c.colours.length ? meanL(hist) - meanL(all.meanColour) : 0;
  const tone = dL <= -TONE_DELTA_L ? 'dark' : dL >= TONE_DELTA_L ? 'light' : null;

  const strongGenres = genreLifts.filter((g) => g.lift >= MIN_LIFT).slice(0, 2).map((g) => g.value);
  const strongDecade = decadeLifts.find((d) => d.lift >= MIN_LIFT)?.value;
  const parts = [
    strongGenres.length ? strongGenres.join(' · ') : genres.length ? `mixed (${genres[0]!.genre})` : 'mixed genres',
    strongDecade ?? null,
    colour ? `${tone ? `${tone}, ` : ''}${colour}` : tone,
    genreLifts[2] && genreLifts[2].lift >= MIN_LIFT ? `with ${genreLifts[2].value}` : null,
    decadeLifts[1] && decadeLifts[1].lift >= MIN_LIFT ? `and ${decadeLifts[1].value}` : null,
  ].filter((p): p is string => !!p);
  const label: ClusterLabel = { id: c.id, size: members.length, label: '', genres, decades, palette, central: c.central.map((m) => m.id), colour, tone };
  return { label, parts };
}

/** Labels for every cluster of a map, each different from the others. */
export function labelClusters(clusters: ClusterMembers[], all: LibraryShares): ClusterLabel[] {
  const described = clusters.map((c) => describe(c, all));
  const used = described.map((d) => Math.min(2, d.parts.length));
  const text = (i: number) => described[i]!.parts.slice(0, used[i]).join(' — ');
  // Extend colliding labels one part at a time; when parts run out, name the most central film.
  for (let round = 0; round < 8; round++) {
    const byText = new Map<string, number[]>();
    described.forEach((_, i) => byText.set(text(i), [...(byText.get(text(i)) ?? []), i]));
    const collisions = [...byText.values()].filter((g) => g.length > 1);
    if (!collisions.length) break;
    for (const group of collisions)
      for (const i of group) {
        const d = described[i]!;
        if (used[i]! < d.parts.length) used[i]!++;
        else {
          const next = clusters[i]!.central.find((m) => !d.parts.includes(`like ${m.title}`));
          d.parts.push(next ? `like ${next.title}` : `#${d.label.id + 1}`);
          used[i] = d.parts.length;
        }
      }
  }
  return described.map((d, i) => ({ ...d.label, label: text(i) }));
}
