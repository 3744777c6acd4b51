/** Store errors carry a kind, so the CLI and the server react to what happened, not to message text. */

export type StoreErrorKind =
  /** The database cannot be reached, or refused the credentials. */
  | 'unavailable'
  /** The database holds another application's tables. */
  | 'foreign'
  /** The library was written by a newer Marquee. */
  | 'schema_newer'
  /** No library at that place (reading commands never create one). */
  | 'missing'
  /** Another process is indexing this library. */
  | 'busy'
  /** A target that must be empty is not (migrate). */
  | 'not_empty'
  /** Stored data contradicts itself (wrong vector size). */
  | 'corrupt';

export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
  ) {
    super(message);
  }
}
