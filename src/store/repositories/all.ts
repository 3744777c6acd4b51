/** Every repository written once over Kysely, as a store hands them to its consumers (store.ts `Store extends Repositories`). */
import type { Sql } from '../sql/connect.js';
import type { EngineWrites } from '../sql/engine-writes.js';
import { SqlAnalyses, type AnalysesRepository } from './analyses.js';
import { SqlAtlas, type AtlasRepository } from './atlas.js';
import { SqlCopy, type CopyRepository } from './copy.js';
import { SqlFaces, type FacesRepository } from './faces.js';
import { SqlFilms, type FilmsRepository } from './films.js';
import { SqlGenreModels, type GenreModelsRepository } from './genre-models.js';
import { SqlLibrary, type LibraryRepository } from './library.js';
import { SqlMovies, type MoviesRepository } from './movies.js';
import { SqlPosters, type PostersRepository } from './posters.js';
import { SqlPosterText, type PosterTextRepository } from './poster-text.js';
import { SqlRuns, type RunsRepository } from './runs.js';
import { SqlStills, type StillsRepository } from './stills.js';
import { SqlStillsAtlas, type StillsAtlasRepository } from './stills-atlas.js';
import { SqlStillsMatch, type StillsMatchRepository, type StillsMatchSearch } from './stills-match.js';
import { SqlVectors, type VectorBackend, type VectorsRepository } from './vectors.js';

export interface Repositories {
  readonly library: LibraryRepository;
  readonly movies: MoviesRepository;
  readonly posters: PostersRepository;
  readonly vectors: VectorsRepository;
  readonly runs: RunsRepository;
  readonly genreModels: GenreModelsRepository;
  readonly analyses: AnalysesRepository;
  readonly atlas: AtlasRepository;
  readonly faces: FacesRepository;
  readonly posterText: PosterTextRepository;
  readonly stills: StillsRepository;
  readonly stillsAtlas: StillsAtlasRepository;
  readonly stillsMatch: StillsMatchRepository;
  readonly films: FilmsRepository;
  readonly copy: CopyRepository;
}

/** What only the engine knows: how it writes keys and its own columns, where it searches vectors, its index lock, where it is (for messages). */
export interface EngineParts {
  writes: EngineWrites;
  vectorBackend: VectorBackend;
  /** One indexer per library: a lock file beside a SQLite library, an advisory lock on PostgreSQL. */
  acquireIndexLock: () => Promise<() => Promise<void>>;
  location: string;
  /** After rows were copied in: identity sequences, vector indexes. */
  finishImport: () => Promise<void>;
  /** Ranks which-movie in the engine from the stored rows (PostgreSQL with pgvector); absent: read into the process. */
  stillsMatchSearch?: StillsMatchSearch;
}

export function sqlRepositories(sql: Sql, engine: EngineParts): Repositories {
  return {
    library: new SqlLibrary(sql),
    movies: new SqlMovies(sql, engine.writes),
    posters: new SqlPosters(sql, engine.writes),
    vectors: new SqlVectors(sql, engine.writes, engine.vectorBackend, engine.location),
    runs: new SqlRuns(sql, engine.acquireIndexLock),
    genreModels: new SqlGenreModels(sql),
    analyses: new SqlAnalyses(sql),
    atlas: new SqlAtlas(sql),
    faces: new SqlFaces(sql),
    posterText: new SqlPosterText(sql),
    stills: new SqlStills(sql, engine.writes),
    stillsAtlas: new SqlStillsAtlas(sql),
    stillsMatch: new SqlStillsMatch(sql, engine.writes, engine.stillsMatchSearch),
    films: new SqlFilms(sql),
    copy: new SqlCopy(sql, engine.writes, engine.finishImport),
  };
}

/**
 * The repositories as a store's fields, declared once for both engines: each engine's constructor
 * fills them with `Object.assign(this, sqlRepositories(…))` once its connection is open.
 */
export abstract class WithRepositories implements Repositories {
  declare readonly library: LibraryRepository;
  declare readonly movies: MoviesRepository;
  declare readonly posters: PostersRepository;
  declare readonly vectors: VectorsRepository;
  declare readonly runs: RunsRepository;
  declare readonly genreModels: GenreModelsRepository;
  declare readonly analyses: AnalysesRepository;
  declare readonly atlas: AtlasRepository;
  declare readonly faces: FacesRepository;
  declare readonly posterText: PosterTextRepository;
  declare readonly stills: StillsRepository;
  declare readonly stillsAtlas: StillsAtlasRepository;
  declare readonly stillsMatch: StillsMatchRepository;
  declare readonly films: FilmsRepository;
  declare readonly copy: CopyRepository;
}
