/**
 * Lexical retrieval in PostgreSQL (schema 5): `movies.search_doc`, a weighted tsvector (title and
 * other titles A, tagline B, overview C; the 'english' configuration's stemmer) with a GIN index,
 * ranked with ts_rank; `poster_text.squashed`, each reading's lines squashed to letters and digits
 * and joined, shortlisted by shared letter trigrams (LIKE patterns served by a pg_trgm GIN index;
 * pg_trgm's word_similarity pads words, so a word inside squashed text scored only 0.5 and was missed). Both columns
 * are set by BEFORE triggers, so every write path fills them in its own transaction.
 *
 * pg_trgm ships with PostgreSQL (contrib) and is a trusted extension (a database owner may create
 * it). Where it cannot be created, printed text is still searched, by exact substrings without an
 * index (slow on large libraries; the store says so once on stderr).
 */
import type pg from 'pg';
import type { SearchFilters } from '../filters.js';
import { EXTRA_TITLE_FIELDS, PHRASE_FIELDS, printedTerms, queryWords, searchTerms, TITLE_WORD_CANDIDATES, printedPieces, trigramTitleTexts, type LexicalField, type LexicalSearch, type MovieTextHit, type PhraseHit, type PrintedTextCandidate, type TitleCandidate } from '../lexical.js';
import { filterConditions } from './pgvector-index.js';

type Row = Record<string, unknown>;
type Queryable = Pick<pg.Pool, 'query'>;

const ALT_TITLES = (extra: string) => `concat_ws(' ', ${EXTRA_TITLE_FIELDS.map((f) => `${extra}->>'${f}'`).join(', ')})`;

/** Columns, functions, triggers and the tsvector index (idempotent: run at every open). */
export const PG_LEXICAL_SCHEMA_SQL = `
ALTER TABLE movies ADD COLUMN IF NOT EXISTS search_doc tsvector;
ALTER TABLE poster_text ADD COLUMN IF NOT EXISTS squashed text;
CREATE OR REPLACE FUNCTION marquee_movie_doc() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_doc := setweight(to_tsvector('english', NEW.title), 'A') || setweight(to_tsvector('english', ${ALT_TITLES('NEW.extra')}), 'A')
    || setweight(to_tsvector('english', NEW.tagline), 'B') || setweight(to_tsvector('english', NEW.overview), 'C');
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS movies_search_doc ON movies;
CREATE TRIGGER movies_search_doc BEFORE INSERT OR UPDATE OF title, extra, tagline, overview ON movies FOR EACH ROW EXECUTE FUNCTION marquee_movie_doc();
CREATE INDEX IF NOT EXISTS movies_search_doc ON movies USING gin (search_doc);
CREATE OR REPLACE FUNCTION marquee_printed_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.squashed := CASE WHEN NEW.error IS NULL THEN (
    SELECT coalesce(string_agg(regexp_replace(lower(replace(l->>'text', '&', 'and')), '[^[:alnum:]]+', '', 'g'), '' ORDER BY (l->>'order')::int), '')
    FROM jsonb_array_elements(NEW.lines) l) END;
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS poster_text_squashed ON poster_text;
CREATE TRIGGER poster_text_squashed BEFORE INSERT OR UPDATE OF lines, error ON poster_text FOR EACH ROW EXECUTE FUNCTION marquee_printed_text();
`;

/** Fills the columns for rows written before schema 5 (the triggers compute them). */
export const PG_LEXICAL_BACKFILL_SQL = 'UPDATE movies SET title = title; UPDATE poster_text SET lines = lines;';

/** Creates pg_trgm and the printed-text trigram index when it can; returns whether it could. */
export async function setUpTrigrams(client: Queryable): Promise<boolean> {
  try {
    const installed = (await client.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).rowCount === 1;
    if (!installed) {
      const available = (await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).rowCount === 1;
      if (!available) return false;
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    }
    await client.query('CREATE INDEX IF NOT EXISTS poster_text_squashed ON poster_text USING gin (squashed gin_trgm_ops)');
    await client.query('CREATE INDEX IF NOT EXISTS movies_title_trigrams ON movies USING gin (lower(title) gin_trgm_ops)');
    return true;
  } catch (err) {
    const code = (err as { code?: string }).code;
    // Not allowed to create it (42501), or another process created it at the same moment.
    if (code === '42501') return false;
    if (code === '23505' || code === '42P07' || code === '42710') return true;
    throw err;
  }
}

