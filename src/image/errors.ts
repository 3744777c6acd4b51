/** An image that cannot be used, with the file (or label) it came from and the reason. */
export class ImageInputError extends Error {
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`${source}: ${reason}`);
    this.name = 'ImageInputError';
  }
}
