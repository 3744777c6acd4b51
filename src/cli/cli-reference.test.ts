/** docs/cli.md is what the commands say today (regenerate with `npm run docs:cli`). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI_REFERENCE_FILE, cliReference } from './cli-reference.js';

describe('the command reference', () => {
  it('docs/cli.md matches the command tree', () => {
    const generated = cliReference();
    expect(generated).toContain('## marquee genres train');
    expect(generated).toContain('`--format <format>`');
    expect(readFileSync(CLI_REFERENCE_FILE, 'utf8'), 'docs/cli.md is stale: run npm run docs:cli').toBe(generated);
  });
});
