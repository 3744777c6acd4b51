/**
 * Every poster of the library with its year, its film's genres and countries, and its value on
 * every trend measure, loaded once from stored features (measures.ts) and then grouped by year or
 * decade for any measure and filter without touching the store again. A poster's year is its own
 * (posters.csv) or, failing that, its film's; its countries are its own or its film's.
 */
import { COLOR_MODEL } from '../design/design-features.js';
import { LAYOUT_MODEL } from '../design/design-features.js';
import { COLOR_CHANNEL, LAYOUT_CHANNEL } from '../store/channels.js';
import type { Store } from '../store/store.js';
import type { FilterRow, StoredPoster } from '../store/types.js';
import { ocrVersionKey } from '../text/poster-ocr.js';
import { countryCode, nearestKnown, resolveCountry, unknownValue } from '../store/filters.js';
import { MarqueeError } from '../util/errors.js';
import { meanWithInterval } from './bootstrap.js';
import { measures, type Measure, type MeasureInfo, type PosterEvidence } from './measures.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'faces' | 'movies' | 'posterText' | 'posters' | 'vectors'>;

export interface TrendPoster {
  key: number;
  movieKey: number;
  /** 0: the film's main poster. */
  rank: number;
  year: number | null;
  genres: string[];
  countries: string[];
}

export type TrendUnit = 'year' | 'decade';

export interface TrendQuery {
  measure: string;
  by: TrendUnit;
  /** Posters of films with this genre (any case). */
  genre?: string;
  /** Posters of this country (the poster's own, else its film's). */
  country?: string;
  /** Only each film's main poster (default: every poster). */
  mainOnly?: boolean;
}

export interface TrendPeriod {
  /** "1990s" or "1994". */
  period: string;
  /** First year of the period. */
  start: number;
  n: number;
  mean: number;
  /** 95 % bootstrap interval of the mean. */
  low: number;
  high: number;
  /** Fewer than SMALL_PERIOD posters: shown, marked, not to be read much into. */
  small: boolean;
}

export interface Trend {
  measure: string;
  label: string;
  unit: string;
  by: TrendUnit;
  filters: { genre: string | null; country: string | null; mainOnly: boolean };
  periods: TrendPeriod[];
  /** Posters the filters keep that have no year (left out of every period). */
  undated: number;
  /** Dated posters the filters keep that lack what the measure needs (not scanned, not read). */
  missing: number;
}

/** The table as the trends analysis stores it (analysis/stored-analyses.ts): JSON, a missing value as null. */
export interface StoredTrendTable {
  /** The library's genres, which name the genre-share measures. */
  genres: string[];
  posters: TrendPoster[];
  values: Record<string, (number | null)[]>;
}

/** Periods with fewer posters than this are marked small. */
export const SMALL_PERIOD = 10;

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export const periodOf = (year: number, by: TrendUnit): number => (by === 'decade' ? Math.floor(year / 10) * 10 : year);
export const periodLabel = (start: number, by: TrendUnit): string => (by === 'decade' ? `${start}s` : String(start));

/** Each poster of a known film with its year, genres and countries (its own, else its film's); the genres in order. */
function trendRows(posters: StoredPoster[], films: FilterRow[]): { rows: TrendPoster[]; genres: string[] } {
  const film = new Map(films.map((f) => [f.key, f]));
  const rows: TrendPoster[] = [];
  for (const p of posters) {
    const f = film.get(p.movieKey);
    if (f) rows.push({ key: p.key, movieKey: p.movieKey, rank: p.rank, year: p.year ?? f.year, genres: f.genres, countries: p.country ? [p.country] : f.countries });
  }
  return { rows, genres: [...new Set(films.flatMap((f) => f.genres))].sort((a, b) => a.localeCompare(b)) };
}

export class TrendTable {
  /** What the table reads (store/revisions.ts): the colour and layout vectors among the others. */
  static readonly READS = ['movies', 'posters', 'vectors:color', 'vectors:layout', 'palettes', 'faces', 'printed-text'] as const;

  private readonly byName: Map<string, Measure>;

  private readonly measureList: Measure[];

  private constructor(
    readonly posters: TrendPoster[],
    private readonly genres: string[],
    /** One value per poster, per measure name (NaN: the poster lacks what the measure needs). */
    private readonly values: Map<string, Float64Array>,
  ) {
    this.measureList = measures(genres);
    this.byName = new Map(this.measureList.map((m) => [m.name, m]));
  }

  /** A stored table; a measure it lacks (stored by older code) has no value for any poster. */
  static fromStored(stored: StoredTrendTable): TrendTable {
    const missing = new Float64Array(stored.posters.length).fill(Number.NaN);
    const values = new Map(measures(stored.genres).map((m) => [m.name, stored.values[m.name] ? Float64Array.from(stored.values[m.name]!, (v) => v ?? Number.NaN) : missing]));
    return new TrendTable(stored.posters, stored.genres, values);
  }

  toStored(): StoredTrendTable {
    return { genres: this.genres, posters: this.posters, values: Object.fromEntries([...this.values].map(([name, vs]) => [name, Array.from(vs, (v) => (Number.isNaN(v) ? null : v))])) };
  }

