/**
 * The atlas viewer: every poster as a WebGL sprite (pixi.js ParticleContainers, one per texture
 * sheet), smooth pan/zoom, animated switches between layouts, tints and highlight, sharp posters
 * when zoomed in, hover, click and shift-drag box select. A class with `update` and `destroy`, as
 * embedding-atlas's EmbeddingView: it knows nothing of the page around it (controls, legend,
 * tooltip, URL), which it tells what happens through callbacks.
 */
import { Application, Container, Graphics, Matrix, Particle, ParticleContainer, Rectangle, RenderTexture, Sprite, Texture } from 'pixi.js';
import { atlasSheet, posterUrl, thumbUrl } from '../api.js';
import { cellWorld, layout, WORLD, type MapData, type MapPoint, type View } from './layout.js';

/** Where the view is: zoom relative to the whole map fitted, and the world point at the centre (0–1). */
export interface Viewport {
  zoom: number;
  cx: number;
  cy: number;
}

export interface AtlasViewerOptions<P extends MapPoint> {
  view: View;
  /** Level of detail: true / false forces it; undefined decides by the number of points. */
  lod?: boolean;
  /** A sheet of thumbnail tiles (default: the poster atlas's). */
  sheet?(n: number): Promise<Blob>;
  /** A sharp image of a point: level 1 about 240 px high, level 2 past 300 px on screen (default: a poster's thumbnail and original). */
  imageUrl?(point: P, level: 1 | 2): string;
  onHover?(point: P | null, clientX: number, clientY: number): void;
  onOpen?(point: P): void;
  onSelect?(ids: string[]): void;
  /** After the view moved (pan, zoom, fit), once it rests. */
  onViewport?(viewport: Viewport): void;
}

export interface AtlasViewerUpdate {
  view?: View;
  /** One tint per point (0xffffff: none). */
  tints?: Uint32Array;
  /** Ids to show at full strength, the others faded; null: all. */
  highlight?: ReadonlySet<string> | null;
}

/** Past this zoom (x the fitted scale) posters are drawn live; below it, from one cached texture. */
const LOD_ZOOM = 2.5;
const LOD_SIZE = 2048;
/** Measured in software-rendered headless Chromium: live sprites are faster up to ~10k posters, the cached texture beyond. */
const LOD_POINTS = 10_000;
/** Sharp sprites at most, else none (too many visible: still small on screen). */
const HIRES_MAX = 120;

export class AtlasViewer<P extends MapPoint> {
  private readonly sources = new Map<number, Texture>();
  private readonly frames = new Map<string, Texture>();
  private readonly hiresTextures = new Map<string, Promise<Texture | null>>();
  private readonly hiresSprites = new Map<number, { sprite: Sprite; level: 1 | 2 }>();
  private readonly containers = new Map<number, ParticleContainer>();
  private readonly world = new Container();
  private readonly content = new Container();
  private readonly hires = new Container();
  private readonly box = new Graphics();
  private particles: Particle[] = [];
  private sheetBoxes = new Map<number, { x0: number; y0: number; x1: number; y1: number }>();
  private drawOrder: number[] = [];
  private drawRank = new Map<number, number>();
  private current: Float32Array;
  private anim: { from: Float32Array; to: Float32Array; start: number } | null = null;
  private view: View;
  private fitScale = 1;
  private scale = 1;
  private halfW = 0;
  private halfH = 0;
  private cached = false;
  private lodEnabled: boolean;
  private lodTexture: RenderTexture | undefined;
  private lodSprite: Sprite | undefined;
  private hiresTimer: ReturnType<typeof setTimeout> | undefined;
  private viewportTimer: ReturnType<typeof setTimeout> | undefined;
  private drag: { x: number; y: number; px: number; py: number; box: boolean; moved: boolean } | null = null;
  private destroyed = false;
  private initialized = false;
  private readonly listeners: [string, EventListener][] = [];

  private constructor(
    private readonly stage: HTMLElement,
    private readonly app: Application,
    private readonly data: MapData,
    private readonly points: readonly P[],
    private readonly options: AtlasViewerOptions<P>,
  ) {
    this.view = options.view;
    this.current = layout(points, data, this.view);
    this.lodEnabled = options.lod ?? points.length > LOD_POINTS;
  }

