import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../../helpers/cli';

describe('reconstruct --texture-size', () => {
  beforeAll(() => ensureBuilt(), 300_000);

  it('takes 1024 or 2048 and names anything else as a usage error', () => {
    const r = runCli(['reconstruct', '/nonexistent-project', '--texture-size', '4096']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/--texture-size is 1024 or 2048, not "4096"/);
  });
});
