import { readCatalog } from '../catalog/read-catalog.js';

export interface BenchRow {
  id: string;
  overview: string;
  genres: string[];
  posterPath?: string;
}

export async function catalogRows(catalog: string): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for await (const e of readCatalog(catalog)) if (e.record) rows.push({ id: e.record.id, overview: e.record.overview, genres: e.record.genres, posterPath: e.posterPath });
  return rows;
}
