import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticHeadModel } from '../../../core/head-model/synthetic-head-model';
import { PackStore } from '../../../main/packs/pack-store';
import { makeTempDir } from '../../helpers/temp-dir';

let tmp: ReturnType<typeof makeTempDir>;
beforeAll(() => {
  tmp = makeTempDir('deca-pack-temps-');
});
afterAll(() => tmp.cleanup());

/** What a `packs import` killed between writing its temporary folder and renaming it leaves. */
function leftover(dir: string, name: string, ageMs = 0): string {
  const full = path.join(dir, name);
  mkdirSync(full, { recursive: true });
  writeFileSync(path.join(full, 'template.bin'), new Uint8Array(1024));
  if (ageMs) utimesSync(full, new Date(Date.now() - ageMs), new Date(Date.now() - ageMs));
  return full;
}

describe('pack store temporary folders', () => {
  it('a killed import leaves nothing for long: the next list or save sweeps it, an import still running keeps its own', async () => {
    const dir = path.join(tmp.dir, 'packs');
    const store = new PackStore(dir);
    await store.save(syntheticHeadModel({ vertices: 200, shapeCount: 2, expressionCount: 1 }));
    const dead = leftover(dir, '.tmp-ict-facekit-999999999-0a1b2c3d');
    const deadOld = leftover(dir, '.old-ict-facekit-999999998-0a1b2c3d');
    const legacy = leftover(dir, '.tmp-ict-facekit-9f8e7d6c', 2 * 60 * 60 * 1000);
    const running = leftover(dir, `.tmp-flame-2020-${process.pid}-0a1b2c3d`);
    const ids = (await store.list()).map((p) => p.id);
    expect(ids).toEqual(['synthetic']);
    expect([existsSync(dead), existsSync(deadOld), existsSync(legacy), existsSync(running)]).toEqual([false, false, false, true]);

    const again = leftover(dir, '.tmp-x-999999999-ffffffff');
    await store.save(syntheticHeadModel({ vertices: 300, shapeCount: 2, expressionCount: 1 }));
    expect(existsSync(again)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([path.basename(running)]);
  });
});
