/** JSON error replies: {"error":{"code","message"}} with a 4xx status for the client's mistakes. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ImageInputError } from '../image/errors.js';
import { QueryError } from '../search/engine.js';

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
