/**
 * Films from videos: the timeline on a movie page (shot strip of keyframes, widths proportional to
 * shot length; cutting rhythm; barcode of every sampled frame; shot lengths) and a page comparing
 * two films' rhythms over their running time (as shares of it, films differ in length). Charts
 * are uPlot (small, canvas, no framework).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { filmBarcodeUrl, filmList, filmShots, movieLook, stillUrl, type FilmView } from '../api.js';
import { h, type Cleanup } from '../dom.js';
import { exportButtons } from '../download.js';
import type { ShotExportFormat } from '../../../src/films/shot-export.js';

const SERIES_COLOURS = ['#c0392b', '#2471a3'];

function rhythmChart(series: { label: string; film: FilmView; relative: boolean }[], width: number): uPlot {
  // One x axis: seconds for one film, share of the running time (0–100 %) when comparing.
  const relative = series.some((s) => s.relative);
  const xs = [...new Set(series.flatMap((s) => s.film.rhythm.map((p) => (relative ? p.t / s.film.duration : p.t))))].sort((a, b) => a - b);
  const data: (number | null)[][] = [xs];
  for (const s of series) {
    const at = new Map(s.film.rhythm.map((p) => [relative ? p.t / s.film.duration : p.t, p.cutsPerMinute]));
    data.push(xs.map((x) => at.get(x) ?? null));
  }
  return new uPlot(
    {
      width,
      height: 200,
      scales: { x: { time: false } },
      axes: [{ label: relative ? 'share of the running time' : 'seconds', values: (_u, v) => v.map((x) => (relative ? `${Math.round(x * 100)}%` : `${Math.round(x)}`)) }, { label: 'cuts per minute' }],
      series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: SERIES_COLOURS[i % 2], width: 2, spanGaps: true }))],
    },
    data as uPlot.AlignedData,
  );
}

function shotStrip(id: string, film: FilmView, seqOf: Map<number, number>): HTMLElement {
  return h('div', { class: 'shot-strip', 'aria-label': `${film.shotCount} shots, widths proportional to their length` },
    ...film.shots.map((s, i) => {
      const seq = seqOf.get(s.keyframe);
      const title = `shot ${i + 1}: ${s.start.toFixed(1)}–${s.end.toFixed(1)} s (${(s.end - s.start).toFixed(1)} s), begins with a ${s.transition}${s.scale ? `, ${s.scale}` : ''}`;
      return h('span', { class: `shot ${s.transition}`, style: `flex:${Math.max(0.05, s.end - s.start)} 1 0px;background:${s.color}`, title, 'data-shot': String(i + 1) },
        seq !== undefined ? h('img', { src: stillUrl(id, seq), alt: title, loading: 'lazy' }) : null);
    }));
}

function lengthBars(film: FilmView): HTMLElement {
  const max = Math.max(1, ...film.shotLengths.map((b) => b.count));
  return h('div', { class: 'shot-lengths', 'aria-label': 'shot length distribution' },
    ...film.shotLengths.map((b) => h('span', { class: 'bar', title: `${b.from}${b.to === null ? '+' : `–${b.to}`} s: ${b.count} shots` },
      h('span', { class: 'fill', style: `height:${(b.count / max) * 100}%` }), h('small', {}, `${b.from}${b.to === null ? '+' : ''}`))));
}

const SHOT_FORMAT_LABELS: Record<ShotExportFormat, string> = { csv: 'CSV', edl: 'EDL (CMX 3600)', otio: 'OpenTimelineIO' };

const summary = (f: FilmView) => `${f.shotCount} shots in ${(f.duration / 60).toFixed(1)} min · average shot ${f.asl.toFixed(2)} s · median ${f.medianShotLength.toFixed(2)} s`;

/** The movie page's film timeline, or null when the movie has no analysed film. */
export async function filmSection(id: string): Promise<{ element: HTMLElement; cleanup: Cleanup } | null> {
  const film = await filmShots(id);
  if (!film) return null;
  // The keyframes are the movie's stills, found by their time.
  const frames = (await movieLook(id).catch(() => null))?.frames ?? [];
  const seqOf = new Map(frames.filter((f) => f.timestamp !== null).map((f) => [f.timestamp!, f.seq]));
  const chart = h('div', { class: 'rhythm-chart' });
  const element = h('section', { class: 'film', 'aria-label': 'film timeline' },
    h('h2', {}, 'Film'),
    h('p', { class: 'film-summary' }, summary(film)),
    shotStrip(id, film, seqOf),
    h('img', { class: 'barcode film-barcode', src: filmBarcodeUrl(id), alt: 'barcode of every sampled frame, in film order' }),
    h('h3', {}, 'Cutting rhythm'),
    chart,
    h('h3', {}, 'Shot lengths'),
    lengthBars(film),
    exportButtons('the shots', (Object.keys(SHOT_FORMAT_LABELS) as ShotExportFormat[]).map((format) => ({
      label: SHOT_FORMAT_LABELS[format],
      key: format,
      build: async () => {
        const { body, fileName, type } = (await import('../../../src/films/shot-export.js')).exportShots(film, format);
        return { name: fileName, type, body };
      },
    }))),
    h('p', {}, h('a', { href: `/films?a=${encodeURIComponent(id)}`, 'data-link': true }, 'Compare with another film →')));
  const plot = rhythmChart([{ label: 'cuts per minute', film, relative: false }], 720);
  chart.append(plot.root);
  return { element, cleanup: () => plot.destroy() };
}

