/** `marquee identify --image f.jpg`: which catalog film a poster shows, with a confidence, or "not in the catalog". */
import { identify } from '../search/identify.js';
import { SearchEngine } from '../search/engine.js';
import { openExistingLibrary } from './open-library.js';
import { readImage } from './search-args.js';
import { readableLines } from '../text/readable-lines.js';

export async function runIdentifyCommand(opts: { db?: string; image?: string; json?: boolean; k: number }): Promise<number> {
  if (!opts.image) {
    process.stderr.write('error: give the poster with --image <file>\n');
    return 2;
  }
  const image = await readImage(opts.image);
  const library = await openExistingLibrary(opts.db);
  const engine = await SearchEngine.fromLibrary(library);
  try {
    const r = await identify(engine, image, opts.k);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      return 0;
    }
    const m = r.match;
    process.stdout.write(
      m
        ? `${m.title}${m.year ? ` (${m.year})` : ''} [${m.id}] — confidence ${m.confidence.toFixed(2)}, by ${m.by === 'image' ? 'the image (a copy of its poster)' : m.by === 'title' ? 'its title read on the poster' : 'the poster\'s printed text'}\n`
        : 'not in the catalog (no film matches well enough)\n',
    );
    const shown = readableLines(r.lines);
    if (shown.length) process.stdout.write(`read: ${shown.map((l) => l.text).join(' / ')}${r.lines.length > shown.length ? ` (and ${r.lines.length - shown.length} more lines, --json has them all)` : ''}\n`);
    if (!m && r.candidates.length) process.stdout.write(`closest: ${r.candidates.slice(0, 3).map((c) => `${c.title}${c.year ? ` (${c.year})` : ''}`).join(', ')}\n`);
    return 0;
  } finally {
    await engine.close();
    await library.close();
  }
}
