/**
 * Shot exports read back: the EDL by a strict CMX 3600 event reader written here from the format
 * (event, reel, track, transition, source in/out, record in/out), the OTIO timeline validated against
 * a JSON Schema of the OpenTimelineIO classes it uses (fields as OTIO's serialized-schema document
 * lists them), the CSV by csv-parse.
 */
import { parse } from 'csv-parse/sync';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { exportShots, mediaUrl, shotFrames, shotsCsv, shotsEdl, shotsOtio, timecode, type ExportableFilm } from './shot-export.js';

const film = (fps: number, cuts: number[], extra: Partial<ExportableFilm> = {}): ExportableFilm => {
  const bounds = [0, ...cuts];
  const duration = cuts[cuts.length - 1]!;
  return {
    video: { width: 640, height: 360, fps, duration },
    duration,
    source: '/films/The Film (1999).mp4',
    movie: { id: 'tt0000001', title: 'Amélie: une “histoire”' },
    shots: bounds.slice(0, -1).map((start, i) => ({
      start,
      end: bounds[i + 1]!,
      transition: i === 2 ? 'dissolve' : i === 3 ? 'fade' : 'cut',
      keyframe: (start + bounds[i + 1]!) / 2,
      color: '#20304a',
      ...(i === 1 ? { scale: 'close-up' as const } : {}),
    })),
    ...extra,
  };
};

interface EdlEvent {
  event: number;
  reel: string;
  sourceIn: string;
  sourceOut: string;
  recordIn: string;
  recordOut: string;
  clip: string | null;
  comments: string[];
}

/** CMX 3600: a title line, an FCM line, then events (a number, reel ≤ 8, V, C, four timecodes) and their notes. */
function readEdl(text: string): { title: string; fcm: string; events: EdlEvent[] } {
  const lines = text.split('\n');
  const title = /^TITLE: (.*)$/.exec(lines[0]!)?.[1];
  const fcm = /^FCM: (NON-DROP FRAME|DROP FRAME)$/.exec(lines[1]!)?.[1];
  if (title === undefined || fcm === undefined) throw new Error('no TITLE/FCM header');
  const tc = '(\\d{2}:\\d{2}:\\d{2}:\\d{2})';
  const eventLine = new RegExp(`^(\\d{3,})\\s+(\\S{1,8})\\s+(V|A|B|AA|AA/V)\\s+(C|D \\d{3})\\s+${tc} ${tc} ${tc} ${tc}$`);
  const events: EdlEvent[] = [];
  for (const line of lines.slice(2)) {
    if (line.trim() === '') continue;
    if (!/^[\x20-\x7e]*$/.test(line)) throw new Error(`not ASCII: ${line}`);
    const m = eventLine.exec(line);
    if (m) {
      events.push({ event: Number(m[1]), reel: m[2]!, sourceIn: m[5]!, sourceOut: m[6]!, recordIn: m[7]!, recordOut: m[8]!, clip: null, comments: [] });
      continue;
    }
    const last = events[events.length - 1];
    if (!last || !line.startsWith('* ')) throw new Error(`not an EDL line: ${line}`);
    const clip = /^\* FROM CLIP NAME: (.*)$/.exec(line);
    if (clip) last.clip = clip[1]!;
    else last.comments.push(line.slice(2));
  }
  return { title, fcm, events };
}

const frames = (tc: string, base: number): number => {
  const [h, m, s, f] = tc.split(':').map(Number) as [number, number, number, number];
  return ((h * 60 + m) * 60 + s) * base + f;
};

const rationalTime = { type: 'object', required: ['OTIO_SCHEMA', 'rate', 'value'], properties: { OTIO_SCHEMA: { const: 'RationalTime.1' }, rate: { type: 'number', exclusiveMinimum: 0 }, value: { type: 'number' } } };
const timeRange = { type: 'object', required: ['OTIO_SCHEMA', 'start_time', 'duration'], properties: { OTIO_SCHEMA: { const: 'TimeRange.1' }, start_time: { $ref: '#/$defs/rationalTime' }, duration: { $ref: '#/$defs/rationalTime' } } };
const item = (schema: string, more: Record<string, unknown>, required: string[]) => ({
  type: 'object',
  required: ['OTIO_SCHEMA', 'name', 'metadata', 'source_range', 'effects', 'markers', ...required],
  properties: { OTIO_SCHEMA: { const: schema }, name: { type: 'string' }, metadata: { type: 'object' }, source_range: { anyOf: [{ type: 'null' }, { $ref: '#/$defs/timeRange' }] }, effects: { type: 'array' }, markers: { type: 'array' }, ...more },
});
/** Timeline.1, Stack.1, Track.1, Clip.1, ExternalReference.1, TimeRange.1, RationalTime.1 as OTIO serialises them. */
const otioSchema = {
  $defs: {
    rationalTime,
    timeRange,
    externalReference: { type: 'object', required: ['OTIO_SCHEMA', 'name', 'metadata', 'available_range', 'target_url'], properties: { OTIO_SCHEMA: { const: 'ExternalReference.1' }, name: { type: 'string' }, metadata: { type: 'object' }, available_range: { anyOf: [{ type: 'null' }, { $ref: '#/$defs/timeRange' }] }, target_url: { type: 'string', minLength: 1 } } },
    clip: item('Clip.1', { media_reference: { $ref: '#/$defs/externalReference' }, source_range: { $ref: '#/$defs/timeRange' } }, ['media_reference']),
    track: item('Track.1', { kind: { enum: ['Video', 'Audio'] }, children: { type: 'array', items: { $ref: '#/$defs/clip' } } }, ['kind', 'children']),
    stack: item('Stack.1', { children: { type: 'array', items: { $ref: '#/$defs/track' } } }, ['children']),
  },
  type: 'object',
  required: ['OTIO_SCHEMA', 'name', 'metadata', 'global_start_time', 'tracks'],
  properties: { OTIO_SCHEMA: { const: 'Timeline.1' }, name: { type: 'string' }, metadata: { type: 'object' }, global_start_time: { anyOf: [{ type: 'null' }, { $ref: '#/$defs/rationalTime' }] }, tracks: { $ref: '#/$defs/stack' } },
};

