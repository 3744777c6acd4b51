/**
 * docs/api.md, rendered from the server's OpenAPI document, so the reference cannot drift from
 * the routes: test/e2e/api-contract.test.ts fails when the page differs from what the running
 * server documents, and `npm run docs:api -- <library>` rewrites it (the server needs an indexed
 * library to start). A pure function of the document: nothing here starts a server.
 */

interface Schema {
  type?: string | string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  default?: unknown;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  format?: string;
  nullable?: boolean;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

interface Operation {
  summary?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeOf(s: Schema | undefined): string {
  if (!s) return '';
  const base = Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'object');
  if (base === 'array' && s.items) return `array of ${typeOf(s.items)}`;
  return s.format === 'binary' ? 'file' : `${base}${s.nullable ? ' or null' : ''}`;
}

function constraints(s: Schema | undefined): string {
  if (!s) return '';
  const parts = [
    ...(s.enum ? [`one of ${s.enum.map((v) => `\`${String(v)}\``).join(', ')}`] : []),
    ...(s.minimum !== undefined ? [`≥ ${s.minimum}`] : []),
    ...(s.maximum !== undefined ? [`≤ ${s.maximum}`] : []),
    ...(s.maxLength !== undefined ? [`at most ${s.maxLength} characters`] : []),
    ...(s.default !== undefined ? [`default \`${JSON.stringify(s.default)}\``] : []),
  ];
  return parts.join('; ');
}

function fields(s: Schema | undefined): string {
  const props = s?.properties ? Object.keys(s.properties) : s?.items?.properties ? Object.keys(s.items.properties) : [];
  if (!props.length) return '';
  return `${s?.items ? 'items: ' : ''}${props.map((p) => `\`${p}\``).join(', ')}`;
}

function operationSection(method: string, path: string, op: Operation): string[] {
  const out = [`### ${method.toUpperCase()} ${path}`, '', ...(op.summary ? [op.summary, ''] : [])];
  const params = op.parameters ?? [];
  if (params.length) {
    out.push('| parameter | in | type | |', '|---|---|---|---|');
    for (const p of params) out.push(`| \`${p.name}\`${p.required ? ' (required)' : ''} | ${p.in} | ${typeOf(p.schema)} | ${cell([p.description ?? p.schema?.description, constraints(p.schema)].filter(Boolean).join('; '))} |`);
    out.push('');
  }
  if (op.requestBody) {
    for (const [type, media] of Object.entries(op.requestBody.content)) {
      const body = media.schema;
      const props = Object.entries(body?.properties ?? {});
      out.push(`Body (\`${type}\`)${props.length ? ':' : ''}`, '');
      if (props.length) {
        out.push('| field | type | |', '|---|---|---|');
        for (const [name, s] of props) out.push(`| \`${name}\`${body?.required?.includes(name) ? ' (required)' : ''} | ${typeOf(s)} | ${cell([s.description, constraints(s)].filter(Boolean).join('; '))} |`);
      }
      out.push('');
    }
  }
  const responses = Object.entries(op.responses ?? {});
  if (responses.length) {
    out.push('| status | reply |', '|---|---|');
    for (const [status, r] of responses) {
      const media = Object.entries(r.content ?? {});
      const what = media.length ? media.map(([type, m]) => `\`${type}\`${type === 'application/json' && fields(m.schema) ? ` (${fields(m.schema)})` : ''}`).join(', ') : (r.description ?? '');
      out.push(`| ${status} | ${cell(what)} |`);
    }
    out.push('');
  }
  return out;
}

/** The reference as markdown: every operation with its parameters, body and replies, grouped by area. */
export function apiReference(doc: OpenApiDocument): string {
  const lines = [
    '# HTTP API reference',
    '',
    'Rendered from the OpenAPI document the server serves at `/api/openapi.json` (`npm run docs:api -- <library>`; `test/e2e/api-contract.test.ts` fails when this page is stale, and checks every reply against the same document). [http-api.md](http-api.md) explains errors, limits and access.',
    '',
  ];
  const byArea = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    const area = path.split('/')[2] ?? '';
    for (const [method, op] of Object.entries(ops)) byArea.set(area, [...(byArea.get(area) ?? []), ...operationSection(method, path, op)]);
  }
  for (const [area, section] of byArea) lines.push(`## ${area}`, '', ...section);
  return `${lines.join('\n').trimEnd()}\n`;
}
