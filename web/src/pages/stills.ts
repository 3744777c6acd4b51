/** Stills: "which movie is this frame from?" and every movie with stills, by barcode. */
import { ApiError, barcodeUrl, moviesWithStills, whichMovie } from '../api.js';
import { asyncPage, h, type Cleanup } from '../dom.js';
import { dropZone, pasteInto } from '../drop-zone.js';

export function renderStills(root: HTMLElement): Cleanup {
  return asyncPage((signal) => stillsPage(root, signal));
}

async function stillsPage(root: HTMLElement, signal: AbortSignal): Promise<void> {
  const answer = h('ol', { class: 'which', 'aria-live': 'polite' });
  const status = h('p', { class: 'status', role: 'status' });
  // A newer still replaces the answer to an older one still on its way.
  let asked = 0;
  const ask = async (f: File | undefined): Promise<void> => {
    const mine = ++asked;
    if (!f) {
      status.textContent = '';
      answer.replaceChildren();
      return;
    }
    status.textContent = 'Looking…';
    status.classList.remove('error');
    status.classList.remove('low-confidence');
    answer.replaceChildren();
    try {
      const { movies, confident, threshold } = await whichMovie(f);
      if (mine !== asked || signal.aborted) return;
      const best = movies[0];
      if (!best) status.textContent = 'No movie with stills.';
      else if (confident) status.textContent = `Most likely ${best.title}`;
      else {
        status.classList.add('low-confidence');
        status.textContent = `Low confidence: this is probably not a frame of any film here (the closest, ${best.title}, scores ${best.score.toFixed(3)}; frames of indexed films usually score above ${threshold.toFixed(3)}).`;
      }
      answer.classList.toggle('uncertain', !confident);
      answer.replaceChildren(...movies.map((m) => h('li', { 'data-id': m.id }, h('a', { href: `/movie/${encodeURIComponent(m.id)}`, 'data-link': true }, m.title), ` ${m.score.toFixed(3)}`)));
    } catch (err) {
      if (mine !== asked || signal.aborted) return;
      status.textContent = err instanceof ApiError && err.code === 'no_stills' ? 'This library has no film stills yet.' : `Error: ${(err as Error).message}`;
    }
  };
  const zone = dropZone({ name: 'still', label: 'Drop, paste or pick a film still', what: 'still', onChange: (f) => void ask(f), onError: (message) => {
    // A refused file also outdates the answer to a still still on its way.
    asked++;
    answer.replaceChildren();
    status.classList.remove('low-confidence');
    status.classList.add('error');
    status.textContent = message;
  } });
  signal.addEventListener('abort', pasteInto(zone));
  root.replaceChildren(
    h('section', { class: 'stills-page' },
      h('h1', {}, 'Which movie is this frame from?'),
      h('div', { class: 'row images which-upload' }, zone.element),
      status,
      answer,
      h('h2', {}, 'Movies with stills'),
      h('p', {}, h('a', { href: '/stills/atlas', 'data-link': true }, 'Map of every still →'), ' · ', h('a', { href: '/poster-vs-film', 'data-link': true }, 'Which posters misrepresent their film? →')),
      h('p', { class: 'status' }, 'Loading…'),
    ),
  );
  try {
    const list = await moviesWithStills();
    if (signal.aborted) return;
    if (!list.length) {
      root.querySelector('.stills-page > p.status:last-child')!.textContent = 'This library has no film stills yet.';
      return;
    }
    root.querySelector('.stills-page > p.status:last-child')!.replaceWith(
      h('ul', { class: 'barcodes' }, ...list.map((m) => h('li', {}, h('a', { href: `/movie/${encodeURIComponent(m.id)}`, 'data-link': true }, h('img', { src: barcodeUrl(m.id), alt: '', class: 'barcode', loading: 'lazy' }), h('span', {}, `${m.title}${m.year ? ` (${m.year})` : ''} · ${m.stills} stills`))))),
    );
  } catch (err) {
    root.querySelector('.stills-page > p.status:last-child')!.textContent = `Error: ${(err as Error).message}`;
  }
}
