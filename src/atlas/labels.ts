/** Cluster labels from real metadata: dominant genres (by lift), decades, palette, most central posters. */
import { BIN_CENTRES } from '../design/color-histogram.js';
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
}

export function labelCluster(
  id: number,
  members: StoredMovie[],
  all: { genreShare: Map<string, number> },
  colorHistograms: Float32Array[],
  central: string[],
): ClusterLabel {
  const count = (xs: string[]) => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
    return m;
  };
  const genreCounts = count(members.flatMap((m) => m.genres));
  const genres = [...genreCounts]
    .map(([genre, c]) => ({ genre, share: c / members.length, lift: c / members.length / (all.genreShare.get(genre) ?? 1) }))
    .filter((g) => g.share >= 0.2)
    .sort((a, b) => b.lift - a.lift || b.share - a.share)
    .slice(0, 3)
    .map(({ genre, share }) => ({ genre, share: Math.round(share * 100) / 100 }));
  const decadeCounts = count(members.filter((m) => m.year !== null).map((m) => `${Math.floor(m.year! / 10) * 10}s`));
  const dated = members.filter((m) => m.year !== null).length || 1;
  const decades = [...decadeCounts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 2).map(([decade, c]) => ({ decade, share: Math.round((c / dated) * 100) / 100 }));
  const mean = new Float64Array(BIN_CENTRES.length);
  for (const h of colorHistograms) for (let i = 0; i < h.length; i++) mean[i] += h[i]! * h[i]!;
  const palette = Array.from(mean.keys())
    .sort((a, b) => mean[b]! - mean[a]!)
    .slice(0, 4)
    .map((i) => rgbToHex(labToRgb(BIN_CENTRES[i]!)));
  const label = [genres.map((g) => g.genre).join(' · ') || 'mixed', decades.map((d) => d.decade).join('/')].filter(Boolean).join(' — ');
  return { id, size: members.length, label, genres, decades, palette, central };
}
