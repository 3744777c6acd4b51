/** An image that cannot be used, with the file (or label) it came from and the reason. */
import { MarqueeError } from '../util/errors.js';

export class ImageInputError extends MarqueeError {
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super('bad_image', `${source}: ${reason}`);
    this.name = 'ImageInputError';
  }
}
