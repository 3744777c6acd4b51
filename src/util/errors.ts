/**
 * Errors Marquee's own code raises carry a kind: what went wrong, not how to phrase it. The
 * CLI prints the message; the server answers with the status its one table (server/errors.ts)
 * gives the kind, never by reading message text.
 */
export type ErrorKind =
  /** A search request that cannot be run as given (bad k, weights, nothing to search by…). */
  | 'bad_query'
  /** An image model name that is neither built in nor a manifest file. */
  | 'unknown_model'
  /** An image that cannot be read or used. */
  | 'bad_image'
  /** Movie metadata that cannot be used (ingest). */
  | 'invalid_movie'
  /** No movie with that id. */
  | 'unknown_movie'
  /** No job with that id, or no job kind of that name. */
  | 'unknown_job'
  /** The movie has no poster of that rank. */
  | 'unknown_poster'
  /** The library has no stills (yet), or the movie has none. */
  | 'no_stills'
  /** A video file that cannot be read (missing, not a video, nothing decodes). */
  | 'bad_video'
  /** The movie has no analysed film (no shots). */
  | 'no_shots'
  /** An external program Marquee needs (ffmpeg) is not installed. */
  | 'tool_missing'
  /** No genre model has been trained, or it was trained on other vectors. */
  | 'no_genre_model'
  /** The library cannot be reached or opened. */
  | 'unavailable'
  /** The database holds another application's tables. */
  | 'foreign'
  /** The library was written by a newer Marquee. */
  | 'schema_newer'
  /** No library at that place. */
  | 'missing'
  /** Another process is indexing this library. */
  | 'busy'
  /** A target that must be empty is not (migrate). */
  | 'not_empty'
  /** Stored data contradicts itself. */
  | 'corrupt'
  /** An object the library names (s3://bucket/key) is not in its bucket. */
  | 'object_missing'
  /** Object storage refused a read or could not be reached (credentials, network, an object too large). */
  | 'object_storage';

export class MarqueeError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'MarqueeError';
  }
}
