/** Movie page: poster, metadata, palette, genre predictions vs truth, more like this per channel, "why similar" heatmaps. */
import { explainUrl, movie, posterText, posterUrl, stillUrl, type Movie, type PosterTextAnswer } from '../api.js';
import { asyncPage, h, type Cleanup } from '../dom.js';
import { resultCard } from '../results.js';
import { lookSection } from './look.js';

export function renderMovie(root: HTMLElement, id: string): Cleanup {
  return asyncPage((signal) => moviePage(root, id, signal));
}

async function moviePage(root: HTMLElement, id: string, signal: AbortSignal): Promise<void> {
  root.replaceChildren(h('p', { class: 'status' }, 'Loading…'));
  let m;
  let text: PosterTextAnswer | null = null;
  try {
    [m, text] = await Promise.all([movie(id), posterText(id).catch(() => null)]);
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
        ? posterWithText(posterUrl(m.id), `${m.title}${m.year ? ` (${m.year})` : ''}`, text)
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
        m.faces ? h('p', {}, `${m.faces} face${m.faces > 1 ? 's' : ''} detected`) : null,
        m.hasPoster ? printedTextSection(text) : null,
        m.typography ? typographySection(m.typography) : null)),
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

const SVG = 'http://www.w3.org/2000/svg';

/** The poster with the boxes of its recognised lines drawn over it (fractions of the poster, so any display size fits). */
function posterWithText(src: string, alt: string, text: PosterTextAnswer | null): HTMLElement {
  const figure = h('figure', { class: 'poster-text' }, h('img', { class: 'poster', src, alt }));
  if (!text?.lines.length) return figure;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 1 1');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('class', 'text-boxes');
  svg.setAttribute('aria-hidden', 'true');
  for (const line of text.lines) {
    const poly = document.createElementNS(SVG, 'polygon');
    poly.setAttribute('points', line.box.map(([x, y]) => `${x},${y}`).join(' '));
    poly.setAttribute('data-order', String(line.order));
    const title = document.createElementNS(SVG, 'title');
    title.textContent = `${line.text} (${(line.confidence * 100).toFixed(0)}%)`;
    poly.append(title);
    svg.append(poly);
  }
  figure.append(svg);
  return figure;
}

/** The printed text in reading order, biggest letters emphasised. */
function printedTextSection(text: PosterTextAnswer | null): HTMLElement {
  if (!text || text.state === 'pending') return h('p', { class: 'hint printed-text' }, 'The poster\'s printed text has not been read yet.');
  if (text.state === 'failed') return h('p', { class: 'hint printed-text' }, `The poster's text could not be read: ${text.error}`);
  if (!text.lines.length) return h('p', { class: 'hint printed-text' }, 'No printed text found on the poster.');
  const largest = Math.max(...text.lines.map((l) => l.size));
  return h('section', { class: 'printed-text' },
    h('h3', {}, 'Printed on the poster'),
    h('ol', {}, ...text.lines.map((l) => h('li', { class: l.size >= 0.6 * largest ? 'big' : '', title: `confidence ${(l.confidence * 100).toFixed(0)}%` }, l.text))));
}

/** Where the title sits and how much of the poster is text, in words. */
function typographySection(t: NonNullable<Movie['typography']>): HTMLElement {
  const third = (y: number) => (y < 1 / 3 ? 'top' : y < 2 / 3 ? 'middle' : 'bottom');
  const side = (x: number) => (x < 0.4 ? 'left' : x > 0.6 ? 'right' : 'centre');
  const items = [
    t.title ? `Title “${t.title.text}” at the ${third(t.title.y)} ${side(t.title.x)}, letters ${(t.title.size * 100).toFixed(1)} % of the poster's height, ${(t.title.width * 100).toFixed(0)} % of its width` : 'No title found',
    `${(t.coverage * 100).toFixed(0)} % of the poster is text, in ${t.blocks} block${t.blocks === 1 ? '' : 's'}`,
    `Text mass: top ${(t.thirds[0] * 100).toFixed(0)} %, middle ${(t.thirds[1] * 100).toFixed(0)} %, bottom ${(t.thirds[2] * 100).toFixed(0)} %`,
  ];
  return h('section', { class: 'typography' }, h('h3', {}, 'Typography'), h('ul', {}, ...items.map((s) => h('li', {}, s))));
}
