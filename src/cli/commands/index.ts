/** `marquee index`: index a catalog folder (movies.csv, movies.jsonl, or just images) and/or a stills folder into the library */
import { Command } from '@commander-js/extra-typings';
import { collect, dbOption, number } from '../options.js';

export function indexCommand() {
  return new Command('index')
    .description('index a catalog folder (movies.csv, movies.jsonl, or just images) and/or a stills folder into the library')
    .argument('[catalog-dir]', 'catalog folder')
    .option('--stills <dir>', 'stills folder: movies.csv (slug,title,year) + <slug>/NNN.jpg, or stills.csv (file,movie_id[,timestamp])')
    .option('--video <file|dir>', 'a film (or a folder of them): shots, cutting rhythm and colour over time, each shot\'s keyframe indexed as a still (needs ffmpeg)')
    .option('--movie <id>', 'with --video of one file: the movie it is (default: the file name)')
    .addOption(dbOption())
    .option('--prune', 'remove movies of this catalog that are no longer listed')
    .option('--json', 'print JSON-lines progress and a JSON summary on stdout')
    .option('--model <id|manifest.json>', 'image model, repeatable: the library\'s image models, the first the default (built in: mobilenet-v2-1.4, inception-v3; or a manifest); default: the library\'s own, for a new library mobilenet-v2-1.4 or $MARQUEE_IMAGE_MODEL', collect)
    .option('--drop-model <id>', 'delete the vectors of this image model from the library (repeatable)', collect)
    .option('--no-text', 'skip synopsis (text) embeddings')
    .option('--faces', 'also detect faces and their descriptors on posters and stills (slow: about 4 images/s on 2 cores)')
    .option('--no-ocr', 'skip reading the printed text of posters (OCR pass; `serve --read-text` can do it later)')
    .option('--background', 'index the posters, synopses and stills here, and leave the rest to the library\'s job queue for `marquee serve` or `marquee worker`: the genre tiles, the atlas, the stills map (and on PostgreSQL with pgvector the stored which-movie match), the printed text (unless --no-ocr), the faces (with --faces) and each --video film')
    .option('--batch-size <n>', 'posters per model batch and commit', number('batch-size', 1, 256, true), 16)
    .option('--workers <n>', 'PostgreSQL libraries: queue the catalog and index it with n local worker processes (0: only workers started elsewhere with "marquee worker")', number('workers', 0, 256, true))
    .action(async (dir: string | undefined, opts) => {
      if (!dir && !opts.stills && !opts.video) throw new Error('give a catalog folder, --stills <dir>, --video <file|dir>, or several');
      const { runIndexCommand } = await import('../index-command.js');
      process.exitCode = await runIndexCommand(dir, opts);
    });
}
