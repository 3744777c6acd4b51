/**
 * Atlas: every poster as a WebGL sprite (pixi.js ParticleContainers, one per texture sheet), smooth
 * pan/zoom, animated switches between UMAP / PCA / t-SNE / grid / cluster views, colouring by
 * genre / decade / cluster, hover titles, click to open, shift-drag box select with CSV/JSON export,
 * search highlighting. `?synthetic=50000` replicates the points to test scale.
 */
import { Application, Container, Graphics, Matrix, Particle, ParticleContainer, Rectangle, RenderTexture, Sprite, Texture } from 'pixi.js';
import { seededRandom } from '../../../src/util/random.js';
import { askForTokenOn401, posterUrl, searchJson, thumbUrl, type Atlas, type AtlasPoint } from '../api.js';
import { asyncPage, h, navigate, type Cleanup } from '../dom.js';

type AtlasData = Atlas;
type View = 'umap' | 'pca' | 'tsne' | 'grid' | 'clusters';
type ColourBy = 'none' | 'genre' | 'decade' | 'cluster';

const WORLD = 4000;
const COLOURS = [0xe6194b, 0x3cb44b, 0xffe119, 0x4363d8, 0xf58231, 0x911eb4, 0x46f0f0, 0xf032e6, 0xbcf60c, 0xfabebe, 0x008080, 0xe6beff, 0x9a6324, 0xfffac8, 0x800000, 0xaaffc3, 0x808000, 0xffd8b1];

declare global {
  interface Window { __atlas?: { ready: boolean; points: number; scale(): number; screenPos(id: string): { x: number; y: number } | null; sharp(): number; bench(ms: number): Promise<{ fps: number; p50: number; p95: number; frames: number }> } }
}

function layout(points: AtlasPoint[], data: AtlasData, view: View): Float32Array {
  const out = new Float32Array(points.length * 2);
  const { cols, rows } = data.meta.grid;
  const s = Math.max(cols, rows);
  const k = data.meta.k;
  // Cluster view: each cluster in its own compact grid, clusters around a circle.
  const members = new Map<number, number>();
  points.forEach((p, i) => {
    let x: number, y: number;
    if (view === 'grid') [x, y] = [((p.cell % cols) + 0.5) / s, (Math.floor(p.cell / cols) + 0.5) / s];
    else if (view === 'clusters') {
      const idx = members.get(p.cluster) ?? 0;
      members.set(p.cluster, idx + 1);
      const size = data.meta.clusters[p.cluster]?.size ?? 1;
      const side = Math.ceil(Math.sqrt(size * (points.length / data.points.length)));
      const angle = (2 * Math.PI * p.cluster) / k;
      const cx = 0.5 + 0.33 * Math.cos(angle);
      const cy = 0.5 + 0.33 * Math.sin(angle);
      const cell = 0.5 / Math.max(12, Math.sqrt(points.length) * 1.2);
      x = cx + ((idx % side) - side / 2) * cell;
      y = cy + (Math.floor(idx / side) - side / 2) * cell;
    } else [x, y] = p[view];
    out[i * 2] = x * WORLD;
    out[i * 2 + 1] = y * WORLD;
  });
  return out;
}

/** The atlas page; leaving it destroys the WebGL application, its ticker and its textures. */
/** A cluster's legend name: its label, and what a dual encoder says its posters show. */
function clusterName(c: Atlas['meta']['clusters'][number] | undefined): string | undefined {
  if (!c) return undefined;
  return c.shows ? `${c.label} · ${c.shows.prompt.replace(/^a poster (with |of )?/, '')}` : c.label;
}

export function renderAtlas(root: HTMLElement): Cleanup {
  return asyncPage((signal) => atlasPage(root, signal));
}