  /** Starts WebGL in `stage` and loads the thumbnail sheets; undefined when `signal` aborted meanwhile (nothing left behind). */
  static async create<P extends MapPoint>(stage: HTMLElement, data: MapData, points: readonly P[], options: AtlasViewerOptions<P>, signal?: AbortSignal): Promise<AtlasViewer<P> | undefined> {
    const app = new Application();
    const viewer = new AtlasViewer<P>(stage, app, data, points, options);
    signal?.addEventListener('abort', () => viewer.destroy(), { once: true });
    await app.init({ resizeTo: stage, background: '#0b0c10', preference: 'webgl', antialias: false, autoDensity: true, resolution: 1 });
    viewer.initialized = true;
    if (viewer.destroyed) return viewer.teardown(), undefined;
    stage.append(app.canvas);
    await viewer.loadSheets();
    if (viewer.destroyed) return undefined;
    viewer.build();
    return viewer;
  }

  private async loadSheets(): Promise<void> {
    const sheetIds = [...new Set(this.points.map((p) => p.sheet))].filter((s) => s >= 0);
    await Promise.all(
      sheetIds.map(async (s) => {
        const bitmap = await createImageBitmap(await (this.options.sheet ?? atlasSheet)(s));
        if (this.destroyed) return bitmap.close();
        this.sources.set(s, Texture.from(bitmap));
      }),
    );
  }

  private textureOf(p: P): Texture {
    const key = `${p.sheet}:${p.slot}`;
    let t = this.frames.get(key);
    if (!t) {
      const { width: tw, height: th, perRow } = this.data.meta.tile;
      t = new Texture({ source: this.sources.get(p.sheet)!.source, frame: new Rectangle((p.slot % perRow) * tw, Math.floor(p.slot / perRow) * th, tw, th) });
      this.frames.set(key, t);
    }
    return t;
  }

  private build(): void {
    const { app, world, content, points, data } = this;
    // world: the pan/zoom transform; content: the posters in world units (what the LOD caches).
    world.addChild(content);
    app.stage.addChild(world);
    const sheetIds = [...this.sources.keys()].sort((a, b) => a - b);
    for (const s of sheetIds) {
      // All properties static: buffers upload only on update() (after a transition step, recolour or highlight), so pan/zoom costs no upload.
      const c = new ParticleContainer({ dynamicProperties: { position: false, color: false, vertex: false, rotation: false, uvs: false } });
      // Particle containers do not measure their bounds; the cache (LOD) needs them.
      c.boundsArea = new Rectangle(-WORLD * 0.1, -WORLD * 0.1, WORLD * 1.2, WORLD * 1.2);
      this.containers.set(s, c);
      content.addChild(c);
    }
    const { width: tw, height: th } = data.meta.tile;
    // A tile fills 92 % of its grid cell: a 2:3 poster in a square cell by its height, a 16:9 still in a 16:9 cell by both.
    const cell = cellWorld(data, points.length);
    this.scale = 0.92 * Math.min(cell.w / tw, cell.h / th);
    this.halfW = (tw * this.scale) / 2;
    this.halfH = (th * this.scale) / 2;
    this.particles = points.map((p) => {
      const part = new Particle({ texture: this.textureOf(p), scaleX: this.scale, scaleY: this.scale, anchorX: 0.5, anchorY: 0.5 });
      this.containers.get(p.sheet)?.addParticle(part);
      return part;
    });
    // The order posters are drawn in (sheet containers one after another, points in order within
    // each): the last drawn is on top, so a click goes to the first hit walking this backwards.
    const sheetRank = new Map(sheetIds.map((s, r) => [s, r]));
    this.drawOrder = points.map((_, i) => i).sort((a, b) => (sheetRank.get(points[a]!.sheet) ?? -1) - (sheetRank.get(points[b]!.sheet) ?? -1) || a - b);
    this.drawRank = new Map(this.drawOrder.map((i, r) => [i, r]));

    /**
     * Level of detail: at overview zoom the whole map is drawn once into a 2048-px render
     * texture, so pan/zoom moves one quad instead of every poster; zoomed in past LOD_ZOOM x
     * the fitted scale, posters are drawn live at full sharpness.
     */
    this.lodTexture = RenderTexture.create({ width: LOD_SIZE, height: LOD_SIZE });
    this.lodSprite = new Sprite(this.lodTexture);
    this.lodSprite.scale.set(WORLD / LOD_SIZE);
    this.lodSprite.visible = false;
    world.addChild(this.lodSprite);
    /**
     * Sharp posters when zoomed in: the sheets hold 64 x 96 tiles, blurry once a poster is drawn
     * bigger than that. Visible posters then get a sprite of their thumbnail (240 px high), or of
     * the original poster past 300 px on screen, in a container above the sheet particles (a
     * ParticleContainer takes one texture source only); they go when zooming out or animating.
     */
    this.hires.sortableChildren = true;
    world.addChild(this.hires);
    app.stage.addChild(this.box);

    this.place();
    this.fit();
    app.ticker.add(() => this.tick());
    this.listen();
  }