describe('shot exports', () => {
  it('timecodes count whole frames at a whole-number base', () => {
    expect(timecode(0, 24)).toBe('00:00:00:00');
    expect(timecode(24 * 3661 + 5, 24)).toBe('01:01:01:05');
    expect(timecode(29, 30)).toBe('00:00:00:29');
  });

  it('the EDL reads back as one cut event per shot, contiguous on the record side, at the rate rounded', () => {
    const f = film(23.976, [4.2, 9.5, 15.01, 15.02, 30, 61.7]);
    const edl = readEdl(shotsEdl(f));
    expect(edl.fcm).toBe('NON-DROP FRAME');
    expect(edl.title).toBe('Amelie: une ?histoire?');
    const kept = shotFrames(f);
    expect(kept.length).toBe(f.shots.length - 1); // 15.01–15.02 s is no frame at 23.976
    expect(edl.events.map((e) => e.event)).toEqual(kept.map((_, i) => i + 1));
    let record = 3600 * 24;
    for (const [i, e] of edl.events.entries()) {
      expect(e.reel).toBe('AX');
      expect(e.clip).toBe('The Film (1999).mp4');
      expect(frames(e.sourceIn, 24)).toBe(kept[i]!.from);
      expect(frames(e.sourceOut, 24)).toBe(kept[i]!.to);
      expect(frames(e.recordIn, 24)).toBe(record);
      record += frames(e.sourceOut, 24) - frames(e.sourceIn, 24);
      expect(frames(e.recordOut, 24)).toBe(record);
    }
    expect(record - 3600 * 24).toBe(Math.round(61.7 * 23.976));
    expect(edl.events[2]!.comments.join(' ')).toMatch(/dissolve/);
    expect(edl.events[1]!.comments.join(' ')).toMatch(/close-up/);
  });

  it('more than 999 shots number their events with more digits, still in order', () => {
    const cuts = Array.from({ length: 1200 }, (_, i) => (i + 1) * 2);
    const edl = readEdl(shotsEdl(film(25, cuts)));
    expect(edl.events.length).toBe(1200);
    expect(edl.events[1199]!.event).toBe(1200);
  });

  it('the OTIO timeline is valid against the OpenTimelineIO classes and covers every shot at the video\'s rate', () => {
    const f = film(29.97, [3, 7.5, 12, 20]);
    const doc: unknown = JSON.parse(shotsOtio(f));
    const validate = new Ajv({ allErrors: true }).compile(otioSchema);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const timeline = doc as { name: string; tracks: { children: { children: { source_range: { start_time: { value: number; rate: number }; duration: { value: number } }; media_reference: { target_url: string }; metadata: { marquee: { transition: string } } }[] }[] } };
    expect(timeline.name).toBe(f.movie!.title);
    const clips = timeline.tracks.children[0]!.children;
    expect(clips.length).toBe(4);
    let next = 0;
    for (const c of clips) {
      expect(c.source_range.start_time.rate).toBe(29.97);
      expect(c.source_range.start_time.value).toBe(next);
      next += c.source_range.duration.value;
    }
    expect(next).toBe(Math.round(20 * 29.97));
    expect(clips[0]!.media_reference.target_url).toBe('file:///films/The%20Film%20(1999).mp4');
    expect(clips.map((c) => c.metadata.marquee.transition)).toEqual(['cut', 'cut', 'dissolve', 'fade']);
    // A document missing a clip's media reference fails the same schema: the check can fail.
    delete (clips[0] as { media_reference?: unknown }).media_reference;
    expect(validate(doc)).toBe(false);
  });

  it('the CSV reads back with one row per shot', () => {
    const f = film(24, [1.5, 4, 9]);
    const rows = parse(shotsCsv(f), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.shot, r.start, r.end, r.length, r.transition, r.scale])).toEqual([
      ['1', '0', '1.5', '1.5', 'cut', ''],
      ['2', '1.5', '4', '2.5', 'cut', 'close-up'],
      ['3', '4', '9', '5', 'dissolve', ''],
    ]);
  });

  it('file names come from the movie id, else the video file; media URLs from absolute paths', () => {
    expect(exportShots(film(24, [1, 2]), 'edl').fileName).toBe('tt0000001-shots.edl');
    expect(exportShots(film(24, [1, 2], { movie: null }), 'otio').fileName).toBe('The_Film_1999_-shots.otio');
    expect(mediaUrl('s3://bucket/a.mp4')).toBe('s3://bucket/a.mp4');
    expect(mediaUrl('relative/a.mp4')).toBe('relative/a.mp4');
  });
});
