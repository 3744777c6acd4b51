/** The API reference renders what an OpenAPI document says: parameters with their limits, bodies, replies. */
import { describe, expect, it } from 'vitest';
import { apiReference } from './api-reference.js';

describe('apiReference', () => {
  it('lists each operation under its area with parameters, body fields and replies', () => {
    const md = apiReference({
      paths: {
        '/api/pairs': { get: { summary: 'Closest pairs', parameters: [{ name: 'k', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 200 } }], responses: { '200': { content: { 'application/json': { schema: { type: 'object', properties: { pairs: { type: 'array' } } } } } }, '400': { description: 'invalid' } } } },
        '/api/movies/{id}/thumbnail': { get: { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } } } } } },
        '/api/search': { post: { requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['text'], properties: { text: { type: 'string', maxLength: 5000 } } } } } }, responses: {} } },
      },
    });
    expect(md).toContain('## pairs\n\n### GET /api/pairs\n\nClosest pairs');
    expect(md).toContain('| `k` | query | integer | ≥ 1; ≤ 1000; default `200` |');
    expect(md).toContain('| 200 | `application/json` (`pairs`) |');
    expect(md).toContain('| 400 | invalid |');
    expect(md).toContain('| `id` (required) | path | string |  |');
    expect(md).toContain('| 200 | `image/jpeg` |');
    expect(md).toContain('| `text` (required) | string | at most 5000 characters |');
  });
});
