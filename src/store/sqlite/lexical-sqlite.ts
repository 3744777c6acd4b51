/**
 * Lexical retrieval in SQLite (schema 7): FTS5 tables kept by triggers on `movies` and
 * `poster_text`, so every write path (index batches, API uploads, imports from another engine,
 * migrations) updates them in its own transaction.
 *
 * - `movie_search`: title, other titles (catalog extra columns), tagline, overview; porter stemming
 *   over unicode61 with diacritics folded; ranked by BM25 with field weights (title and other
 *   titles 10, tagline 4, overview 1: a word of the title says more than one of the synopsis).
 * - `title_search`: each title squashed to letters and digits, trigram tokenizer (misspelt titles).
 * - `printed_search`: each current-or-stale reading's lines squashed to letters and digits and
 *   joined (PP-OCRv4 drops spaces), trigram tokenizer; the search keeps only readings of the
 *   current reader version on the poster's current bytes.
 *
 * The triggers call `marquee_squash`, a function every Marquee connection registers before it
 * touches the schema (a plain sqlite3 shell cannot write poster_text; it can read everything).
 */
import type Database from 'better-sqlite3';
import type { SearchFilters } from '../filters.js';
import { EXTRA_TITLE_FIELDS, LEXICAL_FIELDS, PHRASE_FIELDS, printedTerms, queryWords, searchTerms, squashText, TITLE_WORD_CANDIDATES, printedPieces, trigramTitleTexts, wordTrigrams, type LexicalSearch, type MovieTextHit, type PhraseHit, type PrintedTextCandidate, type TitleCandidate } from '../lexical.js';

type Row = Record<string, unknown>;

/** Shortlist lengths (times k) of title and printed-text candidates checked against the rows (see shortlisted). */
const SHORTLIST = 2;
const SHORTLIST_FILTERED = 8;

/** BM25 weights of LEXICAL_FIELDS, in order. */
const FIELD_WEIGHTS = [10, 10, 4, 1];

const ALT_TITLES_SQL = (extra: string) => `concat_ws(' ', ${EXTRA_TITLE_FIELDS.map((f) => `json_extract(${extra}, '$.${f}')`).join(', ')})`;

const PRINTED_TEXT_SQL = (lines: string) =>
  `(SELECT group_concat(marquee_squash(json_extract(value, '$.text')), '' ORDER BY json_extract(value, '$.order')) FROM json_each(${lines}))`;

/**
 * Schema 7's lexical tables and triggers, frozen with the SQLite history (history.ts runs them
 * before the Migrator): the triggers name poster_text's key as schema 7 did (`movie_key`), and
 * SQLite rewrote them to `poster_key` when the column was renamed (../sql/migrations.ts).
 */
