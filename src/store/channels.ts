/** Names of the stored vector channels. */
export const CONTENT_CHANNEL = 'content';
export const COLOR_CHANNEL = 'color';
export const LAYOUT_CHANNEL = 'layout';
export const TEXT_CHANNEL = 'text';
/** Not searched: the grey signature used to verify near-duplicates. */
export const SIGNATURE_CHANNEL = 'signature';

/** Channels computed from the poster image, queryable with an image or a movie id. */
export const IMAGE_CHANNELS = [CONTENT_CHANNEL, COLOR_CHANNEL, LAYOUT_CHANNEL] as const;
export type ImageChannel = (typeof IMAGE_CHANNELS)[number];
export type Channel = ImageChannel | typeof TEXT_CHANNEL;

/**
 * A library can hold several image models: the first model ever indexed keeps the `content`
 * channel, every model added later gets `content:<model id>` (the vectors table is keyed by
 * movie and channel, so each model's vectors are their own rows and engine index).
 */
export function contentChannelFor(modelId: string, first: boolean): string {
  return first ? CONTENT_CHANNEL : `${CONTENT_CHANNEL}:${modelId}`;
}

/** The kind of a channel: `content:inception-v3` is a content channel. */
export function channelKind(channel: string): string {
  const i = channel.indexOf(':');
  return i < 0 ? channel : channel.slice(0, i);
}
