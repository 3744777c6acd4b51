/** `marquee shots <movie id | video file>`: a film's shots and cutting rhythm (a video file is analysed without indexing it). */
import { existsSync, statSync } from 'node:fs';
import { analyseFile, FilmService, type FilmView } from '../films/service.js';
import { exportShots, type ShotExportFormat } from '../films/shot-export.js';
import { openExistingLibrary } from './open-library.js';

export async function runShotsCommand(target: string, opts: { db?: string; json?: boolean; format?: ShotExportFormat }): Promise<number> {
  let film: FilmView;
  if (existsSync(target) && statSync(target).isFile()) film = await analyseFile(target);
  else {
    const library = await openExistingLibrary(opts.db);
    try {
      film = await new FilmService(library).film(target);
    } finally {
      await library.close();
    }
  }
  if (opts.format) {
    process.stdout.write(exportShots(film, opts.format).body);
    return 0;
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(film)}\n`);
    return 0;
  }
  const out = process.stdout;
  out.write(`${film.movie ? `${film.movie.title} (${film.movie.id})` : film.source}: ${film.shotCount} shots in ${film.duration.toFixed(1)} s; average shot ${film.asl.toFixed(2)} s, median ${film.medianShotLength.toFixed(2)} s\n`);
  out.write(`shot lengths: ${film.shotLengths.map((b) => `${b.from}${b.to === null ? '+' : `–${b.to}`} s: ${b.count}`).join(', ')}\n`);
  for (const [i, s] of film.shots.entries()) out.write(`${String(i + 1).padStart(4)}  ${s.start.toFixed(2).padStart(8)} – ${s.end.toFixed(2).padStart(8)}  ${s.transition.padEnd(8)} ${s.color}${s.scale ? `  ${s.scale}` : ''}\n`);
  for (const e of film.errors) process.stderr.write(`  decoding: ${e}\n`);
  return 0;
}
