/**
 * Who may do what. Mutating routes (ingest, delete, re-train, atlas rebuild) always need the
 * token in an `Authorization: Bearer …` header and are disabled when no token is configured.
 * Read routes are public by default, or need the token (header, or the `marquee_token`
 * cookie the web UI sets) with `readAccess: 'token'`. The cookie never authorises a mutation,
 * so a page elsewhere cannot make a logged-in browser change the library (no CSRF).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

export type ReadAccess = 'public' | 'token';

export interface AccessConfig {
  /** The shared secret; undefined disables every mutating route. */
  token?: string;
  readAccess: ReadAccess;
  /** Origins allowed by CORS; empty = CORS off (browsers only allow same-origin calls). */
  corsOrigins: string[];
}

export const MIN_TOKEN_LENGTH = 16;
export const TOKEN_COOKIE = 'marquee_token';

/** Reads MARQUEE_TOKEN, MARQUEE_READ_ACCESS (public|token) and MARQUEE_CORS_ORIGINS (comma list). */
export function accessConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AccessConfig {
  const token = env.MARQUEE_TOKEN?.trim() || undefined;
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) throw new Error(`MARQUEE_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters (e.g. openssl rand -hex 24)`);
  const readAccess = (env.MARQUEE_READ_ACCESS?.trim() || 'public') as ReadAccess;
  if (readAccess !== 'public' && readAccess !== 'token') throw new Error(`MARQUEE_READ_ACCESS must be "public" or "token", not "${env.MARQUEE_READ_ACCESS}"`);
  if (readAccess === 'token' && !token) throw new Error('MARQUEE_READ_ACCESS=token needs MARQUEE_TOKEN');
  const corsOrigins = (env.MARQUEE_CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const o of corsOrigins) if (o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o)) throw new Error(`MARQUEE_CORS_ORIGINS: "${o}" is not an origin like https://example.org`);
  return { token, readAccess, corsOrigins };
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time comparison; hashing first makes the time independent of the lengths too. */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digest(given), digest(expected));
}

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : undefined;
}

function cookieToken(req: FastifyRequest): string | undefined {
  const raw = req.headers.cookie;
  if (!raw) return undefined;
  for (const part of raw.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === TOKEN_COOKIE) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Throws 401/403 unless the request may use a mutating route. */
export function requireWriteAccess(config: AccessConfig, req: FastifyRequest): void {
  if (!config.token) throw new HttpError(403, 'writes_disabled', 'changing the library over HTTP is disabled: start the server with MARQUEE_TOKEN set');
  const given = bearer(req);
  if (given === undefined) throw new HttpError(401, 'unauthorized', 'this route needs "Authorization: Bearer <MARQUEE_TOKEN>"');
  if (!tokenMatches(given, config.token)) throw new HttpError(401, 'unauthorized', 'wrong token');
}

/** Throws 401 when reads are token-protected and the request has no valid token. */
export function requireReadAccess(config: AccessConfig, req: FastifyRequest): void {
  if (config.readAccess === 'public' || !config.token) return;
  const given = bearer(req) ?? cookieToken(req);
  if (!tokenMatches(given, config.token)) throw new HttpError(401, 'unauthorized', 'this server needs a token for reads: send "Authorization: Bearer <token>"');
}
