import sharp from 'sharp';
import { readFileSync } from 'node:fs';
import { Library } from './dist/store/library.js';
import { SearchEngine } from './dist/search/engine.js';
import { greySignature, alignedSimilarity } from './dist/analysis/aligned-similarity.js';
const lib = new Library('/tmp/full.db'); const e = SearchEngine.fromLibrary(lib); await e.warm({ image: true });
const content = await e.channel('content');
const keys = content.keys;
const sig = new Map();
let t = performance.now();
for (const k of keys) { const m = lib.getMoviesByKeys([k]).get(k); sig.set(k, await greySignature(lib.getThumbnail(m.id))); }
console.log('signatures ms', (performance.now() - t).toFixed(0));
const nat = []; t = performance.now(); let npairs = 0;
for (const key of keys) {
  const v = lib.getVector(key, 'content', e.modelOf('content'));
  for (const h of await content.index.search(v, 5, { exclude: new Set([key]) })) { if (h.score < 0.8 || h.key < key) continue; npairs++; nat.push([alignedSimilarity(sig.get(key), sig.get(h.key)), h.score, key, h.key]); }
}
console.log('pairs', npairs, 'verify ms', (performance.now() - t).toFixed(0));
nat.sort((a, b) => b[0] - a[0]);
console.log('natural top aligned:', nat.slice(0, 20).map(x => `${x[0].toFixed(3)}/${x[1].toFixed(3)} ${x[2]}-${x[3]}`).join('  '));
const T = {
  recompress: b => sharp(b).jpeg({ quality: 30 }).toBuffer(),
  resize120: b => sharp(b).resize({ width: 120 }).jpeg({ quality: 80 }).toBuffer(),
  crop5: async b => { const m = await sharp(b).metadata(); const dx = Math.round(m.width * 0.05), dy = Math.round(m.height * 0.05); return sharp(b).extract({ left: dx, top: dy, width: m.width - 2 * dx, height: m.height - 2 * dy }).toBuffer(); },
  recolor: b => sharp(b).modulate({ hue: 90, saturation: 1.3 }).toBuffer(),
};
for (const [name, tr] of Object.entries(T)) {
  const xs = [];
  for (let i = 0; i < keys.length; i += 33) {
    const m = lib.getMoviesByKeys([keys[i]]).get(keys[i]);
    const copy = await tr(readFileSync(`../shared/catalog/posters/${m.id}.jpg`));
    const thumb = await sharp(copy).resize(160, 240, { fit: 'inside' }).jpeg({ quality: 80 }).toBuffer();
    xs.push(alignedSimilarity(sig.get(keys[i]), await greySignature(thumb)));
  }
  xs.sort((a, b) => a - b);
  console.log(name, 'aligned min/5%/50%', xs[0].toFixed(3), xs[Math.floor(xs.length * 0.05)].toFixed(3), xs[Math.floor(xs.length / 2)].toFixed(3));
}
await e.close(); process.exit(0);
