/** Home: one search bar for text, images (drop, paste, pick), a blend slot, weights, filters; results grid. URL mirrors the query. */
import { searchImage, searchJson, type Identified, type Result } from '../api.js';
import { h, type Cleanup } from '../dom.js';
import { resultsGrid } from '../results.js';

const GENRES = ['Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy', 'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western'];

/** Images live only in the page (they are not in the URL). */
const images: { image?: File; image2?: File } = {};

function slider(name: string, label: string, value: string): HTMLElement {
  return h('label', { class: 'slider' }, h('span', {}, label), h('input', { type: 'range', name, min: '0', max: '1', step: '0.05', value }), h('output', {}, value));
}

function dropZone(slot: 'image' | 'image2', label: string, onChange: () => void): HTMLElement {
  const input = h('input', { type: 'file', accept: 'image/*', name: slot, id: `file-${slot}`, class: 'visually-hidden' });
  const preview = h('img', { class: 'preview', alt: '' });
  const zone = h('label', { class: 'drop', for: `file-${slot}`, tabindex: '0', role: 'button', 'aria-label': label }, h('span', { class: 'drop-text' }, label), preview, input);
  const set = (f: File | undefined) => {
    images[slot] = f;
    zone.classList.toggle('has-image', !!f);
    preview.src = f ? URL.createObjectURL(f) : '';
    preview.alt = f ? `query image ${f.name}` : '';
    onChange();
  };
  input.addEventListener('change', () => set(input.files?.[0]));
  zone.addEventListener('dragover', (e) => (e.preventDefault(), zone.classList.add('over')));
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f) set(f);
  });
  zone.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), input.click()));
  const clear = h('button', { type: 'button', class: 'clear', onclick: () => ((input.value = ''), set(undefined)) }, '×');
  return h('div', { class: 'drop-wrap' }, zone, clear);
}

export function renderHome(root: HTMLElement): Cleanup {
  const params = new URLSearchParams(location.search);
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
  const blendBox = h('div', { class: 'blend', hidden: true }, slider('mix', 'mix', params.get('mix') ?? '0.5'), h('select', { name: 'blend', 'aria-label': 'blend mode' }, h('option', { value: 'embedding' }, 'blend embeddings'), h('option', { value: 'pixel' }, 'blend pixels')));
  const form = h(
    'form',
    { class: 'search', role: 'search' },
    h('div', { class: 'row' },
      h('input', { type: 'search', name: 'q', placeholder: 'Describe a movie, or drop / paste a poster…', 'aria-label': 'search text', value: params.get('q') ?? '' }),
      h('button', { type: 'submit' }, 'Search')),
    h('div', { class: 'row images' }, dropZone('image', 'Drop, paste or pick a poster', () => sync()), dropZone('image2', 'Second poster to blend', () => sync()), blendBox),
    h('details', { class: 'tuning', open: params.has('wc') || params.has('g') || params.has('y1') },
      h('summary', {}, 'Weights and filters'),
      h('div', { class: 'row' }, slider('wc', 'content', params.get('wc') ?? '0.7'), slider('wk', 'colour', params.get('wk') ?? '0.15'), slider('wl', 'layout', params.get('wl') ?? '0.15'), slider('wi', 'identity', params.get('wi') ?? '0.5'), slider('wy', 'typography', params.get('wy') ?? '0'), slider('wt', 'text', params.get('wt') ?? '0.5')),
      h('div', { class: 'row' },
        h('label', {}, 'from ', h('input', { type: 'number', name: 'y1', min: '1870', max: '2100', placeholder: 'year', value: params.get('y1') ?? '' })),
        h('label', {}, 'to ', h('input', { type: 'number', name: 'y2', min: '1870', max: '2100', placeholder: 'year', value: params.get('y2') ?? '' })),
        h('label', {}, 'country ', h('input', { type: 'text', name: 'c', placeholder: 'US, GB', size: '8', value: params.get('c') ?? '' }))),
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
    void run();
  };
  const onPaste = (e: ClipboardEvent): void => {
    const f = [...(e.clipboardData?.files ?? [])].find((x) => x.type.startsWith('image/'));
    if (f) {
      images.image = f;
      const zone = form.querySelector('.drop') as HTMLElement;
      zone.classList.add('has-image');
      (zone.querySelector('img') as HTMLImageElement).src = URL.createObjectURL(f);
      sync();
    }
  };
  form.addEventListener('submit', (e) => (e.preventDefault(), void run()));

  let generation = 0;
  async function run(): Promise<void> {
    const text = value('q').trim();
    const id = params.get('id') ?? '';
    if (!text && !images.image && !id) return;
    const mine = ++generation;
    const started = performance.now();
    const url = new URLSearchParams();
    for (const n of ['q', 'wc', 'wk', 'wl', 'wi', 'wy', 'wt', 'y1', 'y2', 'c', 'mix']) if (value(n)) url.set(n, value(n));
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
    try {
      let found: Result[];
      let identified: Identified = null;
      if (images.image) {
        const fields: Record<string, string> = { k: '24', weights: Object.entries({ ...weights, identity: Number(value('wi')) }).map(([k, v]) => `${k}=${v}`).join(','), weightImage: String(1 - Number(value('wt'))) };
        if (text) fields.text = text;
        if (images.image2) (fields.mix = value('mix')), (fields.blend = value('blend'));
        if (filters.yearFrom) fields.yearFrom = String(filters.yearFrom);
        if (filters.yearTo) fields.yearTo = String(filters.yearTo);
        if (selected.size) fields.genres = [...selected].join(',');
        if (countries.length) fields.countries = countries.join(',');
        ({ results: found, identified } = await searchImage({ image: images.image, image2: images.image2 }, fields));
      } else {
        found = await searchJson({ ...(text ? { text } : {}), ...(id ? { id, weights } : {}), ...(id && text ? { weightImage: 1 - Number(value('wt')) } : {}), filters, k: 24 });
      }
      if (mine !== generation) return;
      results.replaceChildren(
        ...(identified
          ? [h('p', { class: 'identified', role: 'note' }, 'This is the poster of ', h('a', { href: `/movie/${encodeURIComponent(identified.id)}`, 'data-link': true }, `${identified.title}${identified.year ? ` (${identified.year})` : ''}`), ` — confidence ${(identified.confidence * 100).toFixed(0)}%`)]
          : []),
        resultsGrid(found),
      );
      const ms = performance.now() - started;
      results.dataset.renderMs = ms.toFixed(1);
      status.textContent = `${found.length} results in ${ms.toFixed(0)} ms`;
    } catch (err) {
      if (mine === generation) status.textContent = `Error: ${(err as Error).message}`;
    }
  }

  document.addEventListener('paste', onPaste);
  root.replaceChildren(form, status, results);
  if (params.get('id')) status.textContent = 'More like this…';
  void run();
  return () => document.removeEventListener('paste', onPaste);
}
