import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatLimit, INPUT_LIMITS, type LimitName } from '../../../core/limits/input-limits';

const README = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');

describe('README limits table', () => {
  it('lists every limit of the table in code with its value', () => {
    const section = README.slice(README.indexOf('## Limits'), README.indexOf('\n## ', README.indexOf('## Limits') + 1));
    expect(section.length).toBeGreaterThan(100);
    for (const [name, value] of Object.entries(INPUT_LIMITS) as [LimitName, number][]) {
      expect(section, name).toContain(`| \`${name}\` | ${formatLimit(name, value)} |`);
    }
  });
});
