/**
 * A film's shots in the formats editors and researchers load: CSV (one row per shot), a CMX 3600
 * EDL and an OpenTimelineIO timeline (JSON), the same from the CLI (`marquee shots --format`) and
 * the film page (built in the browser from the film it shows, so this module imports no Node API).
 *
 * Times become frames at the video's own rate, rounded to the nearest frame; the EDL counts them in
 * non-drop-frame timecode on the rate rounded to a whole number (23.976 → 24), as NTSC material is
 * conventionally listed. The record side starts at 01:00:00:00, the usual programme start. Every shot
 * is a cut event: the analysis keeps where a dissolve or fade was (the cut is at its middle) but not
 * how long it lasted, so a gradual transition is written as a comment (EDL) or in the clip's metadata
 * (OTIO), never as an invented dissolve length. The OTIO document uses Clip.1 (a single
 * `media_reference`), which every OTIO release reads (0.15+ upgrades it to Clip.2).
 */
import { csvTable } from '../util/csv.js';
import type { FilmView } from './service.js';

export const SHOT_EXPORT_FORMATS = ['csv', 'edl', 'otio'] as const;
export type ShotExportFormat = (typeof SHOT_EXPORT_FORMATS)[number];

/** What the export needs of a film: its shots, the video's rate, where it came from and its name. */
export type ExportableFilm = Pick<FilmView, 'shots' | 'video' | 'source' | 'movie' | 'duration'>;

const seconds = (x: number): number => Math.round(x * 1000) / 1000;

/** One row per shot: number, start/end/length in seconds, transition in, keyframe, mean colour, scale. */
export function shotsCsv(film: ExportableFilm): string {
  const rows = film.shots.map((s, i) => ({
    shot: i + 1,
    start: seconds(s.start),
    end: seconds(s.end),
    length: seconds(s.end - s.start),
    transition: s.transition,
    keyframe: seconds(s.keyframe),
    color: s.color,
    scale: s.scale ?? '',
  }));
  return csvTable(rows, ['shot', 'start', 'end', 'length', 'transition', 'keyframe', 'color', 'scale']);
}

/** Shots as whole frames at the video's rate: contiguous, none empty (a shot rounding to no frame is dropped). */
export function shotFrames(film: ExportableFilm): { index: number; from: number; to: number }[] {
  const fps = film.video.fps;
  const out: { index: number; from: number; to: number }[] = [];
  for (const [index, s] of film.shots.entries()) {
    const from = Math.round(s.start * fps);
    const to = Math.round(s.end * fps);
    if (to > from) out.push({ index, from, to });
  }
  return out;
}

/** Non-drop-frame timecode hh:mm:ss:ff of a frame count at a whole-number timebase. */
export function timecode(frames: number, timebase: number): string {
  const ff = frames % timebase;
  const totalSeconds = Math.floor(frames / timebase);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(totalSeconds / 3600))}:${pad(Math.floor(totalSeconds / 60) % 60)}:${pad(totalSeconds % 60)}:${pad(ff)}`;
}

const title = (film: ExportableFilm): string => (film.movie ? film.movie.title : baseName(film.source));

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/** EDL text is ASCII in practice: accents folded, anything else replaced, no line breaks. */
function edlText(s: string): string {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '?');
}

/** A CMX 3600 edit decision list: one cut event per shot on reel AX (a file source), named by the file. */
export function shotsEdl(film: ExportableFilm): string {
  const timebase = Math.max(1, Math.round(film.video.fps));
  const recordStart = 3600 * timebase;
  const digits = Math.max(3, String(film.shots.length).length);
  const clip = edlText(baseName(film.source));
  const lines = [`TITLE: ${edlText(title(film)).slice(0, 70)}`, 'FCM: NON-DROP FRAME', ''];
  let record = recordStart;
  for (const [n, f] of shotFrames(film).entries()) {
    const shot = film.shots[f.index]!;
    const length = f.to - f.from;
    const event = String(n + 1).padStart(digits, '0');
    lines.push(`${event}  AX       V     C        ${timecode(f.from, timebase)} ${timecode(f.to, timebase)} ${timecode(record, timebase)} ${timecode(record + length, timebase)}`);
    lines.push(`* FROM CLIP NAME: ${clip}`);
    const notes = [`shot ${f.index + 1}`, `colour ${shot.color}`, ...(shot.scale ? [shot.scale] : []), ...(shot.transition === 'cut' ? [] : [`begins with a ${shot.transition} (cut at its middle)`])];
    lines.push(`* COMMENT: ${notes.join(', ')}`);
    lines.push('');
    record += length;
  }
  return `${lines.join('\n')}\n`;
}

interface RationalTime {
  OTIO_SCHEMA: 'RationalTime.1';
  rate: number;
  value: number;
}
interface TimeRange {
  OTIO_SCHEMA: 'TimeRange.1';
  start_time: RationalTime;
  duration: RationalTime;
}

const rational = (value: number, rate: number): RationalTime => ({ OTIO_SCHEMA: 'RationalTime.1', rate, value });
const range = (from: number, length: number, rate: number): TimeRange => ({ OTIO_SCHEMA: 'TimeRange.1', start_time: rational(from, rate), duration: rational(length, rate) });

/** A file path as a URL (OTIO's target_url): absolute paths as file:// URLs, anything else as given. */
export function mediaUrl(source: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) return source;
  if (source.startsWith('/')) return `file://${source.split('/').map(encodeURIComponent).join('/')}`;
  return source;
}

