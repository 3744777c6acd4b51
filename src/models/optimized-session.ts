/**
 * ONNX sessions started from a per-machine cache of optimised graphs.
 *
 * onnxruntime's full graph optimisation (its NCHWc layout transforms among them) runs at every
 * session start: 330–380 ms for MobileNetV2-1.4, paid by every command, job child process and
 * server that loads the image model. The optimised graph, saved once and loaded with optimisation
 * off, starts in 56 ms and runs the same kernels — outputs identical to the last bit, inference
 * 15.5 vs 10.9 ms p50 on a 224×224 image (noise), measured 2026-12-07 (docs/models.md). The
 * saved graph is hardware-specific (onnxruntime warns so), so its name holds a hash of the source
 * file (path, size, modification time), onnxruntime's version, the architecture and the CPU's
 * model and flags; a cached graph that fails to load is made again.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { arch, cpus } from 'node:os';
import { basename, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { modelCacheDir } from './cache-dir.js';

let machine: string | undefined;

/** What the optimised graph depends on besides the source: this machine's CPU and onnxruntime (read once per process). */
function machineKey(): string {
  if (machine !== undefined) return machine;
  let flags = '';
  try {
    flags = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? '';
  } catch {
    // Not Linux: the CPU model names the instruction set closely enough.
  }
  machine = JSON.stringify([ort.env.versions.common, arch(), cpus()[0]?.model ?? '', flags]);
  return machine;
}

/** Removes a file if it is there and can be removed (force alone still throws when a parent is not a folder). */
function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // nothing to remove, or nothing this process may remove
  }
}

/** Where the optimised graph of `file` lives in `cacheDir`. */
export function optimizedGraphPath(file: string, cacheDir: string): string {
  const { size, mtimeMs } = statSync(file);
  const key = createHash('sha256').update(JSON.stringify([file, size, mtimeMs, machineKey()])).digest('hex').slice(0, 16);
  return join(cacheDir, 'optimized', `${basename(file, '.onnx')}-${key}.onnx`);
}

/**
 * A session of the ONNX model in `file` with full optimisation, from the cached optimised graph
 * when there is one (optimisation off), else optimising now and caching the result. `options`
 * must not set graphOptimizationLevel or optimizedModelFilePath.
 */
export async function optimizedSession(file: string, options: ort.InferenceSession.SessionOptions = {}, cacheDir = modelCacheDir()): Promise<ort.InferenceSession> {
  const cached = optimizedGraphPath(file, cacheDir);
  if (existsSync(cached)) {
    try {
      return await ort.InferenceSession.create(cached, { ...options, graphOptimizationLevel: 'disabled' });
    } catch {
      removeQuietly(cached); // damaged or from an onnxruntime that cannot read it: made again below
    }
  }
  const tmp = `${cached}.${process.pid}.tmp`;
  let session: ort.InferenceSession;
  try {
    mkdirSync(join(cacheDir, 'optimized'), { recursive: true });
    // logSeverityLevel 3: the warning that the saved graph is hardware-specific is what the cache key is for.
    session = await ort.InferenceSession.create(file, { ...options, graphOptimizationLevel: 'all', optimizedModelFilePath: tmp, logSeverityLevel: 3 });
    renameSync(tmp, cached); // atomic: a concurrent process never reads a half-written graph
  } catch {
    // A cache that cannot be written (read-only home, full disk) costs the start-up time, nothing else.
    removeQuietly(tmp);
    session = await ort.InferenceSession.create(file, { ...options, graphOptimizationLevel: 'all' });
  }
  return session;
}