  static async load(store: StoreParts): Promise<TrendTable> {
    const [posters, films, colour, palettes, layouts, faces, readings] = await Promise.all([
      store.posters.all(),
      store.movies.filterRows(),
      store.vectors.load(COLOR_CHANNEL, COLOR_MODEL, 'posters'),
      store.posters.allPalettes(),
      store.vectors.load(LAYOUT_CHANNEL, LAYOUT_MODEL, 'posters'),
      store.faces.countsPerPoster(),
      store.posterText.all(ocrVersionKey(), 'posters'),
    ]);
    const colourOf = new Map(colour.map((e) => [e.key, e.vector]));
    const paletteOf = new Map(palettes.map((p) => [p.key, p.colors]));
    const layoutOf = new Map(layouts.map((e) => [e.key, e.vector]));
    const facesOf = new Map(faces.map((f) => [f.key, f.count]));
    const linesOf = new Map(readings.map((r) => [r.key, r.lines]));
    const { rows, genres } = trendRows(posters, films);
    const evidence: PosterEvidence[] = rows.map((p) => ({ colorDescriptor: colourOf.get(p.key), palette: paletteOf.get(p.key), layout: layoutOf.get(p.key), faces: facesOf.get(p.key), lines: linesOf.get(p.key), genres: p.genres }));
    const values = new Map(measures(genres).map((m) => [m.name, Float64Array.from(evidence, (e) => m.compute(e))]));
    return new TrendTable(rows, genres, values);
  }

  /** The posters with their years, genres and countries, and no measure (what selecting by the filters needs: typical posters). */
  static async loadPosters(store: StoreParts): Promise<TrendTable> {
    const { rows, genres } = trendRows(await store.posters.all(), await store.movies.filterRows());
    return TrendTable.fromStored({ genres, posters: rows, values: {} });
  }

  /** Every measure the table offers, and how many posters have a value for it. */
  measures(): (MeasureInfo & { posters: number })[] {
    return this.measureList.map(({ name, label, unit, needs }) => ({ name, label, unit, needs, posters: this.values.get(name)!.filter((v) => !Number.isNaN(v)).length }));
  }

  /** A poster's value on a measure, by its index in `posters`. */
  value(measure: string, index: number): number {
    return this.measureValues(measure)[index]!;
  }

  private measureValues(name: string): Float64Array {
    const v = this.values.get(name);
    if (!v) {
      // Every measure but the per-genre ones, the nearest suggested when close ("brightnes" → brightness).
      const names = this.measureList.map((m) => m.name).filter((n) => !n.startsWith('genre:'));
      const nearest = nearestKnown(name, names);
      const hint = nearest ? ` (did you mean "${nearest}"?)` : '';
      throw new MarqueeError('bad_query', `unknown measure "${name}"${hint}: the measures are ${names.join(', ')}, genre:<genre> (\`marquee trends --list\` or GET /api/trends/measures counts the posters of each)`);
    }
    return v;
  }

  /** Fails (bad_query) on a genre or country no poster has, or a unit other than year or decade. */
  checkFilters(q: Pick<TrendQuery, 'by' | 'genre' | 'country'>): void {
    const genres = new Map(this.posters.flatMap((p) => p.genres.map((g) => [g.toLowerCase(), g] as const)));
    if (q.genre && !genres.has(q.genre.toLowerCase())) throw new MarqueeError('bad_query', unknownValue('genre', q.genre, [...genres.values()]));
    if (q.country && !this.countryOf(q.country)) throw new MarqueeError('bad_query', unknownValue('country', q.country, [...this.countryCodes()]));
    if (q.by !== 'year' && q.by !== 'decade') throw new MarqueeError('bad_query', `by must be year or decade, got ${String(q.by)}`);
  }

  private codes: Set<string> | undefined;

  /** Every poster's country codes, gathered once (the posters never change in a table). */
  private countryCodes(): Set<string> {
    return (this.codes ??= new Set(this.posters.flatMap((p) => p.countries.map(countryCode))));
  }

  /** The code a country filter means (a code in any case, or an English name: "France" is FR). */
  private countryOf(value: string): string | undefined {
    return resolveCountry(value, this.countryCodes());
  }

  /** Indexes of the posters the filters keep. */
  select(q: Pick<TrendQuery, 'genre' | 'country' | 'mainOnly'>): number[] {
    const genre = q.genre?.toLowerCase();
    const country = q.country ? (this.countryOf(q.country) ?? countryCode(q.country)) : undefined;
    const out: number[] = [];
    this.posters.forEach((p, i) => {
      if (q.mainOnly && p.rank !== 0) return;
      if (genre && !p.genres.some((g) => g.toLowerCase() === genre)) return;
      if (country && !p.countries.some((c) => countryCode(c) === country)) return;
      out.push(i);
    });
    return out;
  }

  trend(q: TrendQuery): Trend {
    const measure = this.byName.get(q.measure);
    const values = this.measureValues(q.measure);
    this.checkFilters(q);
    const groups = new Map<number, number[]>();
    let undated = 0;
    let missing = 0;
    for (const i of this.select(q)) {
      const year = this.posters[i]!.year;
      if (year === null) {
        undated++;
        continue;
      }
      const v = values[i]!;
      if (Number.isNaN(v)) {
        missing++;
        continue;
      }
      const start = periodOf(year, q.by);
      (groups.get(start) ?? groups.set(start, []).get(start)!).push(v);
    }
    const periods = [...groups.entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, vs]) => {
        // Seeded by period and measure: the same library always gives the same interval.
        const stat = meanWithInterval(vs, start * 31 + q.measure.length);
        return { period: periodLabel(start, q.by), start, n: stat.n, mean: round6(stat.mean), low: round6(stat.low), high: round6(stat.high), small: vs.length < SMALL_PERIOD };
      });
    return {
      measure: q.measure,
      label: measure!.label,
      unit: measure!.unit,
      by: q.by,
      filters: { genre: q.genre ?? null, country: q.country ?? null, mainOnly: q.mainOnly === true },
      periods,
      undated,
      missing,
    };
  }
}
