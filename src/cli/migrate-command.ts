/** `marquee migrate <from> <to>`: copy a library between SQLite and PostgreSQL, verified. */
import { copyLibrary } from '../store/copy-library.js';
import { openStore } from '../store/open-store.js';

export async function runMigrateCommand(from: string, to: string, opts: { json?: boolean }): Promise<number> {
  const source = await openStore(from, { create: false });
  try {
    const target = await openStore(to, { create: true });
    try {
      let lastTable = '';
      let lastRows = 0;
      let printedAt = 0;
      // On a terminal one line per table rewritten in place; in a log, a plain line per table and every interval.
      const tty = process.stderr.isTTY === true;
      const interval = Number(process.env.MARQUEE_PROGRESS_SECONDS ?? 10) * 1000;
      const summary = await copyLibrary(source, target, (p) => {
        if (opts.json) return;
        if (tty) {
          if (p.table !== lastTable && lastTable) process.stderr.write('\n');
          process.stderr.write(`\rcopying ${p.table}: ${p.rows} rows`);
        } else {
          if (p.table !== lastTable && lastTable) process.stderr.write(`copied ${lastTable}: ${lastRows} rows\n`);
          if (performance.now() - printedAt >= interval) {
            process.stderr.write(`copying ${p.table}: ${p.rows} rows\n`);
            printedAt = performance.now();
          }
        }
        lastTable = p.table;
        lastRows = p.rows;
      });
      if (!opts.json && lastTable) process.stderr.write(tty ? '\n' : `copied ${lastTable}: ${lastRows} rows\n`);
      if (opts.json) process.stdout.write(`${JSON.stringify({ from: source.location, to: target.location, ...summary, seconds: Math.round(summary.seconds * 100) / 100 })}\n`);
      else process.stderr.write(`copied ${source.location} to ${target.location} in ${summary.seconds.toFixed(1)} s: ${Object.values(summary.tables).reduce((a, b) => a + b, 0)} rows; every table's row count and the vector checksum ${summary.vectorChecksum.slice(0, 16)}… match\n`);
      return 0;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
