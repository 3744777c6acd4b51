/**
 * docs/cli.md, generated from the command tree itself (program.ts), so the reference cannot drift
 * from the flags: `npm run docs:cli` rewrites it and cli-reference.test.ts fails when it is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { buildProgram } from './program.js';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function optionRow(o: CommandUnknownOpts['options'][number]): string {
  const notes = [
    ...(o.argChoices ? [`one of ${o.argChoices.map((c) => `\`${c}\``).join(', ')}`] : []),
    ...(o.defaultValue !== undefined && o.defaultValue !== false ? [`default \`${Array.isArray(o.defaultValue) ? o.defaultValue.join(',') : String(o.defaultValue)}\``] : []),
  ];
  return `| \`${cell(o.flags)}\` | ${cell(o.description)}${notes.length ? ` (${notes.join('; ')})` : ''} |`;
}

function section(command: CommandUnknownOpts, path: string[]): string[] {
  const name = ['marquee', ...path].join(' ');
  const out = [`## ${name}`, '', command.description(), '', '```', `${name} ${command.usage()}`, '```', ''];
  const args = command.registeredArguments;
  if (args.length) out.push('| argument | |', '|---|---|', ...args.map((a) => `| \`${a.required ? `<${a.name()}>` : `[${a.name()}]`}\` | ${cell(a.description)} |`), '');
  const options = command.options.filter((o) => !o.hidden);
  if (options.length) out.push('| option | |', '|---|---|', ...options.map(optionRow), '');
  if (command.commands.length) out.push(`Subcommands: ${command.commands.map((c) => `[${c.name()}](#${[...path, c.name()].join('-')})`).join(', ')}.`, '');
  return out;
}

/** The reference as markdown: every command and subcommand with its arguments and options. */
export function cliReference(): string {
  const program = buildProgram();
  const lines = [
    '# Command reference',
    '',
    'Generated from the commands themselves (`npm run docs:cli`; `src/cli/cli-reference.test.ts` fails when this page is stale). `marquee <command> --help` prints the same.',
    '',
  ];
  const walk = (command: CommandUnknownOpts, path: string[]): void => {
    for (const sub of command.commands) {
      lines.push(`<a id="${[...path, sub.name()].join('-')}"></a>`, '', ...section(sub, [...path, sub.name()]));
      walk(sub, [...path, sub.name()]);
    }
  };
  walk(program, []);
  return `${lines.join('\n').trimEnd()}\n`;
}

export const CLI_REFERENCE_FILE = fileURLToPath(new URL('../../docs/cli.md', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) writeFileSync(CLI_REFERENCE_FILE, cliReference());
