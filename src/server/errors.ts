/** JSON error replies: {"error":{"code","message"}} with a 4xx status for the client's mistakes. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ImageInputError } from '../image/errors.js';
import { QueryError } from '../search/engine.js';
import { StoreError, type StoreErrorKind } from '../store/errors.js';

/** Store errors as HTTP answers: one table, by kind. */
const STORE_STATUS: Record<StoreErrorKind, number> = { unavailable: 503, foreign: 500, schema_newer: 500, missing: 404, busy: 409, not_empty: 409, corrupt: 500 };
const STORE_CODE: Partial<Record<StoreErrorKind, string>> = { busy: 'library_busy' };

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void {
  // Answering before the whole body arrived (auth, size, a bad first part): close the connection,
  // so a client cannot send its next request into the unread rest of this one.
  if (!req.raw.complete) void reply.header('connection', 'close');
  if (err instanceof HttpError) {
    void reply.status(err.status).send({ error: { code: err.code, message: err.message } });
    return;
  }
  if (err instanceof QueryError) {
    void reply.status(400).send({ error: { code: 'bad_query', message: err.message } });
    return;
  }
  if (err instanceof StoreError) {
    const status = STORE_STATUS[err.kind];
    if (status >= 500) req.log.error(err);
    void reply.status(status).send({ error: { code: STORE_CODE[err.kind] ?? err.kind, message: status >= 500 && err.kind !== 'unavailable' ? 'internal error' : err.message } });
    return;
  }
  if (err instanceof ImageInputError) {
    void reply.status(422).send({ error: { code: 'bad_image', message: err.message } });
    return;
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    void reply.status(400).send({ error: { code: 'invalid_request', message: fe.message } });
    return;
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    void reply.status(fe.statusCode).send({ error: { code: fe.code ?? 'bad_request', message: fe.message } });
    return;
  }
  req.log.error(err);
  void reply.status(500).send({ error: { code: 'internal', message: 'internal error' } });
}
