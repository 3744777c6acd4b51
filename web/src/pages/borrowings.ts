/**
 * /borrowings: posters unusually like an earlier film's poster, on a timeline — each borrowing an
 * arc from the earlier poster's year to the later one's, higher the more unusual (its z-score
 * against pairs of the same decades and genres) — and as a list of pairs, earlier poster first.
 * The channel (layout, colour, content, typography) is in the URL.
 */
import { borrowings, posterThumbUrl, type Borrowing } from '../api.js';
import { asyncPage, h, type Cleanup } from '../dom.js';
import { csvFile, exportButtons, jsonFile } from '../download.js';

const SVG = 'http://www.w3.org/2000/svg';
const CHANNELS: Record<string, string> = { layout: 'layout', color: 'colour', content: 'content', typography: 'typography' };

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

const label = (p: Borrowing['from']): string => `${p.title} (${p.year})${p.rank ? `, ${p.kind ?? `poster ${p.rank}`}` : ''}`;

/** Arcs over a year axis: from the earlier poster's year to the later one's, height by z. */
function timeline(list: Borrowing[], onPick: (i: number) => void): SVGSVGElement {
  const width = 900;
  const height = 260;
  const axis = height - 30;
  const years = list.flatMap((b) => [b.from.year, b.to.year]);
  const first = Math.floor(Math.min(...years) / 10) * 10;
  const last = Math.ceil((Math.max(...years) + 1) / 10) * 10;
  const x = (year: number): number => 30 + ((year - first) / Math.max(1, last - first)) * (width - 60);
  const maxZ = Math.max(...list.map((b) => b.z));
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'borrowing-timeline', role: 'img', 'aria-label': `${list.length} borrowings on a timeline from ${first} to ${last}` });
  root.append(svg('line', { x1: 30, x2: width - 30, y1: axis, y2: axis, class: 'axis' }));
  for (let d = first; d <= last; d += 10) {
    root.append(svg('line', { x1: x(d), x2: x(d), y1: axis, y2: axis + 5, class: 'axis' }));
    const t = svg('text', { x: x(d), y: axis + 18, 'text-anchor': 'middle', class: 'tick' });
    t.textContent = `${d}s`;
    root.append(t);
  }
  list.forEach((b, i) => {
    const [x1, x2] = [x(b.from.year), x(b.to.year)];
    const lift = 20 + (axis - 40) * (b.z / maxZ);
    const path = svg('path', { d: `M ${x1} ${axis} C ${x1} ${axis - lift}, ${x2} ${axis - lift}, ${x2} ${axis}`, class: 'arc', 'data-index': i, tabindex: 0 });
    const title = svg('title', {});
    title.textContent = `${label(b.from)} → ${label(b.to)}: z ${b.z.toFixed(1)}`;
    path.append(title);
    path.addEventListener('click', () => onPick(i));
    path.addEventListener('keydown', (e) => (e as KeyboardEvent).key === 'Enter' && onPick(i));
    root.append(path);
  });
  return root;
}

/** One pair: the earlier poster, an arrow, the later one, with the numbers. */
export function borrowingCard(b: Borrowing, index?: number): HTMLElement {
  const side = (p: Borrowing['from']) =>
    h('a', { href: `/movie/${encodeURIComponent(p.id)}`, 'data-link': true, class: 'borrowing-poster' },
      h('img', { src: posterThumbUrl(p.id, p.rank), alt: label(p), loading: 'lazy', width: '110', height: '165' }), h('span', {}, label(p)));
  return h('div', { class: 'borrowing', ...(index !== undefined ? { 'data-index': String(index) } : {}) },
    side(b.from), h('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'), side(b.to),
    h('span', { class: 'borrowing-numbers', title: `similarity ${b.similarity.toFixed(3)}; pairs of the same decades and genres: mean ${b.reference.mean.toFixed(3)}, spread ${b.reference.sd.toFixed(3)} (${b.reference.pairs} pairs)` },
      `z ${b.z.toFixed(1)} · similarity ${b.similarity.toFixed(2)} · ${b.to.year - b.from.year} year${b.to.year - b.from.year === 1 ? '' : 's'} later`));
}

export function renderBorrowings(root: HTMLElement): Cleanup {
  return asyncPage(async (signal) => {
    const params = new URLSearchParams(location.search);
    const channel = CHANNELS[params.get('channel') ?? ''] ? params.get('channel')! : 'layout';
    const pick = h('select', { name: 'channel', 'aria-label': 'what is borrowed' }, ...Object.entries(CHANNELS).map(([v, l]) => h('option', { value: v, ...(v === channel ? { selected: true } : {}) }, l)));
    pick.addEventListener('change', () => {
      history.replaceState(null, '', `/borrowings?channel=${pick.value}`);
      window.dispatchEvent(new PopStateEvent('popstate'));
    });
    const body = h('div', {}, h('p', { class: 'status' }, 'Looking through every poster (the first time takes a few seconds)…'));
    root.replaceChildren(
      h('h1', {}, 'Borrowings'),
      h('p', {}, 'Posters unusually like an earlier film\'s poster — ranked by how unusual the likeness is for posters of the same decades and genres, not by raw similarity. One artwork filed under two films is left out.'),
      h('p', {}, h('label', {}, 'what is borrowed: ', pick)),
      body);
    let list: Borrowing[];
    try {
      list = await borrowings(channel);
    } catch (err) {
      if (!signal.aborted) body.replaceChildren(h('p', { class: 'error' }, (err as Error).message));
      return;
    }
    if (signal.aborted) return;
    if (list.length === 0) {
      body.replaceChildren(h('p', {}, 'No borrowing found: posters need years, and films of different years.'));
      return;
    }
    const cards = list.map((b, i) => borrowingCard(b, i));
    const focus = (i: number) => {
      cards.forEach((c) => c.classList.remove('picked'));
      cards[i]!.classList.add('picked');
      cards[i]!.scrollIntoView({ block: 'nearest' });
    };
    const shown = list;
    body.replaceChildren(
      timeline(list, focus),
      exportButtons(`these ${list.length} borrowings`, [csvFile(`marquee-borrowings-${channel}.csv`, async () => (await import('../../../src/analysis/analysis-csv.js')).borrowingsCsv(shown)), jsonFile(`marquee-borrowings-${channel}.json`, () => ({ channel, borrowings: shown }))]),
      h('div', { class: 'borrowings' }, ...cards));
  });
}