  /** Moves every particle to `current`. */
  private place(): void {
    this.particles.forEach((part, i) => ((part.x = this.current[i * 2]!), (part.y = this.current[i * 2 + 1]!)));
    this.measureSheets();
    this.refresh();
  }

  /** Each sheet container's extent in the world (its sprites' centres, widened by a sprite), for culling. */
  private measureSheets(): void {
    const boxes = new Map<number, { x0: number; y0: number; x1: number; y1: number }>();
    this.points.forEach((p, i) => {
      const x = this.current[i * 2]!;
      const y = this.current[i * 2 + 1]!;
      const b = boxes.get(p.sheet);
      if (!b) boxes.set(p.sheet, { x0: x, y0: y, x1: x, y1: y });
      else (b.x0 = Math.min(b.x0, x)), (b.y0 = Math.min(b.y0, y)), (b.x1 = Math.max(b.x1, x)), (b.y1 = Math.max(b.y1, y));
    });
    for (const b of boxes.values()) (b.x0 -= this.halfW), (b.x1 += this.halfW), (b.y0 -= this.halfH), (b.y1 += this.halfH);
    this.sheetBoxes = boxes;
  }

  /**
   * Drawn live, only the sheet containers that reach into the view: a ParticleContainer draws
   * every particle it holds, on screen or not, and at 132,617 stills zoomed in that was most of
   * a frame in software WebGL. Stills are put on sheets in grid order, so in the grid a sheet is
   * a band of rows and most of them are off screen when zoomed in.
   */
  private cull(): void {
    const a = this.toWorld(0, 0);
    const b = this.toWorld(this.stage.clientWidth, this.stage.clientHeight);
    for (const [sheet, c] of this.containers) {
      const box = this.sheetBoxes.get(sheet);
      c.visible = !box || (box.x1 >= a.x && box.x0 <= b.x && box.y1 >= a.y && box.y0 <= b.y);
    }
  }

  private refresh(): void {
    this.containers.forEach((c) => c.update());
    if (this.cached) this.renderLod();
  }

  private renderLod(): void {
    // The cached texture is the whole map: every sheet drawn into it.
    for (const c of this.containers.values()) c.visible = true;
    this.content.visible = true;
    this.app.renderer.render({ container: this.content, target: this.lodTexture!, clear: true, transform: new Matrix().scale(LOD_SIZE / WORLD, LOD_SIZE / WORLD) });
    this.content.visible = !this.cached;
  }

  private updateLod(): void {
    const want = this.lodEnabled && !this.anim && this.world.scale.x < this.fitScale * LOD_ZOOM;
    if (want === this.cached) return;
    this.cached = want;
    if (want) this.renderLod();
    this.content.visible = !want;
    this.lodSprite!.visible = want;
  }

  private tick(): void {
    this.updateLod();
    if (!this.cached) this.cull();
    const anim = this.anim;
    if (!anim) return;
    const t = Math.min(1, (performance.now() - anim.start) / 600);
    const e = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
    for (let i = 0; i < this.current.length; i++) this.current[i] = anim.from[i]! + (anim.to[i]! - anim.from[i]!) * e;
    this.place();
    if (t >= 1) {
      this.anim = null;
      this.scheduleHires();
    }
  }

  /** Changes the layout (animated), the tints or the highlight. */
  update(change: AtlasViewerUpdate): void {
    if (this.destroyed) return;
    if (change.view && change.view !== this.view) {
      this.options.onHover?.(null, 0, 0);
      this.clearHires();
      this.view = change.view;
      this.anim = { from: this.current.slice(), to: layout(this.points, this.data, change.view), start: performance.now() };
    }
    if (change.tints) {
      const tints = change.tints;
      this.particles.forEach((part, i) => (part.tint = tints[i] ?? 0xffffff));
    }
    if (change.highlight !== undefined) {
      const hits = change.highlight;
      this.particles.forEach((part, i) => (part.alpha = !hits || hits.has(this.points[i]!.id) ? 1 : 0.12));
    }
    if (change.tints || change.highlight !== undefined) {
      this.refresh();
      this.clearHires();
      this.scheduleHires();
    }
  }

