/**
 * The folders of src from the bottom up: a module may import its own folder and the folders
 * below it, never one above (src/imports.test.ts checks every import). Types that several layers
 * share live in the lowest folder that needs them: a model's ref and channel in models/types.ts,
 * search filters, the vector index seam and the index batch queue in store/.
 */
export const LAYERS = [
  'util', // errors, vectors, metrics, randomness
  'image', // decoding, hashing, reading image files, colour statistics
  'models', // image and text models, their registry, the genre tiles' channels
  'design', // colour, layout, palettes, grey signatures
  'text', // OCR, reading order, title matching, word features
  'jobs', // the durable job queue and its workers
  'store', // the library: SQL, engines, revisions, the models a library holds
  'catalog', // reading catalog folders
  'search', // embedder, channel indexes, fusion, the engine
  'atlas', // projections, clusters, sheets
  'trends', // trend measures, typical posters
  'genres', // genre datasets, training, prediction
  'stills', // stills, looks, kinds of shot
  'films', // shots and rhythm from video files
  'analysis', // pairs, duplicates, borrowings, stored analyses
  'ingest', // index runs and the background passes (OCR, tiles, faces), the library's job kinds
  'server', // HTTP API and its services
  'cli', // commands
  'bench', // benchmarks
] as const;
