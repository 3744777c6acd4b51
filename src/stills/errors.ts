/** Errors of the stills queries and builds, by kind (the server maps kinds to HTTP status). */
import { MarqueeError } from '../util/errors.js';

export class StillsError extends MarqueeError {
  constructor(
    /** unknown_movie: no such movie id; no_stills: the library or the movie has no stills (yet). */
    override readonly kind: 'unknown_movie' | 'no_stills',
    message: string,
  ) {
    super(kind, message);
    this.name = 'StillsError';
  }
}