/** /films?a=&b=: two films' rhythms, barcodes and numbers side by side. */
export function renderFilms(root: HTMLElement): Cleanup {
  const params = new URLSearchParams(location.search);
  let plot: uPlot | undefined;
  let left = false;
  root.replaceChildren(h('h1', {}, 'Compare films'), h('p', { class: 'status' }, 'Loading…'));
  void (async () => {
    const list = await filmList();
    if (left) return;
    if (list.length === 0) {
      root.replaceChildren(h('h1', {}, 'Compare films'), h('p', {}, 'No film has been analysed yet: index a video with "marquee index --video <file>".'));
      return;
    }
    const pick = (name: 'a' | 'b', fallback: number) => {
      const select = h('select', { name, 'aria-label': `film ${name.toUpperCase()}` }, ...list.map((f) => h('option', { value: f.id }, `${f.title} (${f.shotCount} shots, ASL ${f.asl.toFixed(1)} s)`)));
      select.value = params.get(name) && list.some((f) => f.id === params.get(name)) ? params.get(name)! : list[Math.min(fallback, list.length - 1)]!.id;
      select.addEventListener('change', () => {
        const q = new URLSearchParams(location.search);
        q.set(name, select.value);
        history.replaceState(null, '', `/films?${q}`);
        void show();
      });
      return select;
    };
    const a = pick('a', 0);
    const b = pick('b', 1);
    const body = h('div', { class: 'film-compare' });
    root.replaceChildren(h('h1', {}, 'Compare films'), h('p', {}, a, ' vs ', b), body);
    const show = async () => {
      const [fa, fb] = await Promise.all([filmShots(a.value), filmShots(b.value)]);
      if (left || !fa || !fb) return;
      plot?.destroy();
      const chart = h('div', { class: 'rhythm-chart' });
      body.replaceChildren(
        h('div', { class: 'side-by-side' }, ...[fa, fb].map((f, i) => h('div', { class: 'film-side', 'data-film': f.movie!.id },
          h('h2', { style: `color:${SERIES_COLOURS[i]}` }, f.movie!.title),
          h('p', { class: 'film-summary' }, summary(f)),
          h('img', { class: 'barcode', src: filmBarcodeUrl(f.movie!.id), alt: `barcode of ${f.movie!.title}` }),
          lengthBars(f)))),
        h('h3', {}, 'Cutting rhythm over the running time'),
        chart);
      plot = rhythmChart([{ label: fa.movie!.title, film: fa, relative: true }, { label: fb.movie!.title, film: fb, relative: true }], 760);
      chart.append(plot.root);
    };
    await show();
  })().catch((err: Error) => root.append(h('p', { class: 'error' }, `Error: ${err.message}`)));
  return () => {
    left = true;
    plot?.destroy();
  };
}
