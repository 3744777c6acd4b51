/**
 * /trends: how poster design changed. One measure per chart — its mean per decade or year with the
 * 95 % bootstrap interval as a band; periods with fewer than 10 posters are drawn as hollow grey
 * points and marked in the table, not hidden. Filters (genre, country, main posters only) and the
 * measure live in the URL, so a chart can be linked; every chart exports its numbers as CSV.
 * Charts are uPlot (already used for film rhythm).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { averagePosterUrl, posterThumbUrl, trend, trendCsvUrl, trendMeasures, typicalPosters, type Trend, type TrendMeasure, type TrendParams } from '../api.js';
import { exportButton, jsonFile } from '../download.js';
import { asyncPage, h, type Cleanup } from '../dom.js';

const fmt = (x: number): string => (Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(3));

function paramsFromUrl(measures: TrendMeasure[]): TrendParams {
  const q = new URLSearchParams(location.search);
  const measure = measures.some((m) => m.name === q.get('measure')) ? q.get('measure')! : 'brightness';
  return { measure, by: q.get('by') === 'year' ? 'year' : 'decade', genre: q.get('genre') || undefined, country: q.get('country') || undefined, mainOnly: q.get('main') === '1' };
}

function urlOf(p: TrendParams): string {
  const q = new URLSearchParams({ measure: p.measure, by: p.by });
  if (p.genre) q.set('genre', p.genre);
  if (p.country) q.set('country', p.country);
  if (p.mainOnly) q.set('main', '1');
  return `/trends?${q}`;
}

function chart(t: Trend, width: number): uPlot {
  const xs = t.periods.map((p) => p.start);
  const small = t.periods.map((p) => (p.small ? p.mean : null));
  const data = [xs, t.periods.map((p) => p.low), t.periods.map((p) => p.high), t.periods.map((p) => p.mean), small];
  return new uPlot(
    {
      width,
      height: 280,
      scales: { x: { time: false } },
      // Colours for the app's dark page: light axes, the gold of the header for the mean.
      axes: [
        { label: t.by === 'decade' ? 'decade' : 'year', stroke: '#c8c8c8', grid: { stroke: '#2c2c2c' }, ticks: { stroke: '#444' }, values: (_u, v) => v.map((x) => (t.by === 'decade' ? `${x}s` : `${x}`)) },
        { label: t.unit, size: 70, stroke: '#c8c8c8', grid: { stroke: '#2c2c2c' }, ticks: { stroke: '#444' } },
      ],
      series: [
        { label: t.by, value: (_u, v) => (v === null ? '--' : t.by === 'decade' ? `${v}s` : `${v}`) },
        { label: '95 % low', stroke: '#8c7a4f', dash: [4, 4], width: 1 },
        { label: '95 % high', stroke: '#8c7a4f', dash: [4, 4], width: 1 },
        { label: 'mean', stroke: '#f0b43c', width: 2, points: { size: 6 } },
        { label: 'fewer than 10 posters', stroke: '#aaa', width: 0, points: { size: 10, fill: '#151515', stroke: '#aaa' }, paths: () => null },
      ],
      bands: [{ series: [2, 1], fill: 'rgba(240, 180, 60, 0.16)' }],
    },
    data as uPlot.AlignedData,
  );
}

/** Each decade's average image and its most typical poster (the medoid), under the page's filters. */
async function typicalSection(q: TrendParams, signal: AbortSignal): Promise<HTMLElement> {
  const section = h('section', { class: 'typical', 'aria-label': 'typical posters per decade' }, h('h2', {}, 'Typical posters'));
  if (q.by !== 'decade') return (section.append(h('p', { class: 'hint' }, 'Shown by decade.')), section);
  const periods = await typicalPosters(q);
  if (signal.aborted) return section;
  section.append(
    h('p', { class: 'hint' }, 'Per decade: the average of its posters (each scaled to one frame), and the poster most like all the others.'),
    h('div', { class: 'typical-strip' }, ...periods.map((p) => {
      const medoid = p.medoids[0];
      return h('figure', { class: 'typical-period', 'data-period': p.period },
        p.average === false ? null : h('img', { class: 'average', src: averagePosterUrl(q, p.period), alt: `average of ${p.n} posters of the ${p.period}`, loading: 'lazy' }),
        medoid ? h('a', { href: `/movie/${encodeURIComponent(medoid.id)}`, 'data-link': true }, h('img', { class: 'medoid', src: posterThumbUrl(medoid.id, medoid.rank), alt: `the most typical poster of the ${p.period}`, loading: 'lazy' })) : null,
        h('figcaption', {}, `${p.period} · ${p.n}`));
    })));
  return section;
}

