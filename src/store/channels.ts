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
