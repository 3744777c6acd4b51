/**
 * JSON error replies: {"error":{"code","message"}}. Every error Marquee raises has a kind
 * (util/errors.ts); this file's one table turns kinds into HTTP statuses. HttpError is for
 * what only the HTTP layer knows (a missing form field, a bad multipart body).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { MarqueeError, type ErrorKind } from '../util/errors.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The HTTP status of each kind of error, and the code the reply carries. */
export const STATUS_OF: Record<ErrorKind, { status: number; code: string }> = {
  bad_query: { status: 400, code: 'bad_query' },
  bad_image: { status: 422, code: 'bad_image' },
  unknown_model: { status: 400, code: 'unknown_model' },
  invalid_movie: { status: 400, code: 'invalid_movie' },
  unknown_movie: { status: 404, code: 'not_found' },
  unknown_job: { status: 404, code: 'not_found' },
  unknown_poster: { status: 404, code: 'not_found' },
  no_stills: { status: 409, code: 'no_stills' },
  bad_video: { status: 422, code: 'bad_video' },
  no_shots: { status: 409, code: 'no_shots' },
  tool_missing: { status: 503, code: 'tool_missing' },
  no_genre_model: { status: 409, code: 'no_genre_model' },
  busy: { status: 409, code: 'library_busy' },
  not_empty: { status: 409, code: 'not_empty' },
  missing: { status: 404, code: 'no_library' },
  unavailable: { status: 503, code: 'unavailable' },
  foreign: { status: 500, code: 'internal' },
  schema_newer: { status: 500, code: 'internal' },
  corrupt: { status: 500, code: 'internal' },
};

export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void {
  // Answering before the whole body arrived (auth, size, a bad first part): close the connection,
  // so a client cannot send its next request into the unread rest of this one.
  if (!req.raw.complete) void reply.header('connection', 'close');
  if (err instanceof HttpError) {
    void reply.status(err.status).send({ error: { code: err.code, message: err.message } });
    return;
  }
  if (err instanceof MarqueeError) {
    const { status, code } = STATUS_OF[err.kind];
    if (status >= 500) req.log.error(err);
    // Server-side faults keep their details in the log, not in the reply.
    void reply.status(status).send({ error: { code, message: status >= 500 && err.kind !== 'unavailable' ? 'internal error' : err.message } });
    return;
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    void reply.status(400).send({ error: { code: 'invalid_request', message: validationMessage(fe) } });
    return;
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    void reply.status(fe.statusCode).send({ error: { code: fe.code ?? 'bad_request', message: fe.message } });
    return;
  }
  req.log.error(err);
  void reply.status(500).send({ error: { code: 'internal', message: 'internal error' } });
}

/** A schema validation failure in words that name what to fix: an unknown field by its name (ajv's own says only "must NOT have additional properties"). */
export function validationMessage(fe: Pick<FastifyError, 'message' | 'validation' | 'validationContext'>): string {
  const unknown = (fe.validation ?? []).filter((v) => v.keyword === 'additionalProperties').map((v) => String((v.params as { additionalProperty?: unknown }).additionalProperty));
  if (unknown.length === 0) return fe.message;
  const where = fe.validationContext ?? 'body';
  return `${where} has ${unknown.length === 1 ? 'an unknown field' : 'unknown fields'} ${unknown.map((f) => `"${f}"`).join(', ')}`;
}
