/** Movie page: poster, metadata, palette, genre predictions vs truth, more like this per channel, "why similar" heatmaps. */
import { explainUrl, filmPosters, movieBorrowings, genreStatus, movie, posterImageUrl, posterText, posterThumbUrl, posterUrl, sharedColours, stillUrl, type FilmPosters, type Movie, type PosterTextAnswer, type Result } from '../api.js';
import { readableOn } from '../contrast.js';
import { asyncPage, h, rerender, type Cleanup } from '../dom.js';
import { resultCard } from '../results.js';
import { lookSection } from './look.js';
import { filmSection } from './film.js';
import { borrowingCard } from './borrowings.js';
import { posterVsFilmSection } from './poster-vs-film.js';

const CHANNEL_NAME: Record<string, string> = { content: 'content', color: 'colour', layout: 'layout' };

export function renderMovie(root: HTMLElement, id: string): Cleanup {
  return asyncPage((signal) => moviePage(root, id, signal));
}

async function moviePage(root: HTMLElement, id: string, signal: AbortSignal): Promise<void> {
  root.replaceChildren(h('p', { class: 'status' }, 'Loading…'));
  let m;
  let text: PosterTextAnswer | null = null;
  let posters: FilmPosters | null = null;
  try {
    [m, text, posters] = await Promise.all([movie(id), posterText(id).catch(() => null), filmPosters(id).catch(() => null)]);
  } catch (err) {
    if (!signal.aborted) root.replaceChildren(h('p', { class: 'status' }, `Error: ${(err as Error).message}`));
    return;
  }
  if (signal.aborted) return;
  document.title = `${m.title} — Marquee`;
  const why = whyPanel(m);
  const channels = Object.entries(m.neighbours).map(([channel, list]) =>
    h('section', { class: 'more', 'data-channel': channel },
      h('h3', {}, `More like this: ${CHANNEL_NAME[channel] ?? channel}`),
      h('div', { class: 'strip' }, ...list.map((r, i) => {
        const card = resultCard(r, i + 1);
        const button = h('button', { type: 'button', class: 'why-btn', 'aria-label': `why ${r.title} is similar in ${CHANNEL_NAME[channel] ?? channel}`, onclick: (e: Event) => {
          e.preventDefault();
          why.show(channel, r);
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
        m.hasPoster
          ? h(
              'p',
              {},
              h('a', { class: 'more-link', href: `/?id=${encodeURIComponent(m.id)}`, 'data-link': true }, 'Search for more like this, with weights and filters →'),
              ' ',
              h('a', { class: 'more-link', href: `/atlas?focus=${encodeURIComponent(m.id)}`, 'data-link': true }, 'Show it on the atlas →'),
            )
          : null,
        h('p', {}, m.overview || 'No synopsis.'),
        m.hasPoster ? h('h3', {}, 'Poster palette') : null,
        h('div', { class: 'palette' }, ...m.palette.map((c) => h('span', { class: 'swatch', style: `background:${c.hex};color:${readableOn(c.hex)};flex-grow:${c.share}`, title: `${c.hex} ${(c.share * 100).toFixed(0)}%` }, c.hex))),
        m.hasPoster ? genresSection(m, signal) : null,
        m.faces ? h('p', {}, `${m.faces} face${m.faces > 1 ? 's' : ''} detected`) : null,
        m.hasPoster ? printedTextSection(text) : null,
        m.typography ? typographySection(m.typography) : null)),
    ...(posters && posters.posters.length > 1 ? [postersSection(m, posters)] : []),
    why.element,
    ...channels,
  );
  if (m.hasPoster) void laterLookalikes(root, m, signal);
  if (m.stills > 0) {
    const placeholder = h('p', { class: 'status' }, 'Loading the look from stills…');
    root.append(placeholder);
    try {
      placeholder.replaceWith(await lookSection(m.id));
    } catch (err) {
      placeholder.textContent = `Error: ${(err as Error).message}`;
    }
    if (m.hasPoster) {
      const versus = await posterVsFilmSection(m.id).catch(() => null);
      if (versus && !signal.aborted) root.append(versus);
    }
    // A film analysed from its video: the timeline (its stills are the shots' keyframes). Asked
    // for only when there is one: any other movie's shots answer 409, an error in the console.
    if (m.film) {
      try {
        const film = await filmSection(m.id);
        if (film && !signal.aborted) {
          root.append(film.element);
          signal.addEventListener('abort', film.cleanup);
        } else film?.cleanup();
      } catch (err) {
        root.append(h('p', { class: 'status' }, `Error: ${(err as Error).message}`));
      }
    }
  }
}

/** "What later posters look like this one": on layout, most unusual for their decades and genres first (appended when there are any). */
async function laterLookalikes(root: HTMLElement, m: Movie, signal: AbortSignal): Promise<void> {
  const list = await movieBorrowings(m.id, 'layout', 'later', 6).catch(() => []);
  if (signal.aborted || list.length === 0) return;
  const section = h('section', { class: 'later-lookalikes', 'aria-label': 'later posters that look like this one' },
    h('h3', {}, 'Later posters laid out like this one'),
    h('p', { class: 'hint' }, 'Unusually alike for posters of their decades and genres. ', h('a', { href: '/borrowings', 'data-link': true }, 'All borrowings →')),
    h('div', { class: 'borrowings' }, ...list.map((b) => borrowingCard(b))));
  const why = root.querySelector('section.why');
  if (why) why.before(section);
  else root.append(section);
}

/** All of a film's posters, grouped into designs (near-duplicates are variants of one), earliest first. */
function postersSection(m: Movie, film: FilmPosters): HTMLElement {
  const designs = [...new Set(film.posters.map((p) => p.design))];
  return h('section', { class: 'film-posters', 'aria-label': 'the film\'s posters' },
    h('h2', {}, `${film.posters.length} posters, ${film.designs} design${film.designs === 1 ? '' : 's'}`),
    h('div', { class: 'designs' }, ...designs.map((d) => h('div', { class: 'design', 'data-design': String(d) },
      h('h3', {}, `Design ${d + 1}`),
      h('div', { class: 'strip' }, ...film.posters.filter((p) => p.design === d).map((p) => {
        const what = [p.rank === 0 ? 'main poster' : p.kind, p.country, p.year].filter((x) => x !== null && x !== undefined).join(' · ') || `poster ${p.rank}`;
        return h('figure', { class: 'film-poster', 'data-rank': String(p.rank) },
          h('a', { href: posterImageUrl(m.id, p.rank), target: '_blank' }, h('img', { src: posterThumbUrl(m.id, p.rank), alt: `${m.title}: ${what}`, loading: 'lazy' })),
          h('figcaption', {}, what));
      }))))));
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

/** Predicted genres, or why there are none yet; while a model trains, its progress, and the page refreshes when it is ready. */
function genresSection(m: Movie, signal: AbortSignal): HTMLElement {
  const truth = new Set(m.genres);
  if (m.predictedGenres)
    return h('div', { class: 'genres' }, h('h3', {}, 'Predicted genres (poster only)'),
      ...m.predictedGenres.slice(0, 8).map((g) => h('div', { class: `gbar${truth.has(g.genre) ? ' true' : ''}` }, h('span', {}, `${g.genre}${truth.has(g.genre) ? ' ✓' : ''}`), h('span', { class: 'gfill', style: `width:${g.p * 100}%` }), h('span', { class: 'gp' }, `${(g.p * 100).toFixed(0)}%`))));
  const hint = h('p', { class: 'hint genre-status', role: 'status' }, genreHint(m.genreModel));
  if (m.genreModel.state === 'training') {
    const poll = async (): Promise<void> => {
      if (signal.aborted) return;
      const s = await genreStatus().catch(() => null);
      if (signal.aborted) return;
      if (s?.state === 'ready') return rerender();
      if (s) hint.textContent = genreHint(s);
      setTimeout(() => void poll(), 5000);
    };
    setTimeout(() => void poll(), 5000);
  }
  return h('div', { class: 'genres' }, h('h3', {}, 'Predicted genres'), hint);
}

function genreHint(s: Movie['genreModel']): string {
  switch (s.state) {
    case 'training':
      return `The genre model is being trained; predictions appear here when it is ready.${s.progress ? ` (${s.progress.replace(/^genres /, '')})` : ''}`;
    case 'failed':
      return 'Genre predictions are unavailable: training the genre model failed (see the server log).';
    case 'stale':
      return 'Genre predictions are unavailable: the genre model was trained for another image model and has not been retrained yet.';
    default:
      return 'Genre predictions are not available: this library has no genre model yet.';
  }
}

/**
 * "Why similar?": the two posters side by side, each with the explanation of the channel whose
 * strip the button was in, and a loading state while the server computes it (content: ~5 s).
 */
function whyPanel(m: Movie): { element: HTMLElement; show(channel: string, other: Result): void } {
  const element = h('section', { class: 'why', hidden: true, 'aria-live': 'polite', tabindex: '-1' });
  let generation = 0;
  const side = (id: string, title: string, channel: string, which: 'a' | 'b', alt: string): HTMLElement => {
    const img = h('img', { alt, width: '300', height: '450' });
    const fig = h('figure', { class: 'why-side loading' }, h('div', { class: 'why-frame' }, img, h('span', { class: 'why-loading' }, 'Computing…')), h('figcaption', {}, title));
    img.addEventListener('load', () => fig.classList.remove('loading'));
    img.addEventListener('error', () => {
      fig.classList.remove('loading');
      fig.classList.add('failed');
      fig.querySelector('.why-loading')!.textContent = 'Could not compute this explanation.';
    });
    img.src = explainUrl(m.id, id, channel, which);
    return fig;
  };
  return {
    element,
    show(channel, other) {
      const mine = ++generation;
      const aTitle = `${m.title}${m.year ? ` (${m.year})` : ''}`;
      const bTitle = `${other.title}${other.year ? ` (${other.year})` : ''}`;
      const caption = WHY_CAPTION[channel] ?? WHY_CAPTION.content!;
      const colours = h('div', { class: 'shared-colours' });
      element.hidden = false;
      element.dataset.channel = channel;
      element.replaceChildren(
        h('h3', {}, `Why ${m.title} and ${other.title} are alike in ${CHANNEL_NAME[channel] ?? channel}`),
        h('p', { class: 'hint' }, caption),
        ...(channel === 'color' ? [colours] : []),
        h('div', { class: 'why-pair' },
          side(other.id, aTitle, channel, 'a', `${aTitle}: ${caption}`),
          side(other.id, bTitle, channel, 'b', `${bTitle}: ${caption}`)),
        h('button', { type: 'button', class: 'why-close', onclick: () => (element.hidden = true) }, 'Close'),
      );
      if (channel === 'color') {
        colours.textContent = 'Finding the shared colours…';
        void sharedColours(m.id, other.id).then(
          (shared) => {
            if (mine !== generation) return;
            colours.replaceChildren(
              ...(shared.length
                ? shared.map((c) => h('span', { class: 'colour-pair', title: `ΔE ${c.deltaE}: ${(c.a.share * 100).toFixed(0)} % of ${m.title}, ${(c.b.share * 100).toFixed(0)} % of ${other.title}` },
                    h('span', { class: 'swatch', style: `background:${c.a.hex};color:${readableOn(c.a.hex)}` }, c.a.hex),
                    h('span', { class: 'swatch', style: `background:${c.b.hex};color:${readableOn(c.b.hex)}` }, c.b.hex)))
                : [h('span', {}, 'No palette colour is shared closely; the colour channel matched their overall colour distributions.')]),
            );
          },
          (err: Error) => mine === generation && (colours.textContent = `Error: ${err.message}`),
        );
      }
      element.focus({ preventScroll: true });
      element.scrollIntoView({ block: 'nearest' });
    },
  };
}

const WHY_CAPTION: Record<string, string> = {
  content: 'What the image model sees in common: on each poster, warmer regions matter more to the match (covering them lowers the similarity the most).',
  color: 'The palette colours both posters share, and where they sit: everything in other colours is greyed out.',
  layout: 'Matching composition: warmer cells have their light and dark masses and edges in the same places on both posters.',
};
