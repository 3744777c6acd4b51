/** Pairs page: the closest pairs side by side per channel, and the duplicate groups. */
import { dupes, pairs, thumbUrl } from '../api.js';
import { asyncPage, h, rerender, type Cleanup } from '../dom.js';

function thumb(id: string): HTMLElement {
  return h('a', { href: `/movie/${encodeURIComponent(id)}`, 'data-link': true }, h('img', { src: thumbUrl(id), alt: `poster ${id}`, loading: 'lazy', width: '120', height: '180' }));
}

export function renderPairs(root: HTMLElement): Cleanup {
  return asyncPage((signal) => pairsPage(root, signal));
}

async function pairsPage(root: HTMLElement, signal: AbortSignal): Promise<void> {
  const channel = new URLSearchParams(location.search).get('channel') ?? 'content';
  const select = h('select', { 'aria-label': 'channel', onchange: (e: Event) => {
    history.replaceState(null, '', `/pairs?channel=${(e.target as HTMLSelectElement).value}`);
    rerender();
  } }, ...['content', 'color', 'layout'].map((c) => h('option', { value: c, ...(c === channel ? { selected: true } : {}) }, c === 'color' ? 'colour' : c)));
  root.replaceChildren(h('h1', {}, 'Closest pairs ', select), h('p', { class: 'status' }, 'Computing pairs (first time takes a while)…'));
  const [list, groups] = await Promise.all([pairs(channel, 60), dupes()]);
  if (signal.aborted) return;
  root.replaceChildren(
    h('h1', {}, 'Closest pairs ', select),
    h('section', { class: 'dupes' }, h('h2', {}, `Duplicates (${groups.length} groups)`), ...groups.map((g) => h('div', { class: 'group' }, ...g.map(thumb)))),
    h('section', { class: 'pairs' }, ...list.map((p) => h('div', { class: `pair${p.duplicate ? ' dup' : ''}` }, thumb(p.a), thumb(p.b), h('div', { class: 'pair-meta' }, p.score.toFixed(3), p.duplicate ? h('span', { class: 'badge' }, 'duplicate') : null)))),
  );
}
