/** `marquee migrate`: copy a library between engines (SQLite file <-> postgres:// URL), verified by row counts and a vector checksum; the target must be empty */
import { Command } from '@commander-js/extra-typings';

export function migrateCommand() {
  return new Command('migrate')
    .description('copy a library between engines (SQLite file <-> postgres:// URL), verified by row counts and a vector checksum; the target must be empty')
    .argument('<from>', 'source library: a file or a postgres:// URL')
    .argument('<to>', 'target library: a file or a postgres:// URL (created if missing, must be empty)')
    .option('--json', 'print a JSON summary')
    .action(async (from: string, to: string, opts) => {
      const { runMigrateCommand } = await import('../migrate-command.js');
      process.exitCode = await runMigrateCommand(from, to, opts);
    });
}
