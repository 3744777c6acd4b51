/**
 * Images in S3-compatible object storage (AWS S3, MinIO, Ceph, Cloudflare R2), named by a
 * catalog as `s3://bucket/key` and read with the AWS SDK v3, so several servers and indexers
 * share one collection without a shared disk.
 *
 * Credentials and region come from the SDK's usual sources (AWS_ACCESS_KEY_ID and friends, the
 * shared config files, an instance role). A store other than AWS is named by the SDK's own
 * endpoint variables, AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, and then addressed path-style
 * (bucket in the path: what MinIO, Ceph and the test server expect; MARQUEE_S3_PATH_STYLE=0 turns
 * it off), in region us-east-1 unless AWS_REGION says otherwise. Requests are retried by the SDK
 * (standard mode with backoff, MARQUEE_S3_ATTEMPTS attempts, default 4). An object's body is
 * streamed: readObject stops at MAX_OBJECT_BYTES without holding more, objectStream hands the
 * stream on (the server pipes a poster to its client). Uploads (a poster posted to the API) are
 * written as objects when the uploads folder is a bucket prefix (MARQUEE_UPLOADS=s3://bucket/prefix),
 * so every server on a shared PostgreSQL library can serve them.
 */
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { MarqueeError } from '../util/errors.js';
import { DEFAULT_LIMITS } from './decode.js';

/** The largest image read from a bucket: what decoding accepts at all (decode.ts), so a larger object is refused before its body is read. */
export const MAX_OBJECT_BYTES = DEFAULT_LIMITS.maxBytes;

const SCHEME = 's3://';

export interface ObjectLocation {
  bucket: string;
  key: string;
}

export const isObjectLocation = (location: string): boolean => location.startsWith(SCHEME);

/** `s3://bucket/key` split, or an error saying what is wrong with it. */
export function parseObjectLocation(location: string): ObjectLocation {
  const rest = location.slice(SCHEME.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? '' : rest.slice(slash + 1);
  // Bucket names: 3–63 lower-case letters, digits, dots and hyphens (the rule all these stores share).
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new Error(`${location}: "${bucket}" is not a bucket name (3–63 lower-case letters, digits, dots, hyphens)`);
  if (!key || key.endsWith('/')) throw new Error(`${location} names no object (s3://bucket/key)`);
  if (key.includes('\0')) throw new Error(`${location} contains a NUL byte`);
  return { bucket, key };
}

let client: S3Client | undefined;

/** MARQUEE_S3_ATTEMPTS: how many times a read is tried (default 4). */
function s3Attempts(): number {
  const n = Number(process.env.MARQUEE_S3_ATTEMPTS ?? 4);
  return Number.isInteger(n) && n > 0 ? n : 4;
}

/** One client per process, configured from the environment when first needed. */
function s3(): S3Client {
  if (client) return client;
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL || undefined;
  client = new S3Client({
    ...(endpoint ? { endpoint, forcePathStyle: process.env.MARQUEE_S3_PATH_STYLE !== '0' } : {}),
    ...(endpoint && !process.env.AWS_REGION && !process.env.AWS_DEFAULT_REGION ? { region: 'us-east-1' } : {}),
    maxAttempts: s3Attempts(),
    retryMode: 'standard',
  });
  return client;
}

/** A failed read, with a kind (missing, or the store failed) and a reason a person can act on. */
export class ObjectStorageError extends MarqueeError {
  constructor(kind: 'object_missing' | 'object_storage', message: string) {
    super(kind, message);
    this.name = 'ObjectStorageError';
  }
}

const failed = (message: string) => new ObjectStorageError('object_storage', message);

function reason(location: string, err: unknown): ObjectStorageError {
  if (err instanceof S3ServiceException) {
    const status = err.$metadata.httpStatusCode;
    if (err.name === 'NoSuchKey' || err.name === 'NotFound') return new ObjectStorageError('object_missing', `object ${location} does not exist`);
    if (err.name === 'NoSuchBucket') return new ObjectStorageError('object_missing', `bucket of ${location} does not exist`);
    if (status === 403 || err.name === 'AccessDenied' || err.name === 'InvalidAccessKeyId' || err.name === 'SignatureDoesNotMatch')
      return failed(`access to ${location} denied (${err.name}: check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the bucket's policy)`);
    return failed(`cannot read ${location} (${err.name}${status ? `, HTTP ${status}` : ''})`);
  }
  const e = err as Error & { code?: string };
  if (e.message === 'Region is missing') return failed(`cannot read ${location}: no region (set AWS_REGION)`);
  if (e.name === 'CredentialsProviderError') return failed(`cannot read ${location}: no credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)`);
  return failed(`cannot reach object storage for ${location} (${e.code ?? e.message})`);
}

/** The object's body as a stream, with its length and type when the store says. */
export async function objectStream(location: string): Promise<{ stream: Readable; length?: number; contentType?: string }> {
  const { bucket, key } = parseObjectLocation(location);
  try {
    const out = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return { stream: out.Body as Readable, ...(out.ContentLength !== undefined ? { length: out.ContentLength } : {}), ...(out.ContentType ? { contentType: out.ContentType } : {}) };
  } catch (err) {
    throw reason(location, err);
  }
}

/** A body that broke off while it was read (a reset connection): worth asking again, unlike an object too large. */
class BodyBrokeOff extends Error {}

/** The object's body, whole, refused past `maxBytes` without reading further. */
async function readBody(location: string, maxBytes: number): Promise<Buffer> {
  const { stream, length } = await objectStream(location);
  const tooLarge = () => failed(`object ${location} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`);
  if (length !== undefined && length > maxBytes) {
    stream.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) break;
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    throw new BodyBrokeOff((err as Error).message);
  }
  if (size > maxBytes) {
    stream.destroy();
    throw tooLarge();
  }
  return Buffer.concat(chunks, size);
}

/**
 * The whole object (an image to decode and hash). The SDK retries a request; a body that breaks
 * off while streaming is asked for again here, with the same number of attempts and backoff.
 */
export async function readObject(location: string, maxBytes = MAX_OBJECT_BYTES): Promise<Buffer> {
  const attempts = s3Attempts();
  for (let attempt = 1; ; attempt++) {
    try {
      return await readBody(location, maxBytes);
    } catch (err) {
      if (!(err instanceof BodyBrokeOff)) throw err;
      if (attempt >= attempts) throw failed(`cannot read ${location}: the connection broke off ${attempts} times (${err.message})`);
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }
}

/** A location under a prefix (`s3://bucket/prefix` + name), for uploads written into a bucket. */
export const objectUnder = (prefix: string, name: string): string => `${prefix.replace(/\/+$/, '')}/${name}`;

/** Writes an object (an upload), whole: the SDK retries it like a read. */
export async function writeObject(location: string, bytes: Buffer, contentType: string): Promise<void> {
  const { bucket, key } = parseObjectLocation(location);
  try {
    await s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType }));
  } catch (err) {
    throw reason(location, err);
  }
}

/** Deletes an object (an upload no poster uses any more); deleting one already gone is not an error. */
export async function deleteObject(location: string): Promise<void> {
  const { bucket, key } = parseObjectLocation(location);
  try {
    await s3().send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  } catch (err) {
    throw reason(location, err);
  }
}