function table(t: Trend): HTMLElement {
  return h('table', { class: 'trend-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'period'), h('th', {}, 'posters'), h('th', {}, 'mean'), h('th', {}, '95 % interval'))),
    h('tbody', {}, ...t.periods.map((p) => h('tr', { class: p.small ? 'small' : '', 'data-period': p.period },
      h('td', {}, p.period), h('td', {}, `${p.n}${p.small ? ' (few)' : ''}`), h('td', {}, fmt(p.mean)), h('td', {}, `${fmt(p.low)} – ${fmt(p.high)}`)))));
}

export function renderTrends(root: HTMLElement): Cleanup {
  let plot: uPlot | undefined;
  const cleanupPage = asyncPage(async (signal) => {
    root.replaceChildren(h('h1', {}, 'Trends'), h('p', { class: 'status' }, 'Loading…'));
    const measures = await trendMeasures();
    if (signal.aborted) return;
    const p = paramsFromUrl(measures);
    const fixed = measures.filter((m) => !m.name.startsWith('genre:'));
    const genres = measures.filter((m) => m.name.startsWith('genre:')).map((m) => m.name.slice('genre:'.length));
    const option = (value: string, label: string, selected: boolean) => h('option', { value, ...(selected ? { selected: true } : {}) }, label);
    const measure = h('select', { name: 'measure', 'aria-label': 'measure' },
      h('optgroup', { label: 'Design' }, ...fixed.map((m) => option(m.name, `${m.label}${m.posters === 0 ? ' — nothing measured yet' : ''}`, m.name === p.measure))),
      h('optgroup', { label: 'Genre shares' }, ...genres.map((g) => option(`genre:${g}`, `${g} posters`, `genre:${g}` === p.measure))));
    const by = h('select', { name: 'by', 'aria-label': 'period' }, option('decade', 'by decade', p.by === 'decade'), option('year', 'by year', p.by === 'year'));
    const genre = h('select', { name: 'genre', 'aria-label': 'genre filter' }, option('', 'all genres', !p.genre), ...genres.map((g) => option(g, g, g.toLowerCase() === p.genre?.toLowerCase())));
    const country = h('input', { type: 'text', name: 'country', 'aria-label': 'country filter (ISO code)', placeholder: 'country, e.g. FR', size: '14', value: p.country ?? '' });
    const mainOnly = h('input', { type: 'checkbox', name: 'main', ...(p.mainOnly ? { checked: true } : {}) });
    const body = h('div', { class: 'trend' });
    const typical = h('div', {});
    let typicalKey = '';
    const apply = () => {
      const next: TrendParams = { measure: measure.value, by: by.value === 'year' ? 'year' : 'decade', genre: genre.value || undefined, country: country.value.trim() || undefined, mainOnly: mainOnly.checked };
      history.replaceState(null, '', urlOf(next));
      void show(next);
    };
    for (const el of [measure, by, genre, mainOnly]) el.addEventListener('change', apply);
    country.addEventListener('change', apply);
    root.replaceChildren(
      h('h1', {}, 'Trends'),
      h('p', {}, 'How poster design changed, from what indexing measured (no poster is decoded again): the mean per period with its 95 % bootstrap interval. A poster counts in the year it carries (posters.csv), else its film\'s.'),
      h('form', { class: 'trend-controls', onsubmit: ((e: Event) => e.preventDefault()) as EventListener }, measure, by, genre, country, h('label', {}, mainOnly, ' main posters only')),
      body,
      typical);
    const show = async (q: TrendParams) => {
      body.replaceChildren(h('p', { class: 'status' }, 'Computing…'));
      let t: Trend;
      try {
        t = await trend(q);
      } catch (err) {
        if (!signal.aborted) body.replaceChildren(h('p', { class: 'error' }, (err as Error).message));
        return;
      }
      if (signal.aborted) return;
      plot?.destroy();
      plot = undefined;
      const holder = h('div', { class: 'trend-chart' });
      const note = [t.undated && `${t.undated} posters without a year`, t.missing && `${t.missing} posters without what this measure needs`].filter(Boolean).join(' and ');
      body.replaceChildren(
        h('h2', {}, `${t.label}, by ${t.by}`),
        holder,
        h('p', { class: 'trend-note' }, `${t.periods.reduce((n, x) => n + x.n, 0)} posters in ${t.periods.length} periods; hollow grey points: fewer than 10 posters.${note ? ` Left out: ${note}.` : ''} `,
          h('a', { href: trendCsvUrl(q), download: 'marquee-trends.csv', class: 'csv' }, 'Download CSV'), ' · ',
          exportButton(jsonFile('marquee-trends.json', () => t))),
        t.periods.length ? table(t) : h('p', {}, 'No poster matches these filters.'));
      if (t.periods.length) {
        plot = chart(t, Math.min(860, Math.max(320, root.clientWidth - 20)));
        holder.append(plot.root);
        // The typical posters depend on the filters only: drawn again when they change.
        const key = JSON.stringify([q.by, q.genre, q.country, q.mainOnly]);
        if (key !== typicalKey) {
          typicalKey = key;
          const placeholder = h('p', { class: 'status' }, 'Finding the typical posters…');
          typical.replaceChildren(placeholder);
          void typicalSection(q, signal).then((s) => !signal.aborted && typicalKey === key && typical.replaceChildren(s), (err: Error) => (placeholder.textContent = `Error: ${err.message}`));
        }
      }
    };
    await show(p);
  });
  return () => {
    cleanupPage();
    plot?.destroy();
  };
}
