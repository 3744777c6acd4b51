/** Movie page: poster, metadata, palette, genre predictions vs truth, more like this per channel, "why similar" heatmaps. */
import { explainUrl, movie, posterUrl, stillUrl } from '../api.js';
import { asyncPage, h, type Cleanup } from '../dom.js';
import { resultCard } from '../results.js';
import { lookSection } from './look.js';

export function renderMovie(root: HTMLElement, id: string): Cleanup {
  return asyncPage((signal) => moviePage(root, id, signal));
}

async function moviePage(root: HTMLElement, id: string, signal: AbortSignal): Promise<void> {
  root.replaceChildren(h('p', { class: 'status' }, 'Loading…'));
  let m;
  try {
    m = await movie(id);
  } catch (err) {
    if (!signal.aborted) root.replaceChildren(h('p', { class: 'status' }, `Error: ${(err as Error).message}`));
    return;
  }
  if (signal.aborted) return;
  document.title = `${m.title} — Marquee`;
  const truth = new Set(m.genres);
  const why = h('figure', { class: 'why', hidden: true }, h('img', { alt: '' }), h('figcaption', {}));
  const channels = Object.entries(m.neighbours).map(([channel, list]) =>
    h('section', { class: 'more', 'data-channel': channel },
      h('h3', {}, `More like this: ${channel === 'color' ? 'colour' : channel}`),
      h('div', { class: 'strip' }, ...list.map((r, i) => {
        const card = resultCard(r, i + 1);
        const button = h('button', { type: 'button', class: 'why-btn', onclick: (e: Event) => {
          e.preventDefault();
          why.hidden = false;
          (why.querySelector('img') as HTMLImageElement).src = explainUrl(m!.id, r.id);
          (why.querySelector('img') as HTMLImageElement).alt = `regions of ${m!.title} that match ${r.title}`;
          why.querySelector('figcaption')!.textContent = `Why ${m!.title} looks like ${r.title}: warmer = matters more`;
          why.scrollIntoView({ block: 'nearest' });
        } }, 'why similar?');
        return h('div', { class: 'strip-item' }, card, button);
      }))),
  );
  root.replaceChildren(
    h('article', { class: 'movie' },
      m.hasPoster
        ? h('img', { class: 'poster', src: posterUrl(m.id), alt: `${m.title}${m.year ? ` (${m.year})` : ''}` })
        : m.stills > 0
          ? h('img', { class: 'poster still', src: stillUrl(m.id, Math.ceil(m.stills / 2)), alt: `a still of ${m.title} (no poster)` })
          : h('div', { class: 'poster none' }, 'no poster'),
      h('div', { class: 'info' },
        h('h1', {}, m.title, m.year ? h('span', { class: 'year' }, ` (${m.year})`) : null),
        h('p', { class: 'tags' }, ...m.genres.map((g) => h('span', { class: 'chip on' }, g)), m.countries.length ? ` · ${m.countries.join(', ')}` : ''),
        m.tagline ? h('p', { class: 'tagline' }, m.tagline) : null,
        h('p', {}, m.overview || 'No synopsis.'),
        m.hasPoster ? h('h3', {}, 'Poster palette') : null,
        h('div', { class: 'palette' }, ...m.palette.map((c) => h('span', { class: 'swatch', style: `background:${c.hex};flex-grow:${c.share}`, title: `${c.hex} ${(c.share * 100).toFixed(0)}%` }, c.hex))),
        m.predictedGenres
          ? h('div', { class: 'genres' }, h('h3', {}, 'Predicted genres (poster only)'),
              ...m.predictedGenres.slice(0, 8).map((g) => h('div', { class: `gbar${truth.has(g.genre) ? ' true' : ''}` }, h('span', {}, `${g.genre}${truth.has(g.genre) ? ' ✓' : ''}`), h('span', { class: 'gfill', style: `width:${g.p * 100}%` }), h('span', { class: 'gp' }, `${(g.p * 100).toFixed(0)}%`))))
          : m.hasPoster ? h('p', { class: 'hint' }, 'Train the genre model (marquee genres train) to see predictions.') : null,
        m.faces ? h('p', {}, `${m.faces} face${m.faces > 1 ? 's' : ''} detected`) : null)),
    why,
    ...channels,
  );
  if (m.stills > 0) {
    const placeholder = h('p', { class: 'status' }, 'Loading the look from stills…');
    root.append(placeholder);
    try {
      placeholder.replaceWith(await lookSection(m.id));
    } catch (err) {
      placeholder.textContent = `Error: ${(err as Error).message}`;
    }
  }
}
