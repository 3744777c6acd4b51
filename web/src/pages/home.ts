/**
 * Home: one search bar for text, images (drop, paste, pick), a blend slot, weights, filters; results
 * grid. With several image models in the library a picker chooses the content channel's model, or
 * compares them: the same query, one column of results per model. URL mirrors the query.
 */
import { identifyUpload, imageModels, movieSummary, searchImage, searchJson, thumbUrl, type ImageModelInfo, type Identified, type Result } from '../api.js';
import { h, type Cleanup } from '../dom.js';
import { resultsGrid } from '../results.js';
import { csvFile, exportButtons, jsonFile } from '../download.js';
import { dropZone, pasteInto } from '../drop-zone.js';

const GENRES = ['Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy', 'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western'];

/** The model picker's value that runs the query once per image model. */
const COMPARE = '*compare';

/** Images live only in the page (they are not in the URL). */
const images: { image?: File; image2?: File } = {};

function slider(name: string, label: string, value: string, title = ''): HTMLElement {
  return h('label', { class: 'slider', ...(title ? { title } : {}) }, h('span', {}, label), h('input', { type: 'range', name, min: '0', max: '1', step: '0.05', value }), h('output', {}, value));
}


export function renderHome(root: HTMLElement): Cleanup {
  images.image = images.image2 = undefined;
  const params = new URLSearchParams(location.search);
  let generation = 0;
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const results = h('section', { class: 'results', 'aria-label': 'results' });
  const selected = new Set((params.get('g') ?? '').split(',').filter(Boolean));
  const chips = h(
    'div',
    { class: 'chips', role: 'group', 'aria-label': 'genres' },
    ...GENRES.map((g) =>
      h('button', { type: 'button', class: `chip${selected.has(g) ? ' on' : ''}`, 'aria-pressed': selected.has(g) ? 'true' : 'false', 'data-genre': g, onclick: (e: Event) => {
        const b = e.currentTarget as HTMLButtonElement;
        if (selected.has(g)) selected.delete(g);
        else selected.add(g);
        b.classList.toggle('on', selected.has(g));
        b.setAttribute('aria-pressed', String(selected.has(g)));
        void run();
      } }, g),
    ),
  );
  const blendMode = h('select', { name: 'blend', 'aria-label': 'blend mode' }, h('option', { value: 'embedding' }, 'blend embeddings'), h('option', { value: 'pixel' }, 'blend pixels'));
  blendMode.value = params.get('blend') === 'pixel' ? 'pixel' : 'embedding';
  blendMode.addEventListener('change', () => void run());
  const blendBox = h('div', { class: 'blend', hidden: true }, slider('mix', 'mix', params.get('mix') ?? '0.5'), blendMode);
  // The image model picker: shown when the library holds more than one (GET /api/models).
  let models: ImageModelInfo[] = [];
  const modelPick = h('select', { name: 'm', 'aria-label': 'image model' });
  const modelBox = h('label', { class: 'model-pick', hidden: true, title: 'which image model judges what posters show (content); "compare" runs the query once per model, side by side' }, 'image model ', modelPick);
  modelPick.addEventListener('change', () => void run());
  void imageModels().then(
    (list) => {
      models = list;
      if (list.length < 2) return;
      modelPick.replaceChildren(
        ...list.map((m) => h('option', { value: m.default ? '' : m.id }, `${m.id}${m.default ? ' (default)' : ''}`)),
        h('option', { value: COMPARE }, 'compare all, side by side'),
      );
      modelPick.value = params.get('m') ?? '';
      modelBox.hidden = false;
      if (params.get('m')) void run();
    },
    () => undefined,
  );
  const showError = (message: string): void => {
    generation++;
    results.replaceChildren();
    status.textContent = `Error: ${message}`;
    status.classList.add('error');
  };
  const zone1 = dropZone({ name: 'image', label: 'Drop, paste or pick a poster', what: 'poster', onChange: (f) => ((images.image = f), sync()), onError: showError });
  const zone2 = dropZone({ name: 'image2', label: 'Second poster to blend', what: 'poster', clearLabel: 'remove the second poster', onChange: (f) => ((images.image2 = f), sync()), onError: showError });
  // "More like this" (?id=): the query movie is shown as the query, and can be removed.
  const queryMovie = h('div', { class: 'query-movie', hidden: true });
  const showQueryMovie = (id: string): void => {
    queryMovie.hidden = false;
    const title = h('span', { class: 'query-title' }, `movie ${id}`);
    queryMovie.replaceChildren(
      h('img', { src: thumbUrl(id), alt: '', width: '40', height: '60' }),
      h('span', {}, 'More like ', title),
      h('button', { type: 'button', class: 'clear-query', 'aria-label': 'remove the query movie', onclick: () => {
        params.delete('id');
        queryMovie.hidden = true;
        void run();
      } }, '×'),
    );
    void movieSummary(id).then(
      (m) => (title.textContent = `${m.title}${m.year ? ` (${m.year})` : ''}`),
      () => (title.textContent = `movie ${id} (not in the library)`),
    );
  };
  const form = h(
    'form',
    { class: 'search', role: 'search' },
    h('div', { class: 'row' },
      h('input', { type: 'search', name: 'q', placeholder: 'Describe a movie, or drop / paste a poster…', 'aria-label': 'search text', value: params.get('q') ?? '' }),
      h('button', { type: 'submit' }, 'Search')),
    queryMovie,
    h('div', { class: 'row images' }, zone1.element, zone2.element, blendBox, modelBox),
    h('details', { class: 'tuning', open: params.has('wc') || params.has('g') || params.has('y1') },
      h('summary', {}, 'Weights and filters'),
      h('div', { class: 'row' }, slider('wc', 'content', params.get('wc') ?? '0.7'), slider('wk', 'colour', params.get('wk') ?? '0.15'), slider('wl', 'layout', params.get('wl') ?? '0.15'), slider('wi', 'identity', params.get('wi') ?? '0.5'), slider('wy', 'typography', params.get('wy') ?? '0'), slider('wt', 'text', params.get('wt') ?? '0.5', 'weight of the text side against the poster: your words, or for "more like this" without words the movie\'s own synopsis')),
      h('div', { class: 'row' },
        h('label', {}, 'from ', h('input', { type: 'number', name: 'y1', min: '1870', max: '2100', placeholder: 'year', value: params.get('y1') ?? '' })),
        h('label', {}, 'to ', h('input', { type: 'number', name: 'y2', min: '1870', max: '2100', placeholder: 'year', value: params.get('y2') ?? '' })),
        h('label', {}, 'country ', h('input', { type: 'text', name: 'c', placeholder: 'US, GB', size: '8', value: params.get('c') ?? '' })),
        h('label', { title: 'a film with several posters (teaser, international, re-release) is one result, ranked by its best poster, or each of its posters is a result of its own' }, 'one result per ',
          h('select', { name: 'per', 'aria-label': 'one result per film or per poster', onchange: (() => void run()) as EventListener },
            h('option', { value: '' }, 'film'), h('option', { value: 'poster', ...(params.get('per') === 'poster' ? { selected: true } : {}) }, 'poster')))),
      chips),
  );
  const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '';
  for (const out of form.querySelectorAll('label.slider')) {
    const input = out.querySelector('input')!;
    input.addEventListener('input', () => (out.querySelector('output')!.textContent = input.value));
    input.addEventListener('change', () => void run());
  }
  const sync = () => {
    blendBox.hidden = !(images.image && images.image2);
    // A poster replaces the "more like this" movie as the query.
    if (images.image && params.has('id')) {
      params.delete('id');
      queryMovie.hidden = true;
    }
    void run();
  };
  form.addEventListener('submit', (e) => (e.preventDefault(), void run()));

  async function run(): Promise<void> {
    const text = value('q').trim();
    const id = params.get('id') ?? '';
    status.classList.remove('error');
    if (!text && !images.image && !id) {
      // No query (the last one was cleared): no results, no count.
      generation++;
      results.replaceChildren();
      status.textContent = '';
      history.replaceState(null, '', '/');
      return;
    }
    const mine = ++generation;
    const started = performance.now();
    const url = new URLSearchParams();
    // The blend's mix and mode mean something only with two posters: a text search's URL does not carry them.
    const blending = Boolean(images.image && images.image2);
    for (const n of ['q', 'wc', 'wk', 'wl', 'wi', 'wy', 'wt', 'y1', 'y2', 'c', 'mix', 'blend', 'm', 'per']) if (value(n) && (blending || (n !== 'mix' && n !== 'blend'))) url.set(n, value(n));
    if (id) url.set('id', id);
    if (selected.size) url.set('g', [...selected].join(','));
    history.replaceState(null, '', `/?${url}`);
    const weights = { content: Number(value('wc')), color: Number(value('wk')), layout: Number(value('wl')), typography: Number(value('wy')) };
    const filters: Record<string, unknown> = {};
    if (value('y1')) filters.yearFrom = Number(value('y1'));
    if (value('y2')) filters.yearTo = Number(value('y2'));
    if (selected.size) filters.genres = [...selected];
    const countries = value('c').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
    if (countries.length) filters.countries = countries;
    status.textContent = 'Searching…';
    // The model only matters to image and movie queries (their content channel).
    const picked = images.image || id ? value('m') : '';
    try {
      if (picked === COMPARE) {
        const columns = await Promise.all(models.map((m) => query(m.default ? '' : m.id).then((r) => ({ model: m, found: r.found }))));
        if (mine !== generation) return;
        results.replaceChildren(
          h('div', { class: 'compare' }, ...columns.map((c) => h('section', { class: 'compare-col', 'aria-label': `results by ${c.model.id}`, 'data-model': c.model.id }, h('h2', {}, `${c.model.id}${c.model.default ? ' (default)' : ''}`), resultsGrid(c.found)))),
        );
        const ms = performance.now() - started;
        status.textContent = `${models.length} models compared in ${ms.toFixed(0)} ms`;
        return;
      }
      const { found, identified, later } = await query(picked);
      if (mine !== generation) return;
      show(found, identified);
      const ms = performance.now() - started;
      results.dataset.renderMs = ms.toFixed(1);
      status.textContent = `${found.length} results in ${ms.toFixed(0)} ms`;
      if (later && images.image) {
        // The image channels answered at once; the upload's text is read now, and the film it shows is pinned first.
        status.textContent += ' · reading the poster\'s text…';
        const answer = await identifyUpload(images.image);
        if (mine !== generation) return;
        // Filters narrow the results, not the answer: a film outside them gets the banner without a card.
        const narrowed = Object.keys(filters).length > 0;
        const pinned = answer.match && (found.find((r) => r.id === answer.match!.id) ?? (narrowed ? undefined : answer.candidates.find((r) => r.id === answer.match!.id)));
        show(pinned ? [pinned, ...found.filter((r) => r.id !== pinned.id)].slice(0, Math.max(found.length, 1)) : found, answer.match);
        status.textContent = `${found.length} results in ${ms.toFixed(0)} ms · ${answer.match ? 'film identified' : 'no catalog film named by its text or look'} in ${(performance.now() - started).toFixed(0)} ms`;
      }
    } catch (err) {
      if (mine === generation) showError((err as Error).message);
    }

    function show(found: Result[], identified: Identified): void {
      results.replaceChildren(
        ...(identified
          ? [h('p', { class: 'identified', role: 'note' }, identified.poster && identified.poster.rank > 0 ? `This is a further poster (${[identified.poster.kind ?? `poster ${identified.poster.rank}`, identified.poster.country, identified.poster.year].filter((x) => x !== null).join(', ')}) of ` : 'This is the poster of ', h('a', { href: `/movie/${encodeURIComponent(identified.id)}`, 'data-link': true }, `${identified.title}${identified.year ? ` (${identified.year})` : ''}`), ` — confidence ${(identified.confidence * 100).toFixed(0)}%`)]
          : []),
        resultsGrid(found),
        found.length ? exportButtons('these results', [csvFile('marquee-results.csv', async () => (await import('../../../src/search/results-csv.js')).resultsCsv(found)), jsonFile('marquee-results.json', () => ({ results: found }))]) : '',
      );
    }

    /** The query as the form says, content by image model `model` ('' the default); `later`: the upload's identity is still to be asked for. */
    async function query(model: string): Promise<{ found: Result[]; identified: Identified; later: boolean }> {
      let found: Result[];
      let identified: Identified = null;
      let later = false;
      if (images.image) {
        const fields: Record<string, string> = { k: '24', weights: Object.entries({ ...weights, identity: Number(value('wi')) }).map(([k, v]) => `${k}=${v}`).join(','), weightImage: String(1 - Number(value('wt'))) };
        // One upload: results at once, its identity asked for after (it waits for the text to be read).
        later = !text && !images.image2 && Number(value('wi')) > 0;
        if (later) fields.identify = 'later';
        if (text) fields.text = text;
        if (images.image2) (fields.mix = value('mix')), (fields.blend = value('blend'));
        if (filters.yearFrom) fields.yearFrom = String(filters.yearFrom);
        if (filters.yearTo) fields.yearTo = String(filters.yearTo);
        if (selected.size) fields.genres = [...selected].join(',');
        if (countries.length) fields.countries = countries.join(',');
        if (model) fields.model = model;
        if (value('per')) fields.per = value('per');
        ({ results: found, identified } = await searchImage({ image: images.image, image2: images.image2 }, fields));
      } else {
        // "More like this": the text slider weighs the typed text, or without any the movie's own synopsis
        // (posters and story: 0.5 shares a genre most often, `npm run bench -- weights`).
        found = await searchJson({ ...(text ? { text } : {}), ...(id ? { id, weights, weightImage: 1 - Number(value('wt')) } : {}), ...(model ? { model } : {}), ...(value('per') ? { per: value('per') } : {}), filters, k: 24 });
      }
      return { found, identified, later };
    }
  }

  const stopPaste = pasteInto(zone1);
  root.replaceChildren(form, status, results);
  if (params.get('id')) showQueryMovie(params.get('id')!);
  void run();
  return () => {
    stopPaste();
    generation++;
  };
}
