/**
 * OpenAPI request bodies for the multipart upload routes. Their bodies are read by
 * @fastify/multipart in the handler, so a fastify `body` schema (which would be validated against
 * a body that is not parsed into an object) cannot describe them; a route states its fields in
 * `multipartBody` instead, and the swagger `transform` turns that into the documented
 * multipart/form-data request body, so a generated client can call the uploads.
 */
import type { FastifySchema } from 'fastify';

declare module 'fastify' {
  interface FastifySchema {
    /** The multipart/form-data fields of an upload route (documentation only). */
    multipartBody?: MultipartBody;
  }
}

export interface MultipartBody {
  type: 'object';
  properties: Record<string, { type: 'string' | 'integer' | 'number'; format?: 'binary'; description: string; enum?: readonly string[]; minimum?: number; maximum?: number }>;
  required: readonly string[];
}

/** A file part. */
export const file = (description: string) => ({ type: 'string', format: 'binary', description }) as const;
/** A text part. */
export const text = (description: string, extra: { enum?: readonly string[] } = {}) => ({ type: 'string', description, ...extra }) as const;
export const integer = (description: string, minimum: number, maximum: number) => ({ type: 'integer', description, minimum, maximum }) as const;

/** The swagger transform: multipartBody becomes the documented body of a multipart route. */
export function documentMultipart({ schema, url }: { schema: FastifySchema; url: string }): { schema: FastifySchema; url: string } {
  if (!schema?.multipartBody) return { schema, url };
  const { multipartBody, ...rest } = schema;
  return { schema: { ...rest, consumes: ['multipart/form-data'], body: multipartBody }, url };
}
