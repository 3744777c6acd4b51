/**
 * Route types come from route schemas (context.ts ApiTypes): params and query are typed by their
 * schemas, and a reply the 200 schema does not describe fails to compile. (TypeScript has no exact
 * types: a reply may carry a field its schema lacks, which the serializer drops — `covering` is
 * what refuses a schema that leaves out a field of the service type it answers with.) The `@ts-expect-error`
 * lines are checked by `tsc -p tsconfig.tests.json` (run before the tests): they fail the build
 * the day a schema stops typing its route. At run time the same route answers as its schema says.
 */
import Fastify from 'fastify';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ApiTypes } from './context.js';
import { covering } from './schemas.js';

interface Poster { id: string; year: number | null }

const posterSchema = covering<Poster>()({ type: 'object', properties: { id: { type: 'string' }, year: { type: ['integer', 'null'] } }, required: ['id', 'year'] } as const);
const params = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;
const query = { type: 'object', properties: { k: { type: 'integer', minimum: 1 } } } as const;

describe('route types from route schemas', () => {
  it('types a request from its schemas and checks the reply against the response schema', async () => {
    const app = Fastify().withTypeProvider<ApiTypes>();
    app.get('/posters/:id', { schema: { params, querystring: query, response: { 200: posterSchema } } }, async (req) => {
      expectTypeOf(req.params.id).toEqualTypeOf<string>();
      expectTypeOf(req.query.k).toEqualTypeOf<number | undefined>();
      const poster: Poster = { id: req.params.id, year: req.query.k ?? null };
      return poster;
    });
    // @ts-expect-error: year must be an integer or null, not a string
    app.get('/wrong-type', { schema: { response: { 200: posterSchema } } }, async () => ({ id: 'a', year: '1979' }));
    // @ts-expect-error: the schema requires id
    app.get('/missing', { schema: { response: { 200: posterSchema } } }, async () => ({ year: 1979 }));
    const scores = { type: 'object', properties: { scores: { type: 'object', additionalProperties: { type: 'number' } } }, required: ['scores'] } as const;
    app.get('/map', { schema: { response: { 200: scores } } }, async () => ({ scores: { content: 0.9 } }));
    // @ts-expect-error: a map's values keep their type (a score is a number)
    app.get('/map-wrong', { schema: { response: { 200: scores } } }, async () => ({ scores: { content: 'high' } }));
    // @ts-expect-error: and the other way: a schema covering Poster must declare every field of it (year)
    covering<Poster>()({ type: 'object', properties: { id: { type: 'string' } } } as const);
    await app.ready();
    try {
      const res = await app.inject({ method: 'GET', url: '/posters/alien?k=1979' });
      expect(res.json()).toEqual({ id: 'alien', year: 1979 });
      expect((await app.inject({ method: 'GET', url: '/posters/alien?k=0' })).statusCode).toBe(400);
    } finally {
      await app.close();
    }
  });
});
