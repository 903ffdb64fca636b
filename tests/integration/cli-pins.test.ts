import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoPinsView, PhotoSummary, PinRefitView } from '../../core/api/contract';
import { openLibrary } from '../../main/library/open-library';
import { ensureBuilt, runCli } from '../helpers/cli';
import { TEST_MODEL_DIR, londonPhoto, testModelFiles } from '../helpers/perception';
import { makeTempDir } from '../helpers/temp-dir';

const tmp = makeTempDir('deca-cli-pins-');
const env = { DECA_MODELS_DIR: TEST_MODEL_DIR, DECA_STUDIO_HOME: path.join(tmp.dir, 'home'), DECA_EXECUTION_PROVIDER: 'cpu' };
const project = path.join(tmp.dir, 'Pins.decastudio');
const cli = (...args: string[]) => runCli(args, env);
let photo: PhotoSummary;

/** Writes a pins file and returns its path. */
function pinsFile(name: string, value: unknown): string {
  const file = path.join(tmp.dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

const json = <T>(r: { code: number | null; stdout: string; stderr: string }): T => {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
};

beforeAll(() => {
  ensureBuilt();
  testModelFiles();
  expect(cli('project', 'create', project, '--name', 'Pins').code).toBe(0);
  const views = ['neutral_front', 'neutral_left_3quarter', 'smiling_front'].map((v) => londonPhoto('p002', v));
  expect(cli('import', project, '--subject', 'p002', ...views).code).toBe(0);
  const r = cli('reconstruct', project, '--no-photometric');
  expect(r.code, r.stdout + r.stderr).toBe(0);
  photo = json<PhotoSummary[]>(cli('photos', project, '--json')).find((p) => p.originalName.includes('neutral_front'))!;
}, 600_000);
afterAll(() => tmp.cleanup());

describe('deca-studio pins', () => {
  it('refuses bad pins.json files with a message naming what is wrong, storing nothing', () => {
    const bad: [unknown, RegExp][] = [
      ['{"pins": [', /pins: .*pins-0\.json is not JSON/],
      [{ pins: [{ landmark: 70, x: 10, y: 10 }] }, /pins: pin 0: landmark must be an integer 0…67 \(got 70\)/],
      [{ pins: [{ landmark: 8, x: 'left', y: 10 }] }, /pins: pin 0: x must be a finite number \(got "left"\)/],
      [{ pins: [{ landmark: 8, x: 10, y: 99999 }] }, /pins: pin 0 at \(10, 99999\) is outside the 1350×1350 photo/],
      [{ pack: 'starter-head', pins: [{ triangle: 10_000_000, barycentric: [1, 0, 0], x: 10, y: 10 }] }, /pins: pin 0: triangle 10000000 is out of range \(the pack's mesh has \d+ triangles\)/],
      [{ pack: 'no-such-pack', pins: [{ triangle: 1, barycentric: [1, 0, 0], x: 10, y: 10 }] }, /pack "no-such-pack", which is not installed/],
      [{ pins: [{ landmark: 8, x: 10, y: 10 }], weight: 3 }, /unknown key "weight"/],
    ];
    bad.forEach(([value, message], i) => {
      const r = cli('pins', 'set', project, '--photo', String(photo.id), '--file', pinsFile(`pins-${i}.json`, value));
      expect(r.code, `case ${i}: ${r.stdout}`).not.toBe(0);
      expect(r.stderr, `case ${i}`).toMatch(message);
    });
    expect(cli('pins', 'set', project, '--photo', 'abc', '--file', 'x.json').stderr).toMatch(/--photo needs a photo id/);
    expect(cli('pins', 'set', project, '--photo', '99999', '--file', pinsFile('ok.json', { pins: [] })).stderr).toMatch(/No photo with id 99999/);
    expect(json<PhotoPinsView>(cli('pins', 'get', project, '--photo', String(photo.id), '--json'))).toEqual({ photoId: photo.id, pack: null, pins: [], revision: null, undoable: 0, fitStale: false });
  });

  it('sets, refits, reconstructs with, round-trips and undoes pins', () => {
    const id = String(photo.id);
    // The stored fit's chin, through the fast path without pins.
    const before = json<PinRefitView>(cli('pins', 'refit', project, '--photo', id, '--json'));
    expect(before.pinCount).toBe(0);
    const [cx, cy] = before.modelLandmarks68[8]!;
    const pin = { landmark: 8, x: cx!, y: cy! + 20 };

    const set = json<PhotoPinsView>(cli('pins', 'set', project, '--photo', id, '--file', pinsFile('chin.json', { pins: [pin] }), '--json'));
    expect(set).toMatchObject({ pins: [pin], undoable: 1, fitStale: true });
    const refit = json<PinRefitView>(cli('pins', 'refit', project, '--photo', id, '--json'));
    const [rx, ry] = refit.modelLandmarks68[8]!;
    const miss = Math.hypot(rx! - pin.x, ry! - pin.y);
    console.log(`pins refit of a London photo (starter head, 3 photos): chin pinned 20 px lower, fitted chin ${miss.toFixed(2)} px from the pin, ${refit.iterations} LM steps, ${refit.seconds.toFixed(3)} s in the CLI (pack load included)`);
    expect(refit.pinCount).toBe(1);
    expect(miss).toBeLessThan(3);
    expect(refit.fit.expression.length).toBeGreaterThan(0);

    // Round trip: what `get --json` prints can be set again (a new revision with the same pins).
    const got = cli('pins', 'get', project, '--photo', id, '--json');
    const again = json<PhotoPinsView>(cli('pins', 'set', project, '--photo', id, '--file', pinsFile('roundtrip.json', got.stdout), '--json'));
    expect(again.pins).toEqual(set.pins);
    expect(again.revision).toBeGreaterThan(set.revision!);
    expect(again.undoable).toBe(2);

    // The pins make the subject's fit stale: reconstruct solves it again, with the pin.
    const r = cli('reconstruct', project);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/landmark-fit: done .*1 pins/);
    expect(r.stdout).not.toMatch(/^reused/m);
    expect(json<PhotoPinsView>(cli('pins', 'get', project, '--photo', id, '--json')).fitStale).toBe(false);
    const lib = openLibrary(path.join(project, 'library.sqlite'), { readonly: true });
    const stored = lib.reconstructions.latestFitOfPhoto(photo.id)!;
    lib.close();
    const [sx, sy] = stored.fit.modelLandmarks68![8]!;
    expect(Math.hypot(sx! - pin.x, sy! - pin.y)).toBeLessThan(3);
    // Unchanged pins: reused.
    expect(cli('reconstruct', project).stdout).toMatch(/^reused/m);

    // Undo the round trip (the same pins: still current), then the pin itself (stale again).
    expect(json<PhotoPinsView>(cli('pins', 'undo', project, '--photo', id, '--json'))).toMatchObject({ pins: [pin], fitStale: false, undoable: 1 });
    expect(json<PhotoPinsView>(cli('pins', 'undo', project, '--photo', id, '--json'))).toMatchObject({ pins: [], fitStale: true, undoable: 0 });
    expect(cli('pins', 'undo', project, '--photo', id).stderr).toMatch(/no pin changes to undo/);
    // Clear is undoable like a set.
    cli('pins', 'set', project, '--photo', id, '--file', path.join(tmp.dir, 'chin.json'));
    expect(json<PhotoPinsView>(cli('pins', 'clear', project, '--photo', id, '--json'))).toMatchObject({ pins: [], undoable: 2 });
    const human = cli('pins', 'undo', project, '--photo', id);
    // The same pin as the stored reconstruction was solved with: current again.
    expect(human.stdout).toMatch(/^photo \d+: 1 pins, 1 changes to undo$/m);
    expect(human.stdout).toMatch(/landmark 8 → /);
    expect(readFileSync(path.join(tmp.dir, 'chin.json'), 'utf8')).toContain('"landmark":8');
  });

  it('solves a subject whose pins alone changed from its stored fit', () => {
    const id = String(photo.id);
    const stored = json<PhotoPinsView>(cli('pins', 'get', project, '--photo', id, '--json'));
    expect(stored.fitStale).toBe(false);
    const moved = stored.pins.map((p) => ({ ...p, y: p.y + 6 }));
    expect(cli('pins', 'set', project, '--photo', id, '--file', pinsFile('moved.json', { pins: moved })).code).toBe(0);
    // The same options as the stored reconstruction, other pins: a warm start; --force starts cold.
    const steps = (out: string) => Number(/landmark-fit: done .*, (\d+) iterations/.exec(out)?.[1]);
    const warm = cli('reconstruct', project);
    expect(warm.code, warm.stderr).toBe(0);
    const cold = cli('reconstruct', project, '--force');
    expect(cold.code, cold.stderr).toBe(0);
    console.log(`reconstruct after a pin moved 6 px: ${steps(warm.stdout)} LM steps from the stored fit, ${steps(cold.stdout)} from scratch`);
    expect(steps(warm.stdout)).toBeLessThan(steps(cold.stdout));
  });
});
