#!/usr/bin/env node
/**
 * Counts the SQL statements written once per engine (issue 28): every string or template literal
 * under src/store/sqlite and src/store/postgres that starts like a statement, normalised
 * (placeholders `?`/`$n` and `${…}` become `?`, `::type` casts and whitespace dropped, lower case),
 * then paired across the two folders: the same text, or at least 90 % alike (character bigram Dice).
 * Prints JSON: statements per engine, the same, the alike, and their texts with --list.
 * Usage: node scripts/sql-written-twice.mjs [--list]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const ROOT = new URL('..', import.meta.url).pathname;
const STATEMENT = /^\s*(select|insert|update|delete|with|create|alter|drop)\s+\S/i;

function literals(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out = [];
  const visit = (node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) out.push(node.text);
    else if (ts.isTemplateExpression(node)) out.push(node.head.text + node.templateSpans.map((s) => '?' + s.literal.text).join(''));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

const normalise = (s) => s.replace(/\$\d+/g, '?').replace(/::[a-z_]+(\[\])?/gi, '').replace(/\s+/g, ' ').trim().toLowerCase();

function statements(folder) {
  const dir = join(ROOT, 'src/store', folder);
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('testkit'));
  return files.flatMap((f) => literals(join(dir, f)).filter((s) => STATEMENT.test(s)).map(normalise));
}

function bigrams(s) {
  const m = new Map();
  for (let i = 0; i < s.length - 1; i++) m.set(s.slice(i, i + 2), (m.get(s.slice(i, i + 2)) ?? 0) + 1);
  return m;
}
function dice(a, b) {
  const x = bigrams(a), y = bigrams(b);
  let both = 0;
  for (const [k, n] of x) both += Math.min(n, y.get(k) ?? 0);
  return (2 * both) / Math.max(1, a.length - 1 + b.length - 1);
}

const sqlite = statements('sqlite');
const postgres = statements('postgres');
const pgSet = new Set(postgres);
const same = [...new Set(sqlite.filter((s) => pgSet.has(s)))];
const sameSet = new Set(same);
const alike = [...new Set(sqlite.filter((s) => !sameSet.has(s) && postgres.some((p) => !sameSet.has(p) && dice(s, p) >= 0.9)))];
const report = { sqlite: sqlite.length, postgres: postgres.length, same: same.length, alike: alike.length };
console.log(JSON.stringify(process.argv.includes('--list') ? { ...report, sameStatements: same, alikeStatements: alike } : report, null, 2));
