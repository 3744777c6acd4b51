import { openExistingLibrary } from './open-library.js';

export function runInfoCommand(opts: { db?: string; json?: boolean }): number {
  const library = openExistingLibrary(opts.db);
  try {
    const stats = { path: library.path, ...library.stats(), imageModel: library.getMeta('image_model') ? JSON.parse(library.getMeta('image_model')!) : null };
    if (opts.json) process.stdout.write(`${JSON.stringify(stats)}\n`);
    else {
      process.stdout.write(`library ${stats.path}\n  movies  ${stats.movies}\n  posters ${stats.posters}\n`);
      for (const v of stats.vectors) process.stdout.write(`  ${v.channel.padEnd(6)} ${String(v.count).padStart(6)} vectors  ${v.modelId} ${v.modelVersion}\n`);
    }
    return 0;
  } finally {
    library.close();
  }
}