export const LEXICAL_SCHEMA_SQL = `
CREATE VIRTUAL TABLE IF NOT EXISTS movie_search USING fts5(${LEXICAL_FIELDS.join(', ')}, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TRIGGER IF NOT EXISTS movies_search_insert AFTER INSERT ON movies BEGIN
  INSERT INTO movie_search (rowid, title, alt_titles, tagline, overview) VALUES (new.key, new.title, ${ALT_TITLES_SQL('new.extra')}, new.tagline, new.overview);
END;
CREATE TRIGGER IF NOT EXISTS movies_search_update AFTER UPDATE OF title, extra, tagline, overview ON movies
  WHEN old.title IS NOT new.title OR old.extra IS NOT new.extra OR old.tagline IS NOT new.tagline OR old.overview IS NOT new.overview BEGIN
  DELETE FROM movie_search WHERE rowid = old.key;
  INSERT INTO movie_search (rowid, title, alt_titles, tagline, overview) VALUES (new.key, new.title, ${ALT_TITLES_SQL('new.extra')}, new.tagline, new.overview);
END;
CREATE TRIGGER IF NOT EXISTS movies_search_delete AFTER DELETE ON movies BEGIN
  DELETE FROM movie_search WHERE rowid = old.key;
END;
CREATE VIRTUAL TABLE IF NOT EXISTS title_search USING fts5(title, tokenize = 'trigram remove_diacritics 1');
CREATE TRIGGER IF NOT EXISTS movies_title_insert AFTER INSERT ON movies BEGIN
  INSERT INTO title_search (rowid, title) VALUES (new.key, marquee_squash(new.title));
END;
CREATE TRIGGER IF NOT EXISTS movies_title_update AFTER UPDATE OF title ON movies WHEN old.title IS NOT new.title BEGIN
  DELETE FROM title_search WHERE rowid = old.key;
  INSERT INTO title_search (rowid, title) VALUES (new.key, marquee_squash(new.title));
END;
CREATE TRIGGER IF NOT EXISTS movies_title_delete AFTER DELETE ON movies BEGIN
  DELETE FROM title_search WHERE rowid = old.key;
END;
CREATE VIRTUAL TABLE IF NOT EXISTS printed_search USING fts5(text, tokenize = 'trigram remove_diacritics 1');
CREATE TRIGGER IF NOT EXISTS poster_text_search_insert AFTER INSERT ON poster_text WHEN new.error IS NULL BEGIN
  INSERT INTO printed_search (rowid, text) VALUES (new.movie_key, ${PRINTED_TEXT_SQL('new.lines')});
END;
CREATE TRIGGER IF NOT EXISTS poster_text_search_update AFTER UPDATE ON poster_text BEGIN
  DELETE FROM printed_search WHERE rowid = old.movie_key;
  INSERT INTO printed_search (rowid, text) SELECT new.movie_key, ${PRINTED_TEXT_SQL('new.lines')} WHERE new.error IS NULL;
END;
CREATE TRIGGER IF NOT EXISTS poster_text_search_delete AFTER DELETE ON poster_text BEGIN
  DELETE FROM printed_search WHERE rowid = old.movie_key;
END;
`;

/** Fills the lexical tables from rows written before schema 7 (or by an older Marquee). */
export const LEXICAL_BACKFILL_SQL = `
DELETE FROM movie_search;
INSERT INTO movie_search (rowid, title, alt_titles, tagline, overview) SELECT key, title, ${ALT_TITLES_SQL('extra')}, tagline, overview FROM movies;
DELETE FROM title_search;
INSERT INTO title_search (rowid, title) SELECT key, marquee_squash(title) FROM movies;
DELETE FROM printed_search;
INSERT INTO printed_search (rowid, text) SELECT movie_key, ${PRINTED_TEXT_SQL('lines')} FROM poster_text WHERE error IS NULL;
`;

/** The function the triggers squash printed lines with; registered on every connection. */
export function registerLexicalFunctions(db: Database.Database): void {
  db.function('marquee_squash', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? squashText(s) : ''));
}

/** An FTS5 string literal (double quotes doubled): the term is matched as written, never parsed as syntax. */
const quote = (term: string): string => `"${term.replace(/"/g, '""')}"`;

/** WHERE conditions on movies `m` for the filters (genres and countries are JSON arrays), with their parameters. */
function filterSql(f: SearchFilters | undefined, params: unknown[]): string {
  const out: string[] = [];
  if (f?.yearFrom !== undefined) out.push('m.year >= ?'), params.push(f.yearFrom);
  if (f?.yearTo !== undefined) out.push('m.year <= ?'), params.push(f.yearTo);
  for (const g of f?.genres ?? []) out.push('EXISTS (SELECT 1 FROM json_each(m.genres) WHERE lower(value) = ?)'), params.push(g.toLowerCase());
  if (f?.countries?.length) {
    // Country codes arrive normalised (checkFilters); stored ones may be lower case or "UK".
    out.push(`EXISTS (SELECT 1 FROM json_each(m.countries) WHERE replace(upper(value), 'UK', 'GB') IN (${f.countries.map(() => '?').join(', ')}))`);
    params.push(...f.countries);
  }
  return out.length ? ` AND ${out.join(' AND ')}` : '';
}

export class SqliteLexicalSearch implements LexicalSearch {
  constructor(private readonly db: Database.Database) {}

