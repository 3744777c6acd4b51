/**
 * The stills map (`/stills/atlas`): every still as a 16:9 sprite in the atlas viewer
 * (../atlas/viewer.ts) — the grid laid out from the PCA plane, the plane itself, or the clusters —
 * coloured by film, by hue or by cluster, a hover title, a click to the film. The place on the map
 * is kept in the URL (`view`, `colour`, `z`, `cx`, `cy`).
 */
import { ApiError, stillsAtlas, stillsAtlasSheet, stillUrl, type StillsAtlas } from '../api.js';
import type { View } from '../atlas/layout.js';
import { pointsOf, STILLS_COLOURS, stillsColouring, type StillsColour } from '../atlas/stills-map.js';
import { AtlasViewer, type Viewport } from '../atlas/viewer.js';
import { asyncPage, h, navigate, type Cleanup } from '../dom.js';

const VIEWS: readonly View[] = ['grid', 'pca', 'clusters'];
const VIEW_NAMES: Partial<Record<View, string>> = { grid: 'grid', pca: 'PCA plane', clusters: 'clusters' };

export function renderStillsAtlas(root: HTMLElement): Cleanup {
  return asyncPage((signal) => stillsAtlasPage(root, signal));
}

async function stillsAtlasPage(root: HTMLElement, signal: AbortSignal): Promise<void> {
  const params = new URLSearchParams(location.search);
  const status = h('p', { class: 'status' }, 'Loading the stills map…');
  root.replaceChildren(status);
  let data: StillsAtlas | undefined;
  try {
    data = await stillsAtlas(signal, (err) => status.replaceChildren(err.message, ' · ', h('a', { href: '/jobs', 'data-link': true }, 'jobs')));
  } catch (err) {
    status.replaceChildren(err instanceof ApiError ? err.message : String(err));
    return;
  }
  if (!data) return;
  const map = data;
  const points = pointsOf(map);
  // The map's own shape: the cluster sizes by id (the viewer's cluster view indexes them so).
  const clusters = Array.from({ length: map.meta.k }, (_, id) => ({ size: map.meta.clusters.find((c) => c.id === id)?.size ?? 0 }));
  const mapData = { meta: { tile: map.meta.tile, grid: map.meta.grid, k: map.meta.k, clusters }, points };

  const tooltip = h('div', { class: 'atlas-tip', hidden: true });
  const stage = h('div', { class: 'atlas-stage', tabindex: '0', 'aria-busy': 'true', 'aria-label': 'stills map: drag to pan, wheel or +/- to zoom' });
  const viewSel = h('select', { 'aria-label': 'view' }, ...VIEWS.map((v) => h('option', { value: v }, VIEW_NAMES[v] ?? v)));
  const colourSel = h('select', { 'aria-label': 'colour by' }, ...STILLS_COLOURS.map((c) => h('option', { value: c }, c === 'none' ? 'no colour' : `colour by ${c}`)));
  const legend = h('div', { class: 'atlas-legend', hidden: true, 'aria-label': 'legend' });
  root.replaceChildren(
    h('div', { class: 'atlas-bar' }, viewSel, colourSel, h('span', { class: 'status' }, `${points.length} stills of ${map.films.length} films · ${map.meta.k} kinds of shot`)),
    h('div', { class: 'atlas-wrap' }, stage, legend),
    tooltip,
  );
  signal.addEventListener('abort', () => tooltip.remove(), { once: true });

  const view: View = VIEWS.includes(params.get('view') as View) ? (params.get('view') as View) : 'grid';
  viewSel.value = view;
  const remember = (change: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(change)) v === undefined ? params.delete(k) : params.set(k, v);
    history.replaceState(null, '', `/stills/atlas?${params}`);
  };
  const viewer = await AtlasViewer.create(
    stage,
    mapData,
    points,
    {
      view,
      sheet: stillsAtlasSheet,
      imageUrl: (p) => stillUrl(map.films[p.film]!.id, p.seq),
      onHover(p, x, y) {
        tooltip.hidden = !p;
        if (!p) return;
        const film = map.films[p.film]!;
        tooltip.textContent = `${film.title}${film.year ? ` (${film.year})` : ''} · still ${p.seq}`;
        tooltip.style.left = `${x + 12}px`;
        tooltip.style.top = `${y + 12}px`;
      },
      onOpen: (p) => navigate(`/movie/${encodeURIComponent(map.films[p.film]!.id)}`),
      onViewport: (v: Viewport) => remember({ z: v.zoom.toFixed(2), cx: v.cx.toFixed(3), cy: v.cy.toFixed(3) }),
    },
    signal,
  );
  if (!viewer) return;
  signal.addEventListener('abort', () => viewer.destroy(), { once: true });
  const [z, cx, cy] = ['z', 'cx', 'cy'].map((k) => Number(params.get(k)));
  if (z > 0 && Number.isFinite(cx) && Number.isFinite(cy)) viewer.setViewport({ zoom: z, cx, cy });

  const colour = (by: StillsColour) => {
    const { tints, entries } = stillsColouring(points, map, by);
    viewer.update({ tints });
    legend.hidden = by === 'none';
    legend.replaceChildren(...entries.map((e) => h('span', { class: 'legend-item', title: `${e.count} stills` }, h('i', { style: `background:#${e.colour.toString(16).padStart(6, '0')}` }), e.label)));
  };
  const initial = STILLS_COLOURS.includes(params.get('colour') as StillsColour) ? (params.get('colour') as StillsColour) : 'none';
  colourSel.value = initial;
  if (initial !== 'none') colour(initial);
  viewSel.addEventListener('change', () => {
    viewer.update({ view: viewSel.value as View });
    remember({ view: viewSel.value });
  });
  colourSel.addEventListener('change', () => {
    colour(colourSel.value as StillsColour);
    remember({ colour: colourSel.value === 'none' ? undefined : colourSel.value });
  });
  status.remove();
  stage.setAttribute('aria-busy', 'false');
}
