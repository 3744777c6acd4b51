/** Pairs page: the closest pairs side by side per channel with titles, and the duplicate groups; real progress while they are computed. */
import { analysesStatus, dupes, pairs, thumbUrl, type AnalysisProgress, type Pair } from '../api.js';
import { asyncPage, h, rerender, type Cleanup } from '../dom.js';
import { csvFile, exportButtons, jsonFile } from '../download.js';

const CHANNELS: Record<string, string> = { content: 'content', color: 'colour', layout: 'layout' };

function labelled(id: string, title: string, year: number | null): HTMLElement {
  const name = `${title}${year ? ` (${year})` : ''}`;
  return h('a', { class: 'pair-movie', href: `/movie/${encodeURIComponent(id)}`, 'data-link': true, title: name },
    h('img', { src: thumbUrl(id), alt: `poster of ${name}`, loading: 'lazy', width: '120', height: '180' }),
    h('span', { class: 'pair-title' }, title),
    h('span', { class: 'pair-year' }, year ? String(year) : '—'));
}

function pairTile(p: Pair): HTMLElement {
  return h('div', { class: `pair${p.duplicate ? ' dup' : ''}` },
    h('div', { class: 'pair-posters' }, labelled(p.a, p.aTitle, p.aYear), labelled(p.b, p.bTitle, p.bYear)),
    h('div', { class: 'pair-meta' }, h('span', { title: 'cosine similarity on this channel' }, `similarity ${p.score.toFixed(3)}`), p.duplicate ? h('span', { class: 'badge' }, 'duplicate') : null));
}

function progressLine(what: string, p: AnalysisProgress | undefined): HTMLElement {
  const done = p?.done ?? 0;
  const total = p?.total ?? 0;
  return h('p', { class: 'analysis-progress' },
    h('span', {}, total ? `${what}: ${done.toLocaleString()} of ${total.toLocaleString()} posters looked at` : `${what}: starting…`),
    h('progress', { max: String(total || 1), value: String(done), 'aria-label': what }));
}

export function renderPairs(root: HTMLElement): Cleanup {
  return asyncPage((signal) => pairsPage(root, signal));
}

async function pairsPage(root: HTMLElement, signal: AbortSignal): Promise<void> {
  const requested = new URLSearchParams(location.search).get('channel') ?? 'content';
  const channel = requested in CHANNELS ? requested : 'content';
  const select = h('select', { 'aria-label': 'channel', onchange: (e: Event) => {
    history.replaceState(null, '', `/pairs?channel=${(e.target as HTMLSelectElement).value}`);
    rerender();
  } }, ...Object.entries(CHANNELS).map(([c, name]) => h('option', { value: c, ...(c === channel ? { selected: true } : {}) }, name)));
  const heading = h('h1', {}, 'Closest pairs ', select);
  const waiting = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' }, 'Loading…');
  root.replaceChildren(heading, waiting);

  let finished = false;
  const watch = async (): Promise<void> => {
    while (!finished && !signal.aborted) {
      const s = await analysesStatus().catch(() => null);
      if (finished || signal.aborted) return;
      if (s) waiting.replaceChildren(progressLine(`Closest ${CHANNELS[channel]} pairs`, s.pairs[channel]), progressLine('Duplicate groups', s.dupes));
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  void watch();
  let list: Pair[];
  let groups: Awaited<ReturnType<typeof dupes>>;
  try {
    [list, groups] = await Promise.all([pairs(channel, 60), dupes()]);
  } catch (err) {
    finished = true;
    if (!signal.aborted) waiting.textContent = `Error: ${(err as Error).message}`;
    return;
  }
  finished = true;
  if (signal.aborted) return;
  root.replaceChildren(
    heading,
    h('section', { class: 'dupes', 'aria-label': 'duplicate groups' },
      h('h2', {}, `Duplicates (${groups.groups.length} group${groups.groups.length === 1 ? '' : 's'})`),
      groups.groups.length ? null : h('p', { class: 'hint' }, 'No near-duplicate posters (re-encodes, resizes, crops or recolourings of one artwork) in this library.'),
      ...groups.groups.map((g) => h('div', { class: 'group' }, ...g.map((id) => labelled(id, groups.movies[id]?.title ?? id, groups.movies[id]?.year ?? null))))),
    list.length ? exportButtons(`these ${list.length} pairs`, [csvFile(`marquee-pairs-${channel}.csv`, async () => (await import('../../../src/analysis/analysis-csv.js')).pairsCsv(list)), jsonFile(`marquee-pairs-${channel}.json`, () => ({ pairs: list }))]) : '',
    h('section', { class: 'pairs', 'aria-label': 'closest pairs' }, ...list.map(pairTile)),
  );
}
