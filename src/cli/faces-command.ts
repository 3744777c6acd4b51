/**
 * `marquee faces scan`: the faces pass over posters not yet scanned by this face model, on its own
 * (`marquee index --faces` runs it after indexing); what the `poster-faces` job runs in a child
 * process, so face detection (tfjs on the main thread) never stalls a serving process. Stored per
 * poster: interrupted, it resumes where it stopped.
 */
import { scanFaces } from '../ingest/face-scan.js';
import { FaceModel } from '../models/face-model.js';
import { openExistingLibrary } from './open-library.js';
import { countingProgress, createProgressReporter } from './progress.js';

export async function runFacesScan(opts: { db?: string; json?: boolean }): Promise<number> {
  const library = await openExistingLibrary(opts.db);
  let stop = false;
  const onSignal = (): void => void (stop = true);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const model = await FaceModel.load();
  const reporter = createProgressReporter({ json: false, tty: process.stderr.isTTY === true, label: 'faces' });
  try {
    const problems: string[] = [];
    const summary = await scanFaces(library, model, { shouldStop: () => stop, onProgress: countingProgress(reporter), onProblem: (file, reason) => void problems.push(`${file}: ${reason}`) });
    reporter.stop();
    const out = { ...summary, seconds: Math.round(summary.seconds * 10) / 10, interrupted: stop, problems: problems.slice(0, 20) };
    if (opts.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else process.stdout.write(`faces: ${out.scanned} posters scanned in ${out.seconds} s, ${out.faces} faces found, ${out.failed} failed${stop ? ' (interrupted)' : ''}\n`);
    return stop ? 130 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await library.close();
  }
}