  async searchMovies(query: string, k: number, filter?: SearchFilters): Promise<MovieTextHit[]> {
    const terms = searchTerms(query);
    if (!terms.length) return [];
    const match = terms.map(quote).join(' OR ');
    const params: unknown[] = [match];
    const where = filterSql(filter, params);
    const rows = this.db
      .prepare(
        `SELECT s.rowid AS key, -bm25(movie_search, ${FIELD_WEIGHTS.join(', ')}) AS score
         FROM movie_search s ${where ? 'JOIN movies m ON m.key = s.rowid' : ''}
         WHERE movie_search MATCH ?${where} ORDER BY bm25(movie_search, ${FIELD_WEIGHTS.join(', ')}), s.rowid LIMIT ?`,
      )
      .all(...params, k) as Row[];
    if (!rows.length) return [];
    // Which fields hold a query word, for the top rows only (highlight marks the matched tokens).
    const marks = LEXICAL_FIELDS.map((_, i) => `instr(highlight(movie_search, ${i}, char(1), char(2)), char(1)) > 0 AS f${i}`).join(', ');
    const fields = new Map(
      (this.db.prepare(`SELECT rowid AS key, ${marks} FROM movie_search WHERE movie_search MATCH ? AND rowid IN (${rows.map(() => '?').join(', ')})`).all(match, ...rows.map((r) => r.key)) as Row[]).map((r) => [
        r.key as number,
        LEXICAL_FIELDS.filter((_, i) => Boolean(r[`f${i}`])),
      ]),
    );
    return rows.map((r) => ({ key: r.key as number, score: r.score as number, fields: fields.get(r.key as number) ?? [] }));
  }

  async phraseMovies(query: string, k: number, filter?: SearchFilters): Promise<PhraseHit[]> {
    const words = queryWords(query);
    if (!words.length) return [];
    const params: unknown[] = [`{title alt_titles tagline} : ${quote(words.join(' '))}`];
    const where = filterSql(filter, params);
    const rows = this.db
      .prepare(
        `SELECT s.rowid AS key, ${PHRASE_FIELDS.map((_, i) => `instr(highlight(movie_search, ${i}, char(1), char(2)), char(1)) > 0 AS f${i}`).join(', ')}
         FROM movie_search s ${where ? 'JOIN movies m ON m.key = s.rowid' : ''}
         WHERE movie_search MATCH ?${where} ORDER BY s.rowid LIMIT ?`,
      )
      .all(...params, k) as Row[];
    return rows.map((r) => ({ key: r.key as number, field: PHRASE_FIELDS.find((_, i) => Boolean(r[`f${i}`])) ?? 'title' }));
  }

  async titleCandidates(query: string, k: number, filter?: SearchFilters): Promise<TitleCandidate[]> {
    const grams = wordTrigrams([squashText(query)]);
    if (!grams.length) return [];
    const match = grams.map(quote).join(' OR ');
    const title = (r: Row): TitleCandidate => ({ key: r.key as number, title: r.title as string });
    return this.shortlisted('title_search', match, k, filter, (keys) => {
      const params: unknown[] = [...keys];
      const where = filterSql(filter, params);
      return (this.db.prepare(`SELECT m.key, m.title FROM movies m WHERE m.key IN (${keys.map(() => '?').join(', ')})${where}`).all(...params) as Row[]).map(title);
    }, () => {
      const params: unknown[] = [match];
      const where = filterSql(filter, params);
      return (
        this.db
          .prepare(
            `SELECT m.key, m.title FROM title_search s JOIN movies m ON m.key = s.rowid
             WHERE title_search MATCH ?${where} ORDER BY bm25(title_search), s.rowid LIMIT ?`,
          )
          .all(...params, k) as Row[]
      ).map(title);
    });
  }

  async titlesInText(texts: string[], kEach: number): Promise<TitleCandidate[]> {
    const out = new Map<number, TitleCandidate>();
    const add = (rows: Row[]) => rows.forEach((r) => out.set(r.key as number, { key: r.key as number, title: r.title as string }));
    const terms = searchTerms(texts.join(' '));
    if (terms.length)
      add(
        this.db
          .prepare(
            `SELECT m.key, m.title FROM movie_search s JOIN movies m ON m.key = s.rowid
             WHERE movie_search MATCH ? ORDER BY bm25(movie_search, ${FIELD_WEIGHTS.join(', ')}), s.rowid LIMIT ?`,
          )
          .all(`{title alt_titles} : (${terms.map(quote).join(' OR ')})`, TITLE_WORD_CANDIDATES) as Row[],
      );
    const byTrigrams = this.db.prepare(
      `SELECT m.key, m.title FROM title_search s JOIN movies m ON m.key = s.rowid
       WHERE title_search MATCH ? ORDER BY bm25(title_search), s.rowid LIMIT ?`,
    );
    for (const text of trigramTitleTexts(texts)) add(byTrigrams.all(wordTrigrams([text]).map(quote).join(' OR '), kEach) as Row[]);
    return [...out.values()];
  }