async function atlasPage(root: HTMLElement, signal: AbortSignal): Promise<void> {
  const params = new URLSearchParams(location.search);
  const status = h('p', { class: 'status' }, 'Loading atlas…');
  root.replaceChildren(status);
  let res = await fetch('/api/atlas');
  if (signal.aborted) return;
  askForTokenOn401(res);
  // Built by a background job (a fresh `npm start`): say what it is doing, and look again every few seconds.
  while (!res.ok) {
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    if (signal.aborted) return;
    status.replaceChildren(error.message, ...(error.code === 'atlas_building' ? [' · ', h('a', { href: '/jobs', 'data-link': true }, 'jobs')] : []));
    if (error.code !== 'atlas_building') return;
    await new Promise((r) => setTimeout(r, 3000));
    if (signal.aborted) return;
    res = await fetch('/api/atlas');
  }
  const data = (await res.json()) as AtlasData;
  if (signal.aborted) return;
  const synthetic = Number(params.get('synthetic') ?? 0);
  const rand = seededRandom(7);
  const points: AtlasPoint[] =
    synthetic > data.points.length
      ? Array.from({ length: synthetic }, (_, i) => {
          const p = data.points[i % data.points.length]!;
          const j = () => (rand() - 0.5) * 0.02;
          return { ...p, umap: [p.umap[0] + j(), p.umap[1] + j()], pca: [p.pca[0] + j(), p.pca[1] + j()], tsne: [p.tsne[0] + j(), p.tsne[1] + j()] };
        })
      : data.points;

  const tooltip = h('div', { class: 'atlas-tip', hidden: true });
  const selection = h('div', { class: 'atlas-selection', hidden: true });
  const stage = h('div', { class: 'atlas-stage', tabindex: '0', 'aria-label': 'poster map: drag to pan, wheel or +/- to zoom, shift-drag to select' });
  const viewSel = h('select', { 'aria-label': 'view' }, ...(['umap', 'pca', 'tsne', 'grid', 'clusters'] as View[]).map((v) => h('option', { value: v }, ({ umap: 'UMAP', pca: 'PCA', tsne: 't-SNE', grid: 'grid', clusters: 'clusters' } as const)[v])));
  const colourSel = h('select', { 'aria-label': 'colour by' }, ...(['none', 'genre', 'decade', 'cluster'] as ColourBy[]).map((c) => h('option', { value: c }, c === 'none' ? 'no colour' : `colour by ${c}`)));
  const query = h('input', { type: 'search', placeholder: 'highlight a text search…', 'aria-label': 'highlight search' });
  // The legend sits over the map's corner: below it, it fell under the fold at 1366 x 900.
  const legend = h('div', { class: 'atlas-legend', hidden: true, 'aria-label': 'legend' });
  const stageWrap = h('div', { class: 'atlas-wrap' }, stage, legend);
  root.replaceChildren(h('div', { class: 'atlas-bar' }, viewSel, colourSel, query, h('span', { class: 'status' }, `${points.length} posters · ${data.meta.k} clusters`)), stageWrap, tooltip, selection);

  const app = new Application();
  const sources = new Map<number, Texture>();
  const hiresTextures = new Map<string, Promise<Texture | null>>();
  let destroyed = false;
  const destroy = (): void => {
    if (destroyed) return;
    destroyed = true;
    window.__atlas = undefined;
    tooltip.remove();
    selection.remove();
    app.ticker?.stop();
    for (const t of hiresTextures.values()) void t.then((x) => x?.destroy(true));
    app.destroy({ removeView: true }, { children: true, texture: true, textureSource: true });
    for (const t of sources.values()) t.destroy(true);
  };
  await app.init({ resizeTo: stage, background: '#0b0c10', preference: 'webgl', antialias: false, autoDensity: true, resolution: 1 });
  if (signal.aborted) return destroy();
  signal.addEventListener('abort', destroy, { once: true });
  stage.append(app.canvas);
  // world: the pan/zoom transform; content: the posters in world units (what the LOD caches).
  const world = new Container();
  const content = new Container();
  world.addChild(content);
  app.stage.addChild(world);

  const sheetIds = [...new Set(points.map((p) => p.sheet))].filter((s) => s >= 0);
  await Promise.all(sheetIds.map(async (s) => {
    const bitmap = await createImageBitmap(await (await fetch(`/api/atlas/sheets/${s}`)).blob());
    sources.set(s, Texture.from(bitmap));
  }));
  if (signal.aborted) return;
  const { width: tw, height: th, perRow } = data.meta.tile;
  const frameCache = new Map<string, Texture>();
  const textureOf = (p: AtlasPoint) => {
    const key = `${p.sheet}:${p.slot}`;
    let t = frameCache.get(key);
    if (!t) {
      const base = sources.get(p.sheet)!;
      t = new Texture({ source: base.source, frame: new Rectangle((p.slot % perRow) * tw, Math.floor(p.slot / perRow) * th, tw, th) });
      frameCache.set(key, t);
    }
    return t;
  };
  const containers = new Map<number, ParticleContainer>();
  for (const s of sheetIds) {
    // All properties static: buffers upload only on update() (after a transition step, recolour or highlight), so pan/zoom costs no upload.
    const c = new ParticleContainer({ dynamicProperties: { position: false, color: false, vertex: false, rotation: false, uvs: false } });
    // Particle containers do not measure their bounds; the cache (LOD) needs them.
    c.boundsArea = new Rectangle(-WORLD * 0.1, -WORLD * 0.1, WORLD * 1.2, WORLD * 1.2);
    containers.set(s, c);
    content.addChild(c);
  }
  const cellWorld = WORLD / Math.max(data.meta.grid.cols, data.meta.grid.rows) / Math.sqrt(Math.max(1, points.length / data.points.length));
  const scale = (cellWorld * 0.92) / th;
  const particles = points.map((p) => {
    const part = new Particle({ texture: textureOf(p), scaleX: scale, scaleY: scale, anchorX: 0.5, anchorY: 0.5 });
    containers.get(p.sheet)?.addParticle(part);
    return part;
  });
  // The order posters are drawn in (sheet containers one after another, points in order within
  // each): the last drawn is on top, so a click goes to the first hit walking this backwards.
  const sheetRank = new Map(sheetIds.map((s, r) => [s, r]));
  const drawOrder = points.map((_, i) => i).sort((a, b) => (sheetRank.get(points[a]!.sheet) ?? -1) - (sheetRank.get(points[b]!.sheet) ?? -1) || a - b);
  /**
   * Level of detail: at overview zoom the whole map is drawn once into a 2048-px render
   * texture, so pan/zoom moves one quad instead of every poster; zoomed in past LOD_ZOOM x
   * the fitted scale, posters are drawn live at full sharpness.
   */
  const LOD_ZOOM = 2.5;
  const LOD_SIZE = 2048;
  // Measured in software-rendered headless Chromium: live sprites are faster up to ~10k posters, the cached texture beyond.
  const lodEnabled = params.get('lod') === '1' || (params.get('lod') !== '0' && points.length > 10_000);
  let fitScale = 1;
  let cached = false;
  const lodTexture = RenderTexture.create({ width: LOD_SIZE, height: LOD_SIZE });
  const lodSprite = new Sprite(lodTexture);
  lodSprite.scale.set(WORLD / LOD_SIZE);
  lodSprite.visible = false;
  world.addChild(lodSprite);
  const renderLod = () => {
    content.visible = true;
    app.renderer.render({ container: content, target: lodTexture, clear: true, transform: new Matrix().scale(LOD_SIZE / WORLD, LOD_SIZE / WORLD) });
    content.visible = !cached;
  };
  const updateLod = () => {
    const want = lodEnabled && !anim && world.scale.x < fitScale * LOD_ZOOM;
    if (want === cached) return;
    cached = want;
    if (want) renderLod();
    content.visible = !want;
    lodSprite.visible = want;
  };
  const refresh = () => {
    containers.forEach((c) => c.update());
    if (cached) renderLod();
  };
  const halfW = (tw * scale) / 2;
  const halfH = (th * scale) / 2;

  /**
   * Sharp posters when zoomed in: the sheets hold 64 x 96 tiles, blurry once a poster is drawn
   * bigger than that. Visible posters then get a sprite of their thumbnail (240 px high), or of
   * the original poster past 300 px on screen, in a container above the sheet particles (a
   * ParticleContainer takes one texture source only); they go when zooming out or animating.
   */
  const hires = new Container();
  hires.sortableChildren = true;
  world.addChild(hires);
  const HIRES_MAX = 120;
  const hiresSprites = new Map<number, { sprite: Sprite; level: 1 | 2 }>();
  const drawRank = new Map(drawOrder.map((i, r) => [i, r]));
  const hiresTexture = (url: string): Promise<Texture | null> => {
    let t = hiresTextures.get(url);
    if (!t) {
      t = fetch(url)
        .then(async (r) => (r.ok ? Texture.from(await createImageBitmap(await r.blob())) : null))
        .catch(() => null);
      hiresTextures.set(url, t);
    }
    return t;
  };
  const clearHires = () => {
    for (const { sprite } of hiresSprites.values()) sprite.destroy();
    hiresSprites.clear();
  };
  const updateHires = () => {
    if (destroyed) return;
    const onScreen = th * scale * world.scale.x;
    if (anim || onScreen < tw * 1.6) return clearHires();
    const level: 1 | 2 = onScreen > 300 ? 2 : 1;
    const a = toWorld(0, 0);
    const b = toWorld(stage.clientWidth, stage.clientHeight);
    const visible = points.map((_, i) => i).filter((i) => current[i * 2]! >= a.x - halfW && current[i * 2]! <= b.x + halfW && current[i * 2 + 1]! >= a.y - halfH && current[i * 2 + 1]! <= b.y + halfH);
    const keep = new Set(visible.length <= HIRES_MAX ? visible : []);
    for (const [i, h2] of hiresSprites) if (!keep.has(i) || h2.level !== level) (h2.sprite.destroy(), hiresSprites.delete(i));
    for (const i of keep) {
      if (hiresSprites.has(i)) continue;
      const sprite = new Sprite();
      sprite.visible = false;
      hiresSprites.set(i, { sprite, level });
      hires.addChild(sprite);
      const id = points[i]!.id;
      void hiresTexture(level === 2 ? posterUrl(id) : thumbUrl(id)).then((tex) => {
        if (!tex || sprite.destroyed) return;
        sprite.texture = tex;
        sprite.anchor.set(0.5);
        sprite.width = tw * scale;
        sprite.height = th * scale;
        sprite.position.set(current[i * 2]!, current[i * 2 + 1]!);
        sprite.tint = particles[i]!.tint;
        sprite.alpha = particles[i]!.alpha;
        sprite.zIndex = drawRank.get(i) ?? 0;
        sprite.visible = true;
      });
    }
  };
  let hiresTimer: ReturnType<typeof setTimeout> | undefined;
  const scheduleHires = () => {
    clearTimeout(hiresTimer);
    hiresTimer = setTimeout(updateHires, 150);
  };

  let view: View = (params.get('view') as View) || 'umap';
  viewSel.value = view;
  let current = layout(points, data, view);
  particles.forEach((part, i) => ((part.x = current[i * 2]!), (part.y = current[i * 2 + 1]!)));
  refresh();
  let anim: { from: Float32Array; to: Float32Array; start: number } | null = null;
  const fit = () => {
    const s = Math.min(stage.clientWidth, stage.clientHeight) / (WORLD * 1.05);
    world.scale.set(s);
    world.position.set((stage.clientWidth - WORLD * s) / 2, (stage.clientHeight - WORLD * s) / 2);
    fitScale = s;
  };
  fit();

  const setView = (v: View) => {
    tooltip.hidden = true;
    clearHires();
    view = v;
    anim = { from: current.slice(), to: layout(points, data, v), start: performance.now() };
    params.set('view', v);
    history.replaceState(null, '', `/atlas?${params}`);
  };
  viewSel.addEventListener('change', () => setView(viewSel.value as View));
  app.ticker.add(() => {
    updateLod();
    if (!anim) return;
    const t = Math.min(1, (performance.now() - anim.start) / 600);
    const e = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
    for (let i = 0; i < current.length; i++) current[i] = anim.from[i]! + (anim.to[i]! - anim.from[i]!) * e;
    particles.forEach((part, i) => ((part.x = current[i * 2]!), (part.y = current[i * 2 + 1]!)));
    refresh();
    if (t >= 1) {
      anim = null;
      scheduleHires();
    }
  });

  const recolour = () => {
    const by = colourSel.value as ColourBy;
    const cat = (p: AtlasPoint) => (by === 'genre' ? (p.genres[0] ?? 'none') : by === 'decade' ? (p.year ? `${Math.floor(p.year / 10) * 10}s` : 'unknown') : String(p.cluster));
    // Legend order: decades in time, clusters by number, genres by size; "unknown"/"none" last. Colours follow that order.
    const counts = new Map<string, number>();
    for (const p of points) counts.set(cat(p), (counts.get(cat(p)) ?? 0) + 1);
    const last = (c: string) => (c === 'unknown' || c === 'none' ? 1 : 0);
    const order = [...counts.keys()].sort((a, b) => last(a) - last(b) || (by === 'genre' ? counts.get(b)! - counts.get(a)! || a.localeCompare(b) : by === 'cluster' ? Number(a) - Number(b) : a.localeCompare(b)));
    const categories = new Map(order.map((c, i) => [c, COLOURS[i % COLOURS.length]!]));
    particles.forEach((part, i) => (part.tint = by === 'none' ? 0xffffff : categories.get(cat(points[i]!))!));
    refresh();
    clearHires();
    scheduleHires();
    legend.hidden = by === 'none';
    legend.replaceChildren(...(by === 'none' ? [] : order.map((c) => h('span', { class: 'legend-item', title: `${counts.get(c)} posters` }, h('i', { style: `background:#${categories.get(c)!.toString(16).padStart(6, '0')}` }), by === 'cluster' ? clusterName(data.meta.clusters[Number(c)]) ?? c : c))));
  };
  colourSel.addEventListener('change', recolour);

  query.addEventListener('change', async () => {
    const text = query.value.trim();
    const hits = text ? new Set((await searchJson({ text, k: 60 })).map((r) => r.id)) : undefined;
    particles.forEach((part, i) => (part.alpha = !hits || hits.has(points[i]!.id) ? 1 : 0.12));
    refresh();
    clearHires();
    scheduleHires();
  });

  const toWorld = (x: number, y: number) => ({ x: (x - world.position.x) / world.scale.x, y: (y - world.position.y) / world.scale.y });
  const hit = (sx: number, sy: number): number => {
    const w = toWorld(sx, sy);
    for (let r = drawOrder.length - 1; r >= 0; r--) {
      const i = drawOrder[r]!;
      if (particles[i]!.alpha > 0 && Math.abs(current[i * 2]! - w.x) <= halfW && Math.abs(current[i * 2 + 1]! - w.y) <= halfH) return i;
    }
    return -1;
  };
  const zoomAt = (sx: number, sy: number, factor: number) => {
    const before = toWorld(sx, sy);
    const s = Math.min(40, Math.max(0.02, world.scale.x * factor));
    world.scale.set(s);
    world.position.set(sx - before.x * s, sy - before.y * s);
    scheduleHires();
  };
  stage.addEventListener('wheel', (e) => (e.preventDefault(), (tooltip.hidden = true), zoomAt(e.offsetX, e.offsetY, Math.exp(-e.deltaY * 0.0015))), { passive: false });
  stage.addEventListener('pointerleave', () => (tooltip.hidden = true));
  stage.addEventListener('keydown', (e) => {
    if (e.key === '+' || e.key === '=') zoomAt(stage.clientWidth / 2, stage.clientHeight / 2, 1.25);
    if (e.key === '-') zoomAt(stage.clientWidth / 2, stage.clientHeight / 2, 0.8);
    if (e.key === '0') (fit(), scheduleHires());
  });
  let drag: { x: number; y: number; px: number; py: number; box: boolean; moved: boolean } | null = null;
  const box = new Graphics();
  app.stage.addChild(box);
  stage.addEventListener('pointerdown', (e) => (drag = { x: e.offsetX, y: e.offsetY, px: world.position.x, py: world.position.y, box: e.shiftKey, moved: false }));
  stage.addEventListener('pointermove', (e) => {
    if (drag) {
      drag.moved ||= Math.abs(e.offsetX - drag.x) + Math.abs(e.offsetY - drag.y) > 4;
      if (drag.box) box.clear().rect(Math.min(drag.x, e.offsetX), Math.min(drag.y, e.offsetY), Math.abs(e.offsetX - drag.x), Math.abs(e.offsetY - drag.y)).stroke({ color: 0xf2b33d, width: 2 });
      else world.position.set(drag.px + e.offsetX - drag.x, drag.py + e.offsetY - drag.y);
      return;
    }
    const i = hit(e.offsetX, e.offsetY);
    tooltip.hidden = i < 0;
    if (i >= 0) {
      const p = points[i]!;
      tooltip.textContent = `${p.title}${p.year ? ` (${p.year})` : ''}`;
      tooltip.style.left = `${e.clientX + 12}px`;
      tooltip.style.top = `${e.clientY + 12}px`;
    }
  });
  stage.addEventListener('pointerup', (e) => {
    const d = drag;
    drag = null;
    if (!d) return;
    if (d.moved && !d.box) scheduleHires();
    if (d.box && d.moved) {
      box.clear();
      const a = toWorld(Math.min(d.x, e.offsetX), Math.min(d.y, e.offsetY));
      const b = toWorld(Math.max(d.x, e.offsetX), Math.max(d.y, e.offsetY));
      const ids = [...new Set(points.filter((_, i) => current[i * 2]! >= a.x && current[i * 2]! <= b.x && current[i * 2 + 1]! >= a.y && current[i * 2 + 1]! <= b.y).map((p) => p.id))];
      const download = (name: string, type: string, body: string) => {
        const a2 = h('a', { href: URL.createObjectURL(new Blob([body], { type })), download: name });
        a2.click();
      };
      selection.hidden = false;
      selection.dataset.ids = ids.join(',');
      selection.replaceChildren(
        h('span', {}, `${ids.length} selected `),
        h('button', { type: 'button', onclick: () => download('marquee-selection.csv', 'text/csv', `id\n${ids.join('\n')}\n`) }, 'Export CSV'),
        h('button', { type: 'button', onclick: () => download('marquee-selection.json', 'application/json', JSON.stringify({ ids })) }, 'Export JSON'),
      );
      return;
    }
    if (!d.moved) {
      const i = hit(e.offsetX, e.offsetY);
      if (i >= 0) navigate(`/movie/${encodeURIComponent(points[i]!.id)}`);
    }
  });

  window.__atlas = {
    ready: true,
    points: points.length,
    scale: () => world.scale.x,
    sharp: () => [...hiresSprites.values()].filter((x) => x.sprite.visible).length,
    screenPos(id) {
      const i = points.findIndex((p) => p.id === id);
      if (i < 0) return null;
      const r = stage.getBoundingClientRect();
      return { x: r.left + world.position.x + current[i * 2]! * world.scale.x, y: r.top + world.position.y + current[i * 2 + 1]! * world.scale.y };
    },
    bench(ms) {
      return new Promise((resolve) => {
        const deltas: number[] = [];
        let last = performance.now();
        const start = last;
        const tick = () => {
          const now = performance.now();
          deltas.push(now - last);
          last = now;
          zoomAt(stage.clientWidth / 2, stage.clientHeight / 2, Math.sin((now - start) / 300) > 0 ? 1.01 : 0.99);
          if (now - start < ms) return;
          app.ticker.remove(tick);
          const sorted = deltas.slice(2).sort((a, b) => a - b);
          resolve({ fps: 1000 / (sorted.reduce((a, b) => a + b, 0) / sorted.length), p50: sorted[Math.floor(sorted.length / 2)]!, p95: sorted[Math.floor(sorted.length * 0.95)]!, frames: sorted.length });
        };
        app.ticker.add(tick);
      });
    },
  };
  status.remove();
}