/** A tsquery of alternatives from words that are letters and digits only (no tsquery syntax can get in). */
const orQuery = (terms: string[]): string => terms.map((t) => t.replace(/[^\p{L}\p{N}]/gu, '')).filter(Boolean).join(' | ');

const FIELD_VECTORS: [LexicalField, string][] = [
  ['title', "to_tsvector('english', m.title)"],
  ['alt_titles', `to_tsvector('english', ${ALT_TITLES('m.extra')})`],
  ['tagline', "to_tsvector('english', m.tagline)"],
  ['overview', "to_tsvector('english', m.overview)"],
];

export class PostgresLexicalSearch implements LexicalSearch {
  private warned = false;

  constructor(
    private readonly pool: Queryable,
    private readonly trigrams: boolean,
  ) {}

  async searchMovies(query: string, k: number, filter?: SearchFilters): Promise<MovieTextHit[]> {
    const terms = orQuery(searchTerms(query));
    if (!terms) return [];
    const params: unknown[] = [terms];
    const where = filterConditions(filter, params).map((c) => ` AND ${c}`).join('');
    params.push(k);
    const fields = FIELD_VECTORS.map(([f, v]) => `${v} @@ q AS ${f}`).join(', ');
    const rows = (
      await this.pool.query(
        `SELECT m.key, ts_rank('{0, 0.1, 0.4, 1.0}', m.search_doc, q, 1) AS score, ${fields}
         FROM movies m, to_tsquery('english', $1) q
         WHERE m.search_doc @@ q${where} ORDER BY score DESC, m.key LIMIT $${params.length}`,
        params,
      )
    ).rows as Row[];
    return rows.map((r) => ({ key: r.key as number, score: r.score as number, fields: FIELD_VECTORS.map(([f]) => f).filter((f) => r[f]) }));
  }

  async phraseMovies(query: string, k: number, filter?: SearchFilters): Promise<PhraseHit[]> {
    const words = queryWords(query);
    if (!words.length) return [];
    const params: unknown[] = [words.join(' ')];
    const where = filterConditions(filter, params).map((c) => ` AND ${c}`).join('');
    params.push(k);
    const fields = FIELD_VECTORS.slice(0, 3).map(([f, v]) => `${v} @@ q AS ${f}`).join(', ');
    const rows = (
      await this.pool.query(
        `SELECT * FROM (SELECT m.key, ${fields} FROM movies m, phraseto_tsquery('english', $1) q
           WHERE numnode(q) > 0 AND m.search_doc @@ q${where}) t
         WHERE title OR alt_titles OR tagline ORDER BY key LIMIT $${params.length}`,
        params,
      )
    ).rows as Row[];
    return rows.map((r) => ({ key: r.key as number, field: PHRASE_FIELDS.find((f) => r[f]) ?? 'title' }));
  }

  async titleCandidates(query: string, k: number, filter?: SearchFilters): Promise<TitleCandidate[]> {
    const q = query.toLowerCase().trim();
    if (q.length < 3) return [];
    const params: unknown[] = [q];
    const where = filterConditions(filter, params).map((c) => ` AND ${c}`).join('');
    params.push(k);
    // pg_trgm's similarity over the (lower-cased) title; without pg_trgm, titles holding the query's longest word.
    const sql = this.trigrams
      ? `SELECT m.key, m.title FROM movies m WHERE lower(m.title) % $1${where} ORDER BY similarity(lower(m.title), $1) DESC, m.key LIMIT $${params.length}`
      : `SELECT m.key, m.title FROM movies m WHERE strpos(lower(m.title), $1) > 0${where} ORDER BY m.key LIMIT $${params.length}`;
    return ((await this.pool.query(sql, params)).rows as Row[]).map((r) => ({ key: r.key as number, title: r.title as string }));
  }

