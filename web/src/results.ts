/** The results grid: poster thumbnails with title, year, score and per-channel score bars. */
import { posterThumbUrl, thumbUrl, type Result } from './api.js';
import { h } from './dom.js';

/** How a text match's fields read on a card. */
const FIELD_LABEL: Record<string, string> = { title: 'title', alt_titles: 'other titles', tagline: 'tagline', overview: 'synopsis' };
const CHANNEL_LABEL: Record<string, string> = { content: 'content', color: 'colour', layout: 'layout', text: 'text', visual: 'shows', printed: 'printed', identity: 'identity', faces: 'faces', palette: 'palette' };

export function scoreBars(scores: Record<string, number | null>): HTMLElement {
  return h(
    'div',
    { class: 'bars' },
    ...Object.entries(scores).map(([c, s]) =>
      h('div', { class: 'bar', title: `${CHANNEL_LABEL[c] ?? c}: ${s === null ? 'n/a' : s.toFixed(3)}` }, h('span', { class: 'bar-label' }, CHANNEL_LABEL[c] ?? c), h('span', { class: `bar-fill ch-${c}`, style: `width:${Math.max(0, Math.min(1, s ?? 0)) * 100}%` })),
    ),
  );
}

/** "match 46": 0 an average movie of the library, 100 a perfect match on the weighted channels (the API's `match`). */
export function matchLabel(r: Result): { text: string; title: string } {
  if (r.match === null) return { text: '', title: '' };
  const value = Math.round(r.match * 100);
  const channels = Object.entries(r.scores)
    .filter(([, s]) => s !== null)
    .map(([c, s]) => `${CHANNEL_LABEL[c] ?? c} ${s!.toFixed(2)}`)
    .join(', ');
  return {
    text: `match ${value}`,
    title: `Match ${value} of 100: 0 is an average movie of this library, 100 a perfect match on every channel you weighted. Raw similarities: ${channels}.`,
  };
}

export function resultCard(r: Result, rank: number): HTMLElement {
  const alt = `${r.title}${r.year ? ` (${r.year})` : ''}`;
  const match = matchLabel(r);
  return h(
    'a',
    { class: 'card', href: `/movie/${encodeURIComponent(r.id)}`, 'data-link': true, 'data-id': r.id, 'data-genres': r.genres.join('|') },
    // The poster that matched, when it is one of the film's further posters (teaser, international…).
    h('img', { src: r.poster && r.poster.rank > 0 ? posterThumbUrl(r.id, r.poster.rank) : thumbUrl(r.id), alt, loading: 'lazy', width: '160', height: '240', ...(r.poster ? { 'data-poster': String(r.poster.rank) } : {}) }),
    h('div', { class: 'card-title', title: alt }, `${rank}. ${r.title}`),
    h('div', { class: 'card-meta' }, h('span', {}, String(r.year ?? '—')), match.text ? h('span', { class: 'match', title: match.title }, match.text) : null),
    r.poster && r.poster.rank > 0 ? h('div', { class: 'poster-note' }, [r.poster.kind ?? `poster ${r.poster.rank}`, r.poster.country, r.poster.year].filter((x) => x !== null).join(' · ')) : null,
    r.phrase || r.fields?.length ? h('div', { class: 'fields', title: 'where your words are' }, r.phrase ? `phrase in ${FIELD_LABEL[r.phrase]}` : `in ${r.fields!.map((f) => FIELD_LABEL[f]).join(', ')}`) : null,
    r.printed?.length ? h('div', { class: 'printed', title: 'printed on the poster' }, `“${r.printed.join(' / ')}”`) : null,
    r.identity ? h('div', { class: 'identity-note' }, r.identity.by === 'title' ? `title read: ${r.identity.text}` : 'same printed text') : null,
    scoreBars(r.scores),
  );
}

export function resultsGrid(results: Result[]): HTMLElement {
  if (results.length === 0) return h('p', { class: 'empty' }, 'No results.');
  return h('div', { class: 'grid', role: 'list' }, ...results.map((r, i) => resultCard(r, i + 1)));
}
