/**
 * Every command line the README and docs/ show still works as written: each `marquee …` names
 * commands and flags that exist (in code blocks and inline code), and each `npm start`, `npm test`
 * or `npm run <script>` names a script of package.json. Renaming a flag without the docs fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './program.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** The code of a markdown page: fenced blocks' lines and inline code spans, with the line they are on. */
function codeOf(markdown: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  let fenced = false;
  for (const [i, line] of markdown.split('\n').entries()) {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) out.push({ line: i + 1, code: line });
    else for (const m of line.matchAll(/`([^`]+)`/g)) out.push({ line: i + 1, code: m[1]! });
  }
  return out;
}

/** What is wrong with the `marquee …` commands in one piece of code (empty: nothing). */
function checkInvocations(code: string, program: CommandUnknownOpts): string[] {
  const problems: string[] = [];
  const withoutComment = code.replace(/\s#\s.*$/, '');
  for (const segment of withoutComment.split(/&&|\|\||;|\|/)) {
    const tokens = segment.trim().split(/\s+/);
    const at = tokens.findIndex((t) => t === 'marquee' || t.endsWith('cli/main.js'));
    if (at < 0) continue;
    let command = program;
    let i = at + 1;
    for (; i < tokens.length; i++) {
      const sub = command.commands.find((c) => c.name() === tokens[i]);
      if (!sub) break;
      command = sub;
    }
    const next = tokens[i];
    if (command === program && next !== undefined && /^[a-z][\w-]*$/.test(next)) {
      problems.push(`unknown command "marquee ${next}"`);
      continue;
    }
    if (command === program && next === undefined) continue;
    const known = new Set([...command.options.map((o) => o.long), '--help', ...(command === program ? ['--version'] : [])]);
    for (const t of tokens.slice(i)) {
      const flag = /^(--[a-z][\w-]*)/.exec(t)?.[1];
      if (flag && !known.has(flag)) problems.push(`"${['marquee', ...commandPath(command)].join(' ')}" has no ${flag}`);
    }
  }
  return problems;
}

function commandPath(command: CommandUnknownOpts): string[] {
  const path: string[] = [];
  for (let c: CommandUnknownOpts | null = command; c?.parent; c = c.parent) path.unshift(c.name());
  return path;
}

describe('documented commands', () => {
  const program = buildProgram();

  it('the checker finds a renamed flag and an unknown command', () => {
    expect(checkInvocations('npx marquee search --text x --k 5', program)).toEqual([]);
    expect(checkInvocations('marquee genres train --folds 3 # then --nothing', program)).toEqual([]);
    expect(checkInvocations('marquee search --txt x', program)).toEqual(['"marquee search" has no --txt']);
    expect(checkInvocations('marquee serach --text x', program)).toEqual(['unknown command "marquee serach"']);
  });

  it('every marquee command in the README and docs/ exists with the flags it is shown with', () => {
    const code = pages.flatMap((page) => codeOf(readFileSync(join(ROOT, page), 'utf8')).map((c) => ({ page, ...c })));
    const problems = code.flatMap(({ page, line, code }) => checkInvocations(code, program).map((p) => `${page}:${line}: ${p}`));
    expect(problems).toEqual([]);
    // The pages do show commands (the check above read them).
    expect(code.filter((c) => /\bmarquee [a-z]/.test(c.code)).length).toBeGreaterThan(50);
  });

  it('every npm script the README and docs/ name exists', () => {
    const scripts = new Set(Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts));
    const problems: string[] = [];
    for (const page of pages)
      for (const { line, code } of codeOf(readFileSync(join(ROOT, page), 'utf8')))
        for (const m of code.matchAll(/\bnpm (start|test|run ([\w:-]+))/g)) {
          const script = m[2] ?? m[1]!;
          if (!scripts.has(script)) problems.push(`${page}:${line}: npm script "${script}"`);
        }
    expect(problems).toEqual([]);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toMatch(/npm ci && npm start/);
  });
});
