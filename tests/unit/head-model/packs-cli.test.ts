import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../../helpers/cli';
import { makeTempDir, SHARED_DIR } from '../../helpers/temp-dir';

const ZIP = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');

describe.skipIf(!existsSync(ZIP))('packs CLI on ICT-FaceKit', () => {
  const { dir, cleanup } = makeTempDir('deca-packs-cli-');
  const env = { DECA_STUDIO_HOME: path.join(dir, 'home') };
  beforeAll(() => {
    ensureBuilt();
    const r = runCli(['packs', 'import', ZIP], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Installed "ICT-FaceKit \(Light\)" as pack ict-facekit \(26719 vertices, 100 shape \+ 53 expression modes\)/);
  }, 180_000);
  afterAll(cleanup);

  it('lists and describes the pack as JSON', () => {
    const list = runCli(['packs', 'list', '--json'], env);
    expect(list.code).toBe(0);
    const packs = JSON.parse(list.stdout) as { id: string; vertexCount: number }[];
    // The starter head is generated on first use, beside what the user imported.
    expect(packs.map((p) => [p.id, p.vertexCount])).toEqual([['ict-facekit', 26719], ['starter-head', 7366]]);
    const info = runCli(['packs', 'info', 'ict-facekit', '--json'], env);
    const i = JSON.parse(info.stdout);
    expect(i).toMatchObject({ vertexCount: 26719, triangleCount: 52220, shapeCount: 100, expressionCount: 53, landmarkCount: 68 });
    expect(i.jointNames).toEqual(['root', 'neck', 'head', 'jaw', 'eye_L', 'eye_R']);
    expect(i.expressionNames).toHaveLength(53);
    expect(i.expressionNames).toContain('jawOpen');
    // the manifest on disk says the same
    const manifest = JSON.parse(readFileSync(path.join(env.DECA_STUDIO_HOME, 'packs/ict-facekit/manifest.json'), 'utf8'));
    expect(manifest.expressionNames).toEqual(i.expressionNames);
  });

  it('renders a head PNG, and an open jaw changes the mouth area', async () => {
    const neutral = path.join(dir, 'neutral.png'), open = path.join(dir, 'open.png');
    expect(runCli(['packs', 'render', 'ict-facekit', '--out', neutral, '--size', '256'], env).code).toBe(0);
    const r = runCli(['packs', 'render', 'ict-facekit', '--out', open, '--size', '256', '--expr', 'jawOpen=0.8', '--shape', '0=2.0'], env);
    expect(r.code, r.stderr).toBe(0);
    const a = await sharp(neutral).raw().toBuffer({ resolveWithObject: true });
    const b = await sharp(open).raw().toBuffer({ resolveWithObject: true });
    expect([a.info.width, a.info.height]).toEqual([256, 256]);
    const px = (img: typeof a, x: number, y: number) => [...img.data.subarray((y * 256 + x) * img.info.channels, (y * 256 + x) * img.info.channels + 3)];
    // background in the corner, lit skin in the middle of the face
    expect(px(a, 2, 2)).toEqual([38, 40, 46]);
    const [r0, g0, b0] = px(a, 128, 100);
    expect(r0!).toBeGreaterThan(120);
    expect(r0!).toBeGreaterThan(b0!); // skin: more red than blue
    expect(g0!).toBeGreaterThan(60);
    let changed = 0;
    for (let y = 140; y < 200; y++) for (let x = 100; x < 156; x++) if (Math.abs(px(a, x, y)[0]! - px(b, x, y)[0]!) > 30) changed++;
    expect(changed).toBeGreaterThan(200);
  });

  it('gives usage errors for unknown expressions and bad numbers', () => {
    const r = runCli(['packs', 'render', 'ict-facekit', '--out', path.join(dir, 'x.png'), '--expr', 'smile=1'], env);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/Unknown expression "smile"/);
    expect(runCli(['packs', 'render', 'ict-facekit', '--out', path.join(dir, 'x.png'), '--yaw', 'left'], env).code).toBe(64);
    const missing = runCli(['packs', 'info', 'nope'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No model pack "nope"/);
  });
});
