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
  object_missing: { status: 404, code: 'object_missing' },
  object_storage: { status: 502, code: 'object_storage' },
};

/** The most of a refused request's unread body the server reads and drops before replying (two uploads and their fields). */
const DRAIN_BYTES = 32 * 1024 * 1024;
/** …and how long it waits for it. */
const DRAIN_MS = 10_000;

/**
 * Reads and drops the rest of a request body the reply will not use, up to `limit` bytes and
 * `ms` milliseconds; true when the body ended. A client still sending its upload when the server
 * refuses it (no token, too large) gets the refusal only if its body is read: Node 24's fetch
 * reports "fetch failed" when the connection closes under an unfinished body, where Node 20's
 * read the reply (measured by test/e2e/api-contract.test.ts on 24.22.3).
 */
export function drainBody(raw: FastifyRequest['raw'], limit = DRAIN_BYTES, ms = DRAIN_MS): Promise<boolean> {
  if (raw.complete || raw.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    let seen = 0;
    const finish = (ended: boolean) => {
      clearTimeout(timer);
      raw.off('data', onData).off('end', onEnd).off('error', onFail).off('close', onFail);
      resolve(ended);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) finish(false);
    };
    const onEnd = () => finish(true);
    const onFail = () => finish(raw.complete);
    const timer = setTimeout(() => finish(false), ms);
    raw.on('data', onData).on('end', onEnd).on('error', onFail).on('close', onFail);
    raw.resume();
  });
}

export async function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  // Answering before the whole body arrived (auth, size, a bad first part): its rest is read and
  // dropped first; past the limit the connection closes, so a client cannot send its next request
  // into the unread rest of this one.
  if (!req.raw.complete && !(await drainBody(req.raw))) void reply.header('connection', 'close');
  if (err instanceof HttpError) return reply.status(err.status).send({ error: { code: err.code, message: err.message } });
  if (err instanceof MarqueeError) {
    const { status, code } = STATUS_OF[err.kind];
    if (status >= 500) req.log.error(err);
    // Server-side faults keep their details in the log, not in the reply.
    return reply.status(status).send({ error: { code, message: status >= 500 && err.kind !== 'unavailable' ? 'internal error' : err.message } });
  }
  const fe = err as FastifyError;
  if (fe.validation) return reply.status(400).send({ error: { code: 'invalid_request', message: validationMessage(fe) } });
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return reply.status(fe.statusCode).send({ error: { code: fe.code ?? 'bad_request', message: fe.message } });
  req.log.error(err);
  return reply.status(500).send({ error: { code: 'internal', message: 'internal error' } });
}

/** A schema validation failure in words that name what to fix: an unknown field by its name (ajv's own says only "must NOT have additional properties"). */
export function validationMessage(fe: Pick<FastifyError, 'message' | 'validation' | 'validationContext'>): string {
  const unknown = (fe.validation ?? []).filter((v) => v.keyword === 'additionalProperties').map((v) => String((v.params as { additionalProperty?: unknown }).additionalProperty));
  if (unknown.length === 0) return fe.message;
  const where = fe.validationContext ?? 'body';
  return `${where} has ${unknown.length === 1 ? 'an unknown field' : 'unknown fields'} ${unknown.map((f) => `"${f}"`).join(', ')}`;
}
