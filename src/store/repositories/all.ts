/** Every repository written once over Kysely, as a store hands them to its consumers (store.ts `Store extends Repositories`). */
import type { Sql } from '../sql/connect.js';
import { SqlAnalyses, type AnalysesRepository } from './analyses.js';
import { SqlAtlas, type AtlasRepository } from './atlas.js';
import { SqlFaces, type FacesRepository } from './faces.js';
import { SqlFilms, type FilmsRepository } from './films.js';
import { SqlGenreModels, type GenreModelsRepository } from './genre-models.js';
import { SqlPosterText, type PosterTextRepository } from './poster-text.js';
import { SqlRuns, type RunsRepository } from './runs.js';
import { SqlStills, type StillsRepository } from './stills.js';

export interface Repositories {
  readonly runs: RunsRepository;
  readonly genreModels: GenreModelsRepository;
  readonly analyses: AnalysesRepository;
  readonly atlas: AtlasRepository;
  readonly faces: FacesRepository;
  readonly posterText: PosterTextRepository;
  readonly stills: StillsRepository;
  readonly films: FilmsRepository;
}

/** The engine's own parts they need: the index lock (a lock file beside a SQLite library, an advisory lock on PostgreSQL). */
export function sqlRepositories(sql: Sql, acquireIndexLock: () => Promise<() => Promise<void>>): Repositories {
  return {
    runs: new SqlRuns(sql, acquireIndexLock),
    genreModels: new SqlGenreModels(sql),
    analyses: new SqlAnalyses(sql),
    atlas: new SqlAtlas(sql),
    faces: new SqlFaces(sql),
    posterText: new SqlPosterText(sql),
    stills: new SqlStills(sql),
    films: new SqlFilms(sql),
  };
}