  async titlesInText(texts: string[], kEach: number): Promise<TitleCandidate[]> {
    const out = new Map<number, TitleCandidate>();
    const add = (rows: Row[]) => rows.forEach((r) => out.set(r.key as number, { key: r.key as number, title: r.title as string }));
    // Whole words of the titles (weight A of search_doc: title and other titles), through its GIN index.
    const words = searchTerms(texts.join(' '))
      .map((t) => t.replace(/[^\p{L}\p{N}]/gu, ''))
      .filter(Boolean)
      .map((t) => `${t}:A`)
      .join(' | ');
    if (words)
      add(
        (
          await this.pool.query(
            `SELECT m.key, m.title FROM movies m, to_tsquery('english', $1) q WHERE m.search_doc @@ q
             ORDER BY ts_rank('{0, 0, 0, 1.0}', m.search_doc, q, 1) DESC, m.key LIMIT $2`,
            [words, TITLE_WORD_CANDIDATES],
          )
        ).rows as Row[],
      );
    const qs = trigramTitleTexts(texts);
    if (qs.length && !this.trigrams)
      // Without pg_trgm: titles whose letters, spaces and signs dropped, are one of the texts or inside one (a scan, as printed text is without it).
      add(
        (
          await this.pool.query(
            `SELECT m.key, m.title FROM movies m, unnest($1::text[]) AS q(t)
             WHERE length(regexp_replace(lower(m.title), '[^[:alnum:]]', '', 'g')) >= 3 AND strpos(q.t, regexp_replace(lower(m.title), '[^[:alnum:]]', '', 'g')) > 0
             ORDER BY m.key LIMIT $2`,
            [qs, kEach * qs.length],
          )
        ).rows as Row[],
      );
    if (qs.length && this.trigrams)
      // One round trip: each text's nearest titles by pg_trgm similarity (the GIN index on lower(title) serves %).
      add(
        (
          await this.pool.query(
            `SELECT DISTINCT c.key, c.title FROM unnest($1::text[]) AS q(t)
             CROSS JOIN LATERAL (SELECT m.key, m.title FROM movies m WHERE lower(m.title) % q.t ORDER BY similarity(lower(m.title), q.t) DESC, m.key LIMIT $2) c`,
            [qs, kEach],
          )
        ).rows as Row[],
      );
    return [...out.values()];
  }

  async printedCandidates(query: string, version: string, k: number, filter?: SearchFilters): Promise<PrintedTextCandidate[]> {
    const grams = printedPieces(printedTerms(query));
    if (!grams.length) return [];
    const params: unknown[] = [version];
    const where = filterConditions(filter, params).map((c) => ` AND ${c}`).join('');
    // Word pieces (printedPieces) as LIKE patterns (the trigram GIN index serves them): candidates share some, ranked by how many, as in SQLite.
    const refs = grams.map((g) => `$${params.push(`%${g}%`)}`);
    if (!this.trigrams && !this.warned) {
      process.stderr.write('marquee: pg_trgm is not available in this database: printed text is searched without an index\n');
      this.warned = true;
    }
    const match = refs.map((r) => `t.squashed LIKE ${r}`).join(' OR ');
    const score = refs.map((r) => `(t.squashed LIKE ${r})::int`).join(' + ');
    params.push(k);
    const rows = (
      await this.pool.query(
        `SELECT t.poster_key AS key, t.lines, ${score} AS score FROM poster_text t JOIN posters p ON p.key = t.poster_key
         ${where ? 'JOIN movies m ON m.key = p.movie_key' : ''}
         WHERE (${match}) AND t.error IS NULL AND t.version = $1 AND t.source_hash = p.content_hash${where}
         ORDER BY score DESC, t.poster_key LIMIT $${params.length}`,
        params,
      )
    ).rows as Row[];
    return rows.map((r) => ({ key: r.key as number, lines: (r.lines as { text: string; order: number }[]).sort((a, b) => a.order - b.order).map((l) => l.text) }));
  }
}
