/** Multipart uploads: at most two images and a few text fields, bounded in size; image type is sniffed from bytes later (sharp). */
import type { FastifyRequest } from 'fastify';
import type { Multipart } from '@fastify/multipart';
import { HttpError } from './errors.js';

export const MAX_UPLOAD_BYTES = 15 * 1024 * 1024;

export interface Upload {
  files: Map<string, { bytes: Buffer; filename: string }>;
  fields: Map<string, string>;
}

export async function readUpload(req: FastifyRequest, allowedFiles: string[]): Promise<Upload> {
  if (!req.isMultipart()) throw new HttpError(415, 'not_multipart', 'send the image as multipart/form-data');
  const files = new Map<string, { bytes: Buffer; filename: string }>();
  const fields = new Map<string, string>();
  try {
    for await (const part of req.parts({ limits: { fileSize: MAX_UPLOAD_BYTES, files: 2, fields: 20, fieldSize: 10_000 } })) await take(part);
  } catch (err) {
    // The multipart parser's own errors (no boundary, cut-off body) are the client's mistake.
    if (err instanceof HttpError || (err as { statusCode?: number }).statusCode) throw err;
    throw new HttpError(400, 'bad_multipart', `malformed multipart body: ${(err as Error).message}`);
  }
  return { files, fields };

  async function take(part: Multipart): Promise<void> {
    if (part.type === 'file') {
      if (!allowedFiles.includes(part.fieldname)) throw new HttpError(400, 'unexpected_file', `unexpected file field "${part.fieldname}" (expected ${allowedFiles.join(', ')})`);
      const bytes = await part.toBuffer();
      if (part.file.truncated) throw new HttpError(413, 'too_large', `${part.fieldname} is over ${MAX_UPLOAD_BYTES} bytes`);
      // Never trust the client's name: it is only used in messages, stripped of any path.
      files.set(part.fieldname, { bytes, filename: (part.filename || part.fieldname).replace(/^.*[\\/]/, '').slice(0, 100) });
    } else {
      fields.set(part.fieldname, String(part.value));
    }
  }
}

/** The uploaded file of this field, or a 400 naming the field. */
export function requireFile(upload: Upload, field: string): { bytes: Buffer; filename: string } {
  const file = upload.files.get(field);
  if (!file) throw new HttpError(400, `missing_${field}`, `the "${field}" file field is required`);
  return file;
}

export function numberField(fields: Map<string, string>, name: string, min: number, max: number, integer = false): number | undefined {
  const v = fields.get(name);
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))
    throw new HttpError(400, 'invalid_field', `${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  return n;
}

export function listField(fields: Map<string, string>, name: string): string[] | undefined {
  const v = fields.get(name);
  if (!v) return undefined;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}
