/**
 * Search results as CSV, one row per result in rank order: the CLI's `search --csv` and the search
 * page's export (built in the browser from the results it shows, so nothing here needs Node).
 * Lists are joined with "; " within one cell.
 */
import { csvTable } from '../util/csv.js';
import type { SearchResult } from './query.js';

const round = (x: number | null | undefined): number | string => (x === null || x === undefined || !Number.isFinite(x) ? '' : Math.round(x * 1e4) / 1e4);

export function resultsCsv(results: SearchResult[]): string {
  const channels = [...new Set(results.flatMap((r) => Object.keys(r.scores)))];
  const rows = results.map((r, i) => ({
    rank: i + 1,
    id: r.id,
    title: r.title,
    year: r.year ?? '',
    match: round(r.match),
    score: round(r.score),
    ...Object.fromEntries(channels.map((c) => [`score_${c}`, round(r.scores[c])])),
    genres: r.genres.join('; '),
    countries: r.countries.join('; '),
    poster: r.poster ? r.poster.rank : '',
    matched: [...(r.phrase ? [`phrase in ${r.phrase}`] : []), ...(r.fields ?? []), ...(r.printed ?? []).map((l) => `printed: ${l}`), ...(r.identity ? [`${r.identity.by} read: ${r.identity.text}`] : [])].join('; '),
  }));
  const columns = ['rank', 'id', 'title', 'year', 'match', 'score', ...channels.map((c) => `score_${c}`), 'genres', 'countries', 'poster', 'matched'];
  return csvTable(rows, columns);
}
