/**
 * Poster vs film: a film's poster beside its barcode (one column per still, in film order), both
 * palettes, and how far apart they are (palette distance, lightness, chroma, hue); and /poster-vs-film,
 * the films whose poster misrepresents them most (or least).
 */
import { barcodeUrl, posterVsFilm, posterVsFilmRanking, thumbUrl, type PosterVsFilm } from '../api.js';
import { readableOn } from '../contrast.js';
import { asyncPage, h, type Cleanup } from '../dom.js';

const signed = (x: number, unit = ''): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}${unit}`;

function palette(colours: PosterVsFilm['poster']['palette'], label: string): HTMLElement {
  return h('div', { class: 'palette', 'aria-label': label }, ...colours.map((c) => h('span', { class: 'swatch', style: `background:${c.hex};color:${readableOn(c.hex)};flex-grow:${c.share}`, title: `${c.hex} ${(c.share * 100).toFixed(0)}%` }, c.hex)));
}

function numbers(c: PosterVsFilm): string {
  const parts = [`palette distance ${c.paletteDistance.toFixed(1)} ΔE`, `poster ${signed(c.lightnessDifference)} L* ${c.lightnessDifference >= 0 ? 'brighter' : 'darker'}`, `chroma ${signed(c.chromaDifference)}`];
  if (c.hueDifference !== null) parts.push(`hues ${c.hueDifference.toFixed(0)}° apart`);
  return parts.join(' · ');
}

/** The movie page's section: poster and barcode side by side (null when the film lacks either). */
export async function posterVsFilmSection(id: string): Promise<HTMLElement | null> {
  const c = await posterVsFilm(id);
  if (!c) return null;
  return h('section', { class: 'poster-vs-film', 'aria-label': 'poster against the film' },
    h('h2', {}, 'Poster vs film'),
    h('p', { class: 'pvf-numbers' }, numbers(c), ' · ', h('a', { href: '/poster-vs-film', 'data-link': true }, 'all films →')),
    h('div', { class: 'pvf-pair' },
      h('figure', {}, h('img', { src: thumbUrl(id), alt: `poster of ${c.title}`, class: 'pvf-poster' }), h('figcaption', {}, 'poster'), palette(c.poster.palette, 'poster palette')),
      h('figure', { class: 'pvf-film' }, h('img', { src: barcodeUrl(id), alt: `barcode of ${c.title}: one column per still, in film order`, class: 'barcode pvf-barcode' }), h('figcaption', {}, `the film: ${c.film.stills} stills`), palette(c.film.palette, 'film palette'))));
}

export function renderPosterVsFilm(root: HTMLElement): Cleanup {
  return asyncPage(async (signal) => {
    const order = new URLSearchParams(location.search).get('order') === 'least' ? 'least' : 'most';
    const toggle = h('a', { href: `/poster-vs-film?order=${order === 'most' ? 'least' : 'most'}`, 'data-link': true }, order === 'most' ? 'show the most faithful first' : 'show the most misleading first');
    root.replaceChildren(h('h1', {}, 'Poster vs film'), h('p', { class: 'status' }, 'Loading…'));
    const list = await posterVsFilmRanking(order);
    if (signal.aborted) return;
    root.replaceChildren(
      h('h1', {}, 'Poster vs film'),
      h('p', {}, `Films whose poster's colours are ${order === 'most' ? 'furthest from' : 'closest to'} the film's own look (its stills or shots), by the distance between their palettes. `, toggle),
      list.length === 0
        ? h('p', {}, 'No film has both a poster and stills: index stills (--stills) or a video (--video).')
        : h('ol', { class: 'pvf-list' }, ...list.map((c) => h('li', { 'data-id': c.id },
            h('a', { href: `/movie/${encodeURIComponent(c.id)}`, 'data-link': true, class: 'pvf-row' },
              h('img', { src: thumbUrl(c.id), alt: '', class: 'pvf-thumb' }),
              h('img', { src: barcodeUrl(c.id), alt: '', class: 'mini-barcode' }),
              h('span', {}, `${c.title}${c.year ? ` (${c.year})` : ''}`)),
            h('span', { class: 'pvf-numbers' }, numbers(c))))));
  });
}