  /** The whole map in view. */
  fit(): void {
    const s = Math.min(this.stage.clientWidth, this.stage.clientHeight) / (WORLD * 1.05);
    this.world.scale.set(s);
    this.world.position.set((this.stage.clientWidth - WORLD * s) / 2, (this.stage.clientHeight - WORLD * s) / 2);
    this.fitScale = s;
    this.moved();
  }

  /** Zooms by `factor` about a point of the stage (its centre by default). */
  zoomBy(factor: number, at = { x: this.stage.clientWidth / 2, y: this.stage.clientHeight / 2 }): void {
    const before = this.toWorld(at.x, at.y);
    const s = Math.min(40, Math.max(0.02, this.world.scale.x * factor));
    this.world.scale.set(s);
    this.world.position.set(at.x - before.x * s, at.y - before.y * s);
    this.moved();
  }

  /** Shows a place of the map: zoom relative to the fitted map, centre in world fractions. */
  setViewport(v: Viewport): void {
    const s = Math.min(40, Math.max(0.02, this.fitScale * v.zoom));
    this.world.scale.set(s);
    this.world.position.set(this.stage.clientWidth / 2 - v.cx * WORLD * s, this.stage.clientHeight / 2 - v.cy * WORLD * s);
    this.moved();
  }

  /** Centres a poster and zooms until it is about 240 px high (or the stage's half); false when it is not on the map. */
  focus(id: string): boolean {
    const i = this.points.findIndex((p) => p.id === id);
    if (i < 0) return false;
    const height = Math.min(240, this.stage.clientHeight / 2);
    const zoom = height / (this.halfH * 2) / this.fitScale;
    this.setViewport({ zoom: Math.max(1, zoom), cx: this.current[i * 2]! / WORLD, cy: this.current[i * 2 + 1]! / WORLD });
    return true;
  }

  viewport(): Viewport {
    const c = this.toWorld(this.stage.clientWidth / 2, this.stage.clientHeight / 2);
    return { zoom: this.world.scale.x / this.fitScale, cx: c.x / WORLD, cy: c.y / WORLD };
  }

  private moved(): void {
    this.scheduleHires();
    clearTimeout(this.viewportTimer);
    this.viewportTimer = setTimeout(() => !this.destroyed && this.options.onViewport?.(this.viewport()), 150);
  }

  private toWorld(x: number, y: number): { x: number; y: number } {
    return { x: (x - this.world.position.x) / this.world.scale.x, y: (y - this.world.position.y) / this.world.scale.y };
  }

  /** The poster drawn on top at a stage point, or -1. */
  private hit(sx: number, sy: number): number {
    const w = this.toWorld(sx, sy);
    for (let r = this.drawOrder.length - 1; r >= 0; r--) {
      const i = this.drawOrder[r]!;
      if (this.particles[i]!.alpha > 0 && Math.abs(this.current[i * 2]! - w.x) <= this.halfW && Math.abs(this.current[i * 2 + 1]! - w.y) <= this.halfH) return i;
    }
    return -1;
  }

  private hiresTexture(url: string): Promise<Texture | null> {
    let t = this.hiresTextures.get(url);
    if (!t) {
      t = fetch(url)
        .then(async (r) => (r.ok ? Texture.from(await createImageBitmap(await r.blob())) : null))
        .catch(() => null);
      this.hiresTextures.set(url, t);
    }
    return t;
  }

  private clearHires(): void {
    for (const { sprite } of this.hiresSprites.values()) sprite.destroy();
    this.hiresSprites.clear();
  }

  private scheduleHires(): void {
    clearTimeout(this.hiresTimer);
    this.hiresTimer = setTimeout(() => this.updateHires(), 150);
  }

