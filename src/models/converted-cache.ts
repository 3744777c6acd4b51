/**
 * Bundled models are converted to ONNX once and cached on disk, keyed by model id and version
 * (source package version + converter version), so a new release of either converts again.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Returns the path of the cached ONNX file, running `convert` first when it is missing. */
export function cachedConversion(cacheDir: string, id: string, version: string, convert: () => Uint8Array): string {
  const file = join(cacheDir, `${id}-${version.replace(/[^a-zA-Z0-9.@-]+/g, '_')}.onnx`);
  if (existsSync(file)) return file;
  const bytes = convert();
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file); // atomic: concurrent processes never read a half-written model
  return file;
}
