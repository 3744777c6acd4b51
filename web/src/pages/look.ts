/** A movie's look from its stills (barcode, palette, HSL, filmstrip, similar looks), shown on the movie page. */
import { barcodeUrl, movieLook, similarLooks, stillUrl, type MovieLook } from '../api.js';
import { readableOn } from '../contrast.js';
import { h } from '../dom.js';

const pct = (x: number) => `${Math.round(x * 100)}%`;

function hslLine(l: MovieLook): string {
  const s = l.hsl;
  const balance = s.warmCoolBalance > 0.2 ? 'warm' : s.warmCoolBalance < -0.2 ? 'cool' : 'neutral';
  return `saturation ${s.saturation.mean.toFixed(2)} ± ${s.saturation.spread.toFixed(2)} · lightness ${s.lightness.mean.toFixed(2)} ± ${s.lightness.spread.toFixed(2)} · ${balance} (${s.warmCoolBalance.toFixed(2)}) · ${s.key} (dark ${pct(s.lowKeyShare)}, bright ${pct(s.highKeyShare)})`;
}

export async function lookSection(id: string): Promise<HTMLElement> {
  const [look, similar] = await Promise.all([movieLook(id), similarLooks(id)]);
  const hues = look.hsl.hueDistribution.map((b) => h('span', { class: 'hue', style: `height:${Math.max(2, b.share * 100)}%;background:hsl(${b.hue} 80% 50%)`, title: `${b.hue}°: ${pct(b.share)}` }));
  return h('section', { class: 'look', 'aria-label': 'look from stills' },
    h('h2', {}, `Look (${look.stills} stills)`),
    h('img', { class: 'barcode', src: barcodeUrl(id), alt: `colour barcode of ${look.title}: one column per still in film order` }),
    h('div', { class: 'palette named' }, ...look.palette.map((c) => h('span', { class: 'swatch', style: `background:${c.hex};color:${readableOn(c.hex)};flex-grow:${c.share}`, title: `${c.name} ${c.hex} ${pct(c.share)}` }, `${c.name} ${pct(c.share)}`))),
    h('div', { class: 'hsl' }, h('div', { class: 'hues', 'aria-label': 'hue distribution' }, ...hues), h('p', {}, hslLine(look))),
    look.faces.scanned ? h('p', { class: 'faces' }, `Faces in ${pct(look.faces.withFaces)} of stills, close-ups in ${pct(look.faces.closeUps)}`) : null,
    h('div', { class: 'filmstrip', 'aria-label': 'filmstrip' }, ...look.frames.map((f) => h('img', { src: stillUrl(id, f.seq), alt: `still ${f.seq}`, loading: 'lazy', 'data-seq': String(f.seq) }))),
    h('h3', {}, 'Similar looks'),
    h('ol', { class: 'looks' }, ...similar.map((m) =>
      h('li', { 'data-id': m.id }, h('a', { href: `/movie/${encodeURIComponent(m.id)}`, 'data-link': true }, h('img', { src: barcodeUrl(m.id), alt: '', class: 'mini-barcode' }), ` ${m.title} `), h('span', { class: 'score' }, m.score.toFixed(3))))),
  );
}
