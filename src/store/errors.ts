/** Store errors carry a kind (see util/errors), so the CLI and the server react to what happened, not to message text. */
import { MarqueeError } from '../util/errors.js';

export type StoreErrorKind = 'unavailable' | 'foreign' | 'schema_newer' | 'missing' | 'busy' | 'not_empty' | 'corrupt';

export class StoreError extends MarqueeError {
  constructor(
    override readonly kind: StoreErrorKind,
    message: string,
  ) {
    super(kind, message);
    this.name = 'StoreError';
  }
}
