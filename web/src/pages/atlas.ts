/**
 * The atlas page: the viewer (../atlas/viewer.ts) with its controls — layout, colouring and its
 * legend, a text search to highlight — a hover title, the box selection's export, and the place
 * on the map in the URL (`view`, `z`, `cx`, `cy`; `focus=<id>` centres a poster), so a view can be
 * shared and reloaded. `?synthetic=50000` replicates the points to test scale; `?lod=0|1` forces
 * the level of detail.
 */
import { seededRandom } from '../../../src/util/random.js';
import { ApiError, atlas, searchJson, type Atlas, type AtlasPoint } from '../api.js';
import { colouring, COLOUR_BYS, VIEWS, type ColourBy, type View } from '../atlas/layout.js';
import { AtlasViewer, type Viewport } from '../atlas/viewer.js';
import { asyncPage, h, navigate, type Cleanup } from '../dom.js';
import { download } from '../download.js';

const VIEW_NAMES: Record<View, string> = { umap: 'UMAP', pca: 'PCA', tsne: 't-SNE', grid: 'grid', clusters: 'clusters' };

export function renderAtlas(root: HTMLElement): Cleanup {
  return asyncPage((signal) => atlasPage(root, signal));
}

/** `synthetic` copies of the points, jittered (a scale test of the viewer, never stored). */
function withSynthetic(data: Atlas, synthetic: number): AtlasPoint[] {
  if (synthetic <= data.points.length) return data.points;
  const rand = seededRandom(7);
  return Array.from({ length: synthetic }, (_, i) => {
    const p = data.points[i % data.points.length]!;
    const j = () => (rand() - 0.5) * 0.02;
    return { ...p, umap: [p.umap[0] + j(), p.umap[1] + j()], pca: [p.pca[0] + j(), p.pca[1] + j()], tsne: [p.tsne[0] + j(), p.tsne[1] + j()] };
  });
}

async function atlasPage(root: HTMLElement, signal: AbortSignal): Promise<void> {
  const params = new URLSearchParams(location.search);
  const status = h('p', { class: 'status' }, 'Loading atlas…');
  root.replaceChildren(status);
  let data: Atlas | undefined;
  try {
    // Built by a background job (a fresh `npm start`): say what it is doing while it is.
    data = await atlas(signal, (err) => status.replaceChildren(err.message, ' · ', h('a', { href: '/jobs', 'data-link': true }, 'jobs')));
  } catch (err) {
    status.replaceChildren(err instanceof ApiError ? err.message : String(err));
    return;
  }
  if (!data) return;
  const points = withSynthetic(data, Number(params.get('synthetic') ?? 0));

  const tooltip = h('div', { class: 'atlas-tip', hidden: true });
  const selection = h('div', { class: 'atlas-selection', hidden: true });
  const stage = h('div', { class: 'atlas-stage', tabindex: '0', 'aria-busy': 'true', 'aria-label': 'poster map: drag to pan, wheel or +/- to zoom, shift-drag to select' });
  const viewSel = h('select', { 'aria-label': 'view' }, ...VIEWS.map((v) => h('option', { value: v }, VIEW_NAMES[v])));
  const colourSel = h('select', { 'aria-label': 'colour by' }, ...COLOUR_BYS.map((c) => h('option', { value: c }, c === 'none' ? 'no colour' : `colour by ${c}`)));
  const query = h('input', { type: 'search', placeholder: 'highlight a text search…', 'aria-label': 'highlight search' });
  const found = h('span', { class: 'status', 'aria-live': 'polite' });
  // The legend sits over the map's corner: below it, it fell under the fold at 1366 x 900.
  const legend = h('div', { class: 'atlas-legend', hidden: true, 'aria-label': 'legend' });
  root.replaceChildren(
    h('div', { class: 'atlas-bar' }, viewSel, colourSel, query, found, h('span', { class: 'status' }, `${points.length} posters · ${data.meta.k} clusters`)),
    h('div', { class: 'atlas-wrap' }, stage, legend),
    tooltip,
    selection,
  );
  signal.addEventListener('abort', () => (tooltip.remove(), selection.remove()), { once: true });

  const view: View = VIEWS.includes(params.get('view') as View) ? (params.get('view') as View) : 'umap';
  viewSel.value = view;
  const remember = (change: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(change)) v === undefined ? params.delete(k) : params.set(k, v);
    history.replaceState(null, '', `/atlas?${params}`);
  };
  const lod = params.get('lod');
  const viewer = await AtlasViewer.create(
    stage,
    data,
    points,
    {
      view,
      lod: lod === '1' ? true : lod === '0' ? false : undefined,
      onHover(p, x, y) {
        tooltip.hidden = !p;
        if (!p) return;
        tooltip.textContent = `${p.title}${p.year ? ` (${p.year})` : ''}`;
        tooltip.style.left = `${x + 12}px`;
        tooltip.style.top = `${y + 12}px`;
      },
      onOpen: (p) => navigate(`/movie/${encodeURIComponent(p.id)}`),
      onSelect(ids) {
        selection.hidden = false;
        selection.dataset.ids = ids.join(',');
        selection.replaceChildren(
          h('span', {}, `${ids.length} selected `),
          h('button', { type: 'button', onclick: () => download('marquee-selection.csv', 'text/csv', `id\n${ids.join('\n')}\n`) }, 'Export CSV'),
          h('button', { type: 'button', onclick: () => download('marquee-selection.json', 'application/json', JSON.stringify({ ids })) }, 'Export JSON'),
        );
      },
      onViewport: (v: Viewport) => remember({ z: v.zoom.toFixed(2), cx: v.cx.toFixed(3), cy: v.cy.toFixed(3), focus: undefined }),
    },
    signal,
  );
  if (!viewer) return;
  signal.addEventListener('abort', () => viewer.destroy(), { once: true });

  const focus = params.get('focus');
  const [z, cx, cy] = ['z', 'cx', 'cy'].map((k) => Number(params.get(k)));
  if (focus) viewer.focus(focus);
  else if (z > 0 && Number.isFinite(cx) && Number.isFinite(cy)) viewer.setViewport({ zoom: z, cx, cy });

  viewSel.addEventListener('change', () => {
    viewer.update({ view: viewSel.value as View });
    remember({ view: viewSel.value });
  });
  colourSel.addEventListener('change', () => {
    const by = colourSel.value as ColourBy;
    const { tints, legend: entries } = colouring(points, data, by);
    viewer.update({ tints });
    legend.hidden = by === 'none';
    legend.replaceChildren(...entries.map((e) => h('span', { class: 'legend-item', title: `${e.count} posters` }, h('i', { style: `background:#${e.colour.toString(16).padStart(6, '0')}` }), e.label)));
  });
  query.addEventListener('change', async () => {
    const text = query.value.trim();
    const hits = text ? new Set((await searchJson({ text, k: 60 })).map((r) => r.id)) : null;
    if (signal.aborted) return;
    viewer.update({ highlight: hits });
    // How many of the search's results are on the map (a filtered or synthetic map may lack some).
    const shown = hits ? new Set(points.filter((p) => hits.has(p.id)).map((p) => p.id)).size : 0;
    found.textContent = hits ? `${shown} of ${hits.size} results highlighted` : '';
  });
  status.remove();
  stage.setAttribute('aria-busy', 'false');
}
