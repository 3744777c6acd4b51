import type { SearchResult } from '../search/query.js';

function cut(s: string, n: number): string {
  return s.length <= n ? s.padEnd(n) : `${s.slice(0, n - 1)}…`;
}

/** A readable results table for terminals. */
export function resultsTable(results: SearchResult[]): string {
  if (results.length === 0) return 'no results\n';
  const channels = [...new Set(results.flatMap((r) => Object.keys(r.scores)))];
  const showParts = channels.length > 1;
  const header = ['  #', 'score  ', ...(showParts ? channels.map((c) => c.padEnd(7)) : []), cut('id', 8), 'year', cut('title', 40), 'genres'].join('  ');
  const lines = results.map((r, i) =>
    [
      String(i + 1).padStart(3),
      r.score.toFixed(3).padStart(7),
      ...(showParts ? channels.map((c) => (r.scores[c] == null ? '   -   ' : r.scores[c]!.toFixed(3).padStart(7))) : []),
      cut(r.id, 8),
      r.year === null ? '    ' : String(r.year),
      cut(r.title, 40),
      r.genres.join(', '),
    ].join('  '),
  );
  return `${header}\n${lines.join('\n')}\n`;
}
