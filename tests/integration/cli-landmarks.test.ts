import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelsUpToDate } from '../../native-models/ensure-models';
import { REPO_ROOT, ensureBuilt, runCli } from '../helpers/cli';
import { TEST_MODEL_DIR, londonPhoto, testModelFiles } from '../helpers/perception';
import { makeTempDir } from '../helpers/temp-dir';

const tmp = makeTempDir('deca-cli-landmarks-');
const env = { DECA_MODELS_DIR: TEST_MODEL_DIR, DECA_STUDIO_HOME: tmp.dir, DECA_EXECUTION_PROVIDER: 'cpu' };

beforeAll(async () => {
  ensureBuilt();
  testModelFiles();
  const blank = await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 90, g: 120, b: 150 } } }).jpeg().toBuffer();
  writeFileSync(path.join(tmp.dir, 'blank.jpg'), blank);
});
afterAll(() => tmp.cleanup());

describe('deca-studio landmarks', () => {
  it('prints one JSON entry per image, in original-image pixels; a photo without a face has an empty list', () => {
    const front = londonPhoto('p002', 'neutral_front');
    const blank = path.join(tmp.dir, 'blank.jpg');
    const r = runCli(['landmarks', front, blank, '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { image: string; faces: Record<string, unknown>[] }[];
    expect(out.map((e) => e.image)).toEqual([front, blank]);
    expect(out[1]!.faces).toEqual([]);
    const face = out[0]!.faces[0] as {
      box: number[];
      score: number;
      status: string;
      landmarks68: number[][];
      mesh468: number[][];
      pose: { yaw: number; pitch: number; roll: number };
      embedding: number[];
    };
    expect(face.status).toBe('ok');
    expect(face.box).toHaveLength(4);
    expect(face.landmarks68).toHaveLength(68);
    expect(face.landmarks68.every((p) => p.length === 2)).toBe(true);
    expect(face.mesh468).toHaveLength(468);
    expect(face.mesh468.every((p) => p.length === 3)).toBe(true);
    expect(face.embedding).toHaveLength(128);
    expect(Object.keys(face.pose).sort()).toEqual(['pitch', 'roll', 'yaw']);
    // The face sits in the middle of the 1350×1350 photo: original pixels, not model-input units.
    const [x, y, w, h] = face.box as [number, number, number, number];
    expect(x + w / 2).toBeGreaterThan(500);
    expect(x + w / 2).toBeLessThan(850);
    expect(y + h / 2).toBeGreaterThan(550);
    expect(y + h / 2).toBeLessThan(900);
    expect(w).toBeGreaterThan(400);
  });

  it('without DECA_MODELS_DIR uses the models `npm run build` made, or converts into the user cache', () => {
    const home = path.join(tmp.dir, 'home');
    const { DECA_MODELS_DIR: _unused, ...rest } = { ...process.env, ...env };
    const r = runCli(['landmarks', londonPhoto('p021', 'neutral_front')], { ...rest, DECA_MODELS_DIR: '', DECA_STUDIO_HOME: home });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 face\(s\)\n {2}\*0 ok /);
    const built = modelsUpToDate(path.join(REPO_ROOT, 'native-models/build/onnx'));
    expect(existsSync(path.join(home, 'models/onnx/landmark68.onnx'))).toBe(!built);
    if (!built) expect(modelsUpToDate(path.join(home, 'models/onnx'))).toBe(true);
  });

  it('reports an unreadable image with exit code 2 and keeps going; usage errors exit 64', () => {
    const r = runCli(['landmarks', path.join(tmp.dir, 'nope.jpg'), path.join(tmp.dir, 'blank.jpg'), '--json'], env);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as { image: string; error?: string; faces: unknown[] }[];
    expect(out[0]!.error).toMatch(/Cannot decode .*nope\.jpg/);
    expect(out[1]!.faces).toEqual([]);
    expect(runCli(['landmarks'], env).code).toBe(64);
    const bad = runCli(['landmarks', 'x.jpg', '--provider', 'tpu'], env);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/Unknown execution provider "tpu"/);
  });
});

describe('deca-studio analyze', () => {
  it('runs as a job over a project and stores one row per photo', () => {
    const dir = path.join(tmp.dir, 'Faces.decastudio');
    expect(runCli(['project', 'create', dir, '--name', 'Faces'], env).code).toBe(0);
    const front = londonPhoto('p005', 'neutral_front');
    expect(runCli(['import', dir, '--subject', 'Ken', front, path.join(tmp.dir, 'blank.jpg')], env).code).toBe(0);
    const r = runCli(['analyze', dir, '--subject', 'Ken'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2 analysed \(1 without a usable face\), 0 skipped \(already analysed\), 0 failed/);
    const again = runCli(['analyze', dir], env);
    expect(again.stdout).toMatch(/0 analysed .*2 skipped/);
    const db = new Database(path.join(dir, 'library.sqlite'), { readonly: true });
    const rows = db
      .prepare('SELECT p.original_name AS name, f.face_count AS n, f.selected_face AS sel, f.faces AS faces FROM face_analyses f JOIN photos p ON p.id = f.photo_id ORDER BY p.id')
      .all() as { name: string; n: number; sel: number | null; faces: string }[];
    const jobs = db.prepare("SELECT kind, state, done, total FROM jobs WHERE kind = 'analyze' ORDER BY id").all();
    db.close();
    expect(rows.map((x) => [x.name, x.n, x.sel])).toEqual([
      [path.basename(front), 1, 0],
      ['blank.jpg', 0, null],
    ]);
    expect((JSON.parse(rows[0]!.faces) as { landmarks68: unknown[] }[])[0]!.landmarks68).toHaveLength(68);
    expect(jobs).toEqual([
      { kind: 'analyze', state: 'done', done: 2, total: 2 },
      { kind: 'analyze', state: 'done', done: 2, total: 2 },
    ]);
  });
});
