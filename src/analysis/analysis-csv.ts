/**
 * Closest pairs and borrowings as CSV, one row per pair: the CLI's `pairs --csv` and
 * `borrowings --csv` and the pages' exports (built in the browser from what they show, so nothing
 * here needs Node).
 */
import { csvTable } from '../util/csv.js';
import type { Borrowing } from './borrowings.js';
import type { ClosestPair } from './pairs.js';

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

export function pairsCsv(pairs: ClosestPair[]): string {
  const rows = pairs.map((p, i) => ({ rank: i + 1, channel: p.channel, model: p.model ?? '', score: round(p.score), a: p.a, a_title: p.aTitle, a_year: p.aYear ?? '', b: p.b, b_title: p.bTitle, b_year: p.bYear ?? '', duplicate: p.duplicate }));
  return csvTable(rows, ['rank', 'channel', 'model', 'score', 'a', 'a_title', 'a_year', 'b', 'b_title', 'b_year', 'duplicate']);
}

export function borrowingsCsv(borrowings: Borrowing[]): string {
  const rows = borrowings.map((b, i) => ({
    rank: i + 1,
    channel: b.channel,
    z: round(b.z),
    similarity: round(b.similarity),
    from: b.from.id,
    from_title: b.from.title,
    from_year: b.from.year,
    from_poster: b.from.rank,
    to: b.to.id,
    to_title: b.to.title,
    to_year: b.to.year,
    to_poster: b.to.rank,
    reference_pairs: b.reference.pairs,
    reference_mean: round(b.reference.mean),
    reference_sd: round(b.reference.sd),
    same_artwork: b.sameArtwork,
  }));
  const columns = ['rank', 'channel', 'z', 'similarity', 'from', 'from_title', 'from_year', 'from_poster', 'to', 'to_title', 'to_year', 'to_poster', 'reference_pairs', 'reference_mean', 'reference_sd', 'same_artwork'];
  return csvTable(rows, columns);
}