  async printedCandidates(query: string, version: string, k: number, filter?: SearchFilters): Promise<PrintedTextCandidate[]> {
    const grams = printedPieces(printedTerms(query));
    if (!grams.length) return [];
    const match = grams.map(quote).join(' OR ');
    const candidate = (r: Row): PrintedTextCandidate => ({ key: r.key as number, lines: orderedLines(r.lines as string) });
    // Only the current reading of each poster's current bytes counts (readings of an older reader or of replaced bytes stay indexed until read again).
    return this.shortlisted('printed_search', match, k, filter, (keys) => {
      const params: unknown[] = [...keys, version];
      const where = filterSql(filter, params);
      return (
        this.db
          .prepare(
            `SELECT t.poster_key AS key, t.lines FROM poster_text t JOIN posters p ON p.key = t.poster_key ${where ? 'JOIN movies m ON m.key = p.movie_key' : ''}
             WHERE t.poster_key IN (${keys.map(() => '?').join(', ')}) AND t.version = ? AND t.source_hash = p.content_hash${where}`,
          )
          .all(...params) as Row[]
      ).map(candidate);
    }, () => {
      const params: unknown[] = [match, version];
      const where = filterSql(filter, params);
      return (
        this.db
          .prepare(
            `SELECT s.rowid AS key, t.lines FROM printed_search s
             JOIN poster_text t ON t.poster_key = s.rowid JOIN posters p ON p.key = t.poster_key
             ${where ? 'JOIN movies m ON m.key = p.movie_key' : ''}
             WHERE printed_search MATCH ? AND t.version = ? AND t.source_hash = p.content_hash${where}
             ORDER BY bm25(printed_search), s.rowid LIMIT ?`,
          )
          .all(...params, k) as Row[]
      ).map(candidate);
    });
  }

  /**
   * The best k matches of an FTS5 table (by BM25, then rowid) that pass conditions on other tables
   * (`pass`: the passing rows among some keys), without looking up the rows of every match: on a
   * large library most rows share a letter trigram with any query, and joining each match to its
   * rows cost more than ranking them all (100k posters: about 4/5 of printedCandidates, pages of
   * big rows read at random). So the index ranks alone, the conditions are checked on a shortlist,
   * and the passing rows keep the ranking's order: the same rows in the same order as ranking the
   * joined rows (`joined`), which runs instead when fewer than k of the shortlist pass.
   */
  private shortlisted<T extends { key: number }>(table: 'title_search' | 'printed_search', match: string, k: number, filter: SearchFilters | undefined, pass: (keys: number[]) => T[], joined: () => T[]): T[] {
    // Stale readings are rare, filters may keep a small share: a longer shortlist with filters.
    const size = (filterSql(filter, []) ? SHORTLIST_FILTERED : SHORTLIST) * k;
    const keys = (this.db.prepare(`SELECT rowid AS key FROM ${table} WHERE ${table} MATCH ? ORDER BY bm25(${table}), rowid LIMIT ?`).all(match, size) as Row[]).map((r) => r.key as number);
    if (!keys.length) return [];
    const rows = new Map<number, T>();
    for (const r of pass(keys)) rows.set(r.key, r);
    const out = keys.flatMap((key) => (rows.has(key) ? [rows.get(key)!] : []));
    // Every match was shortlisted, or k of them passed: nothing further down can come first.
    return keys.length < size || out.length >= k ? out.slice(0, k) : joined();
  }
}

/** A reading's line texts in reading order. */
function orderedLines(json: string): string[] {
  const lines = JSON.parse(json) as { text: string; order: number }[];
  return lines.sort((a, b) => a.order - b.order).map((l) => l.text);
}
