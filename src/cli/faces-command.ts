/**
 * `marquee faces scan`: the faces pass over posters, then stills, not yet scanned by this face
 * model, on its own (`marquee index --faces` runs it after indexing); what the `poster-faces` job
 * runs in a child process, so face detection (tfjs on the main thread) never stalls a serving
 * process. Stored per image: interrupted, it resumes where it stopped.
 */
import { scanFaces } from '../ingest/face-scan.js';
import { scanStillFaces } from '../stills/still-faces.js';
import { FaceModel } from '../models/face-model.js';
import { openExistingLibrary } from './open-library.js';
import { stopOnSignal } from './stop-signal.js';
import { countingProgress, createProgressReporter } from './progress.js';

export async function runFacesScan(opts: { db?: string; json?: boolean }): Promise<number> {
  const library = await openExistingLibrary(opts.db);
  const stop = stopOnSignal();
  const model = await FaceModel.load();
  const reporter = createProgressReporter({ json: false, tty: process.stderr.isTTY === true, label: 'faces' });
  try {
    const problems: string[] = [];
    const summary = await scanFaces(library, model, { shouldStop: stop.requested, onProgress: countingProgress(reporter), onProblem: (file, reason) => void problems.push(`${file}: ${reason}`) });
    reporter.stop();
    const stillsReporter = createProgressReporter({ json: false, tty: process.stderr.isTTY === true, label: 'faces on stills' });
    const stills = stop.requested() ? undefined : await scanStillFaces(library, model, { shouldStop: stop.requested, onProgress: countingProgress(stillsReporter) });
    stillsReporter.stop();
    problems.push(...(stills?.problems ?? []).map((p) => `${p.item}: ${p.reason}`));
    const out = {
      ...summary,
      seconds: Math.round((summary.seconds + (stills?.seconds ?? 0)) * 10) / 10,
      stills: { scanned: stills?.scanned ?? 0, faces: stills?.faces ?? 0, failed: stills?.failed ?? 0 },
      interrupted: stop.requested(),
      problems: problems.slice(0, 20),
    };
    if (opts.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else
      process.stdout.write(
        `faces: ${out.scanned} posters scanned, ${out.faces} faces found, ${out.failed} failed; ${out.stills.scanned} stills scanned, ${out.stills.faces} faces found, ${out.stills.failed} failed; ${out.seconds} s${out.interrupted ? ' (interrupted)' : ''}\n`,
      );
    return out.interrupted ? 130 : 0;
  } finally {
    stop.dispose();
    await library.close();
  }
}
