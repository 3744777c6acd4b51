/** Request errors in words a client can act on: validation failures name the field. */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { errorHandler } from './errors.js';

async function appWithRoute() {
  const app = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array' } } });
  app.setErrorHandler(errorHandler);
  app.post('/x', { schema: { body: { type: 'object', additionalProperties: false, properties: { text: { type: 'string' }, k: { type: 'integer' } } } } }, async () => ({ ok: true }));
  await app.ready();
  return app;
}

describe('validation errors', () => {
  it('name an unknown body field instead of "must NOT have additional properties"', async () => {
    const app = await appWithRoute();
    try {
      const res = await app.inject({ method: 'POST', url: '/x', payload: { text: 'alien', limit: 5 } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: { code: 'invalid_request', message: 'body has an unknown field "limit"' } });
      // Other validation errors keep ajv's message.
      const wrongType = await app.inject({ method: 'POST', url: '/x', payload: { k: 'many' } });
      expect(wrongType.statusCode).toBe(400);
      expect(wrongType.json().error.message).toMatch(/k must be integer/);
      expect((await app.inject({ method: 'POST', url: '/x', payload: { text: 'alien', k: 3 } })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
