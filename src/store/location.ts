/** Where a library lives: a SQLite file path, or a postgres:// URL (whose password never reaches a message). */

export function defaultLocation(): string {
  return process.env.MARQUEE_DB || './marquee.db';
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** A URL with its password hidden, for messages and logs. */
export function redactLocation(location: string): string {
  if (!isPostgresUrl(location)) return location;
  try {
    const u = new URL(location);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return location.replace(/:[^:@/]*@/, ':***@');
  }
}