/** An OpenTimelineIO timeline (JSON): one video track, one clip per shot of the source file. */
export function shotsOtio(film: ExportableFilm): string {
  const rate = film.video.fps;
  const available = range(0, Math.round(film.duration * rate), rate);
  const clips = shotFrames(film).map((f) => {
    const shot = film.shots[f.index]!;
    return {
      OTIO_SCHEMA: 'Clip.1',
      name: `Shot ${f.index + 1}`,
      source_range: range(f.from, f.to - f.from, rate),
      effects: [],
      markers: [],
      enabled: true,
      metadata: { marquee: { transition: shot.transition, keyframe: seconds(shot.keyframe), color: shot.color, ...(shot.scale ? { scale: shot.scale } : {}) } },
      media_reference: { OTIO_SCHEMA: 'ExternalReference.1', name: baseName(film.source), target_url: mediaUrl(film.source), available_range: available, metadata: {} },
    };
  });
  const timeline = {
    OTIO_SCHEMA: 'Timeline.1',
    name: title(film),
    global_start_time: null,
    metadata: { marquee: { movie: film.movie?.id ?? null, source: film.source, fps: rate } },
    tracks: {
      OTIO_SCHEMA: 'Stack.1',
      name: 'tracks',
      source_range: null,
      effects: [],
      markers: [],
      enabled: true,
      metadata: {},
      children: [{ OTIO_SCHEMA: 'Track.1', name: 'Shots', kind: 'Video', source_range: null, effects: [], markers: [], enabled: true, metadata: {}, children: clips }],
    },
  };
  return `${JSON.stringify(timeline, null, 2)}\n`;
}

const MEDIA_TYPES: Record<ShotExportFormat, string> = { csv: 'text/csv', edl: 'text/plain', otio: 'application/json' };
const WRITERS: Record<ShotExportFormat, (film: ExportableFilm) => string> = { csv: shotsCsv, edl: shotsEdl, otio: shotsOtio };

/** The file a download of the export is saved as, and its media type. */
export function shotExportFile(film: ExportableFilm, format: ShotExportFormat): { fileName: string; type: string } {
  const stem = `${(film.movie?.id ?? baseName(film.source).replace(/\.[^.]+$/, '')).replace(/[^\w.-]+/g, '_')}-shots`;
  return { fileName: `${stem}.${format}`, type: MEDIA_TYPES[format] };
}

/** The export in one format, with the file name and media type a download needs. */
export function exportShots(film: ExportableFilm, format: ShotExportFormat): { body: string; fileName: string; type: string } {
  return { body: WRITERS[format](film), ...shotExportFile(film, format) };
}
