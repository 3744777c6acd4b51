/** `marquee info`: what the library holds (movies, posters, vectors per model, printed text, stills and how they joined the catalog). */
import { ocrVersionKey } from '../text/poster-ocr.js';
import { openExistingLibrary } from './open-library.js';
import { readImageModels, refOf } from '../store/library-models.js';

/** Films with stills, and which of them joined a catalog film that has a poster (poster vs film can compare those). */
async function stillsJoin(library: Awaited<ReturnType<typeof openExistingLibrary>>): Promise<{ films: number; stills: number; withPoster: { id: string; title: string }[] }> {
  const counts = await library.stills.movies();
  const movies = await library.movies.byKeys(counts.map((c) => c.key));
  const withPoster = counts.map((c) => movies.get(c.key)).filter((m) => m?.hasPoster).map((m) => ({ id: m!.id, title: m!.title }));
  return { films: counts.length, stills: counts.reduce((n, c) => n + c.count, 0), withPoster };
}

export async function runInfoCommand(opts: { db?: string; json?: boolean }): Promise<number> {
  const library = await openExistingLibrary(opts.db);
  try {
    const imageModels = await readImageModels(library);
    const stats = {
      path: library.location,
      engine: library.engine,
      vectorSearch: library.vectors.kind === 'pgvector' ? 'pgvector (in the database)' : 'in-process (vectors stored as bytes)',
      ...(await library.library.stats()),
      imageModel: imageModels[0] ? refOf(imageModels[0]) : null,
      imageModels,
      posterText: await library.posterText.progress(ocrVersionKey()),
      stills: await stillsJoin(library),
    };
    if (opts.json) process.stdout.write(`${JSON.stringify(stats)}\n`);
    else {
      process.stdout.write(`library ${stats.path} (${stats.engine}; vector search ${stats.vectorSearch})\n  movies  ${stats.movies}\n  posters ${stats.posters}\n`);
      imageModels.forEach((m, i) => process.stdout.write(`  image model ${m.id}${i === 0 ? ' (default)' : ''}: ${m.dimension}-d, ${m.metric}${m.normalize ? '' : ', unnormalised'}, channel ${m.channel} (${m.spec})\n`));
      const width = Math.max(6, ...stats.vectors.map((v) => v.channel.length));
      for (const v of stats.vectors) process.stdout.write(`  ${v.channel.padEnd(width)} ${String(v.count).padStart(6)} vectors  ${v.modelId} ${v.modelVersion}\n`);
      const t = stats.posterText;
      process.stdout.write(`  printed text: ${t.read} posters read, ${t.failed} unreadable, ${t.pending} to read${t.pending ? ' (marquee index, or serve --read-text)' : ''}\n`);
      const st = stats.stills;
      if (st.films > 0)
        process.stdout.write(
          `  stills  ${st.stills} of ${st.films} film${st.films === 1 ? '' : 's'}: ${st.withPoster.length} joined to a catalog film with a poster${st.withPoster.length ? ` (${st.withPoster.map((m) => m.title).slice(0, 5).join(', ')}${st.withPoster.length > 5 ? ', …' : ''})` : ''}, ${st.films - st.withPoster.length} with stills only\n`,
        );
    }
    return 0;
  } finally {
    await library.close();
  }
}