  private updateHires(): void {
    if (this.destroyed) return;
    const { width: tw, height: th } = this.data.meta.tile;
    const onScreen = th * this.scale * this.world.scale.x;
    if (this.anim || onScreen < tw * 1.6) return this.clearHires();
    const level: 1 | 2 = onScreen > 300 ? 2 : 1;
    const a = this.toWorld(0, 0);
    const b = this.toWorld(this.stage.clientWidth, this.stage.clientHeight);
    const cur = this.current;
    const visible = this.points.map((_, i) => i).filter((i) => cur[i * 2]! >= a.x - this.halfW && cur[i * 2]! <= b.x + this.halfW && cur[i * 2 + 1]! >= a.y - this.halfH && cur[i * 2 + 1]! <= b.y + this.halfH);
    const keep = new Set(visible.length <= HIRES_MAX ? visible : []);
    for (const [i, h] of this.hiresSprites) if (!keep.has(i) || h.level !== level) (h.sprite.destroy(), this.hiresSprites.delete(i));
    for (const i of keep) {
      if (this.hiresSprites.has(i)) continue;
      const sprite = new Sprite();
      sprite.visible = false;
      this.hiresSprites.set(i, { sprite, level });
      this.hires.addChild(sprite);
      const id = this.points[i]!.id;
      const url = this.options.imageUrl ? this.options.imageUrl(this.points[i]!, level) : level === 2 ? posterUrl(id) : thumbUrl(id);
      void this.hiresTexture(url).then((tex) => {
        if (!tex || sprite.destroyed) return;
        sprite.texture = tex;
        sprite.anchor.set(0.5);
        sprite.width = tw * this.scale;
        sprite.height = th * this.scale;
        sprite.position.set(this.current[i * 2]!, this.current[i * 2 + 1]!);
        sprite.tint = this.particles[i]!.tint;
        sprite.alpha = this.particles[i]!.alpha;
        sprite.zIndex = this.drawRank.get(i) ?? 0;
        sprite.visible = true;
      });
    }
  }

  private on<K extends keyof HTMLElementEventMap>(type: K, fn: (e: HTMLElementEventMap[K]) => void, options?: AddEventListenerOptions): void {
    this.stage.addEventListener(type, fn as EventListener, options);
    this.listeners.push([type, fn as EventListener]);
  }

  private listen(): void {
    const { world, options } = this;
    this.on('wheel', (e) => (e.preventDefault(), options.onHover?.(null, 0, 0), this.zoomBy(Math.exp(-e.deltaY * 0.0015), { x: e.offsetX, y: e.offsetY })), { passive: false });
    this.on('pointerleave', () => options.onHover?.(null, 0, 0));
    this.on('keydown', (e) => {
      if (e.key === '+' || e.key === '=') this.zoomBy(1.25);
      if (e.key === '-') this.zoomBy(0.8);
      if (e.key === '0') this.fit();
    });
    this.on('pointerdown', (e) => (this.drag = { x: e.offsetX, y: e.offsetY, px: world.position.x, py: world.position.y, box: e.shiftKey, moved: false }));
    this.on('pointermove', (e) => {
      const drag = this.drag;
      if (drag) {
        drag.moved ||= Math.abs(e.offsetX - drag.x) + Math.abs(e.offsetY - drag.y) > 4;
        if (drag.box) this.box.clear().rect(Math.min(drag.x, e.offsetX), Math.min(drag.y, e.offsetY), Math.abs(e.offsetX - drag.x), Math.abs(e.offsetY - drag.y)).stroke({ color: 0xf2b33d, width: 2 });
        else world.position.set(drag.px + e.offsetX - drag.x, drag.py + e.offsetY - drag.y);
        return;
      }
      const i = this.hit(e.offsetX, e.offsetY);
      options.onHover?.(i >= 0 ? this.points[i]! : null, e.clientX, e.clientY);
    });
    this.on('pointerup', (e) => {
      const d = this.drag;
      this.drag = null;
      if (!d) return;
      if (d.moved && !d.box) this.moved();
      if (d.box && d.moved) {
        this.box.clear();
        const a = this.toWorld(Math.min(d.x, e.offsetX), Math.min(d.y, e.offsetY));
        const b = this.toWorld(Math.max(d.x, e.offsetX), Math.max(d.y, e.offsetY));
        const cur = this.current;
        options.onSelect?.([...new Set(this.points.filter((_, i) => cur[i * 2]! >= a.x && cur[i * 2]! <= b.x && cur[i * 2 + 1]! >= a.y && cur[i * 2 + 1]! <= b.y).map((p) => p.id))]);
        return;
      }
      if (!d.moved) {
        const i = this.hit(e.offsetX, e.offsetY);
        if (i >= 0) options.onOpen?.(this.points[i]!);
      }
    });
  }

  /** Stops the ticker and frees the WebGL application, its textures and listeners; safe to call twice. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearTimeout(this.hiresTimer);
    clearTimeout(this.viewportTimer);
    for (const [type, fn] of this.listeners) this.stage.removeEventListener(type, fn);
    // Destroyed while WebGL was starting: create() tears it down once init returns.
    if (this.initialized) this.teardown();
  }

  private teardown(): void {
    this.app.ticker?.stop();
    for (const t of this.hiresTextures.values()) void t.then((x) => x?.destroy(true));
    this.app.destroy({ removeView: true }, { children: true, texture: true, textureSource: true });
    for (const t of this.sources.values()) t.destroy(true);
  }
}
