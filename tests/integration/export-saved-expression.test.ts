import { NodeIO } from '@gltf-transform/core';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error gltf-validator ships no types
import validator from 'gltf-validator';
import type { ApiHandlers, AxisAngle } from '../../core/api/contract';
import { validateRequest } from '../../core/api/validate-request';
import { ARKIT_BLENDSHAPES } from '../../core/expression/arkit-names';
import { ARKIT_CSV_HEADER, LIVE_LINK_FACE_BLENDSHAPES } from '../../core/export/arkit-csv';
import { axisAngleToQuaternion } from '../../core/export/clip-animation';
import type { Studio } from '../../main/services/studio';
import { ensureBuilt, runCli } from '../helpers/cli';
import { HAVE_BLENDER, inspectInBlender } from '../helpers/export-readers';
import { openStudioWithAnn, storeOnePhotoFit, type StudioWithAnn } from '../helpers/test-studio';

// A saved expression (made by hand: named ARKit weights, a jaw and eyes) exported everywhere a
// photo's expression is: through the API's export job and the CLI, as a posed GLB and FBX and as a
// one-row ARKit CSV, each read back by a reader that is not ours (glTF-Transform and the Khronos
// validator, Blender 3.4, the CSV's columns). Ann's reconstruction is stored directly (a neutral
// shape on the starter head): the pose, not the fit, is what is checked.

const at = (name: string) => ARKIT_BLENDSHAPES.indexOf(name as (typeof ARKIT_BLENDSHAPES)[number]);
/** Every weight differs, so a swapped name or a photo's expression in its place shows. */
const SMIRK = { name: 'half smirk', arkit: ARKIT_BLENDSHAPES.map((_, k) => ((k * 7 + 3) % 50) / 50), jawPose: [0.2, 0.01, 0] as AxisAngle, eyePose: { left: [0, 0.05, 0] as AxisAngle, right: [0, -0.05, 0] as AxisAngle } };
const WINK = { name: 'wink', arkit: ARKIT_BLENDSHAPES.map((n) => (n === 'eyeBlinkLeft' ? 1 : n === 'mouthSmileLeft' ? 0.4 : 0)), jawPose: [0, 0, 0] as AxisAngle };

let t: StudioWithAnn;
let tmp: StudioWithAnn['tmp'];
let studio: Studio;
let api: ApiHandlers;
let proj: string;
let env: Record<string, string>;
let subjectId: number;
let photoId: number;

beforeAll(async () => {
  ensureBuilt();
  t = await openStudioWithAnn('deca-saved-expression-');
  ({ tmp, studio, api, projectPath: proj, subjectId, photoId } = t);
  env = { DECA_STUDIO_HOME: t.home };
  storeOnePhotoFit(studio, { subjectId, photoId, model: (await studio.models.pack('starter-head')).model });
  // Saved as the Animate tab saves them: through the validated API method.
  await api['expressions.save'](validateRequest('expressions.save', SMIRK));
  await api['expressions.save'](validateRequest('expressions.save', WINK));
}, 120_000);

afterAll(() => t?.dispose());

/** Runs an export through the API as the dialog does (validated request, a job) and returns its output item. */
async function exportViaApi(req: Record<string, unknown>) {
  const { jobId } = await api['export.start'](validateRequest('export.start', req));
  const job = await studio.jobs.whenDone(jobId);
  const items = studio.requireProject().library.reads.listJobItems(jobId);
  return { job, output: items.find((i) => i.kind === 'output') };
}

/** The GLB's initial morph weights by target name, its jaw and eyes' rotations, and its animation count. */
async function readPosedGlb(bytes: Uint8Array) {
  const report = await validator.validateBytes(bytes);
  const doc = await new NodeIO().readBinary(bytes);
  const mesh = doc.getRoot().listMeshes()[0]!;
  const names = (mesh.getExtras() as { targetNames: string[] }).targetNames;
  const weights = mesh.getWeights();
  const node = (n: string) => doc.getRoot().listNodes().find((x) => x.getName() === n)!.getRotation();
  return { report, names, weights, jaw: node('jaw'), eyeL: node('eye_L'), animations: doc.getRoot().listAnimations().length };
}

/** Largest difference between the file's weights and the saved expression's, by ARKit name. */
function worstWeight(names: string[], weights: number[], arkit: number[]): number {
  return Math.max(...names.map((n, k) => Math.abs(weights[k]! - arkit[at(n)]!)));
}

describe('a saved expression through the export job (API)', () => {
  it('poses Ann’s GLB with it: every morph weight is the saved one, the jaw and eyes rotated, no animation; validator-clean', async () => {
    const out = path.join(tmp.dir, 'api-smirk.glb');
    const { job, output } = await exportViaApi({ packId: 'starter-head', subjectId, format: 'glb', savedExpression: 'half smirk', textures: false, outPath: out });
    expect(job.state, job.error ?? '').toBe('done');
    expect(output!.message).toMatch(/26 blendshapes, posed as half smirk$/);
    const glb = await readPosedGlb(new Uint8Array(readFileSync(out)));
    expect([glb.report.issues.numErrors, glb.report.issues.numWarnings]).toEqual([0, 0]);
    expect(glb.names).toHaveLength(26);
    const worst = worstWeight(glb.names, glb.weights, SMIRK.arkit);
    console.log(`API GLB posed with "half smirk": ${glb.names.length} morph weights, largest difference from the saved weights ${worst.toExponential(2)}; jaw ${glb.jaw.map((q) => q.toFixed(4)).join(', ')}`);
    expect(worst).toBeLessThan(1e-7); // float32 of the saved values
    // Not a neutral head by accident: the weights span the saved range.
    expect(Math.max(...glb.weights)).toBeGreaterThan(0.9);
    axisAngleToQuaternion(SMIRK.jawPose).forEach((q, c) => expect(glb.jaw[c]).toBeCloseTo(q, 6));
    axisAngleToQuaternion(SMIRK.eyePose.left).forEach((q, c) => expect(glb.eyeL[c]).toBeCloseTo(q, 6));
    expect(glb.animations).toBe(0);
  });

  it.skipIf(!HAVE_BLENDER)('poses the FBX with it: Blender 3.4 reads each shape key at the saved weight and the jaw at its angle', async () => {
    const out = path.join(tmp.dir, 'api-smirk.fbx');
    const { job, output } = await exportViaApi({ packId: 'starter-head', subjectId, format: 'fbx', savedExpression: 'half smirk', textures: false, outPath: out });
    expect(job.state, job.error ?? '').toBe('done');
    expect(output!.message).toMatch(/^FBX, .*posed as half smirk$/);
    const r = inspectInBlender(out);
    const values = r.meshes[0]!.shape_key_values!;
    const names = Object.keys(values);
    expect(names).toHaveLength(26);
    const worst = Math.max(...names.map((n) => Math.abs(values[n]! - SMIRK.arkit[at(n)]!)));
    const [w] = r.armatures[0]!.pose.jaw!;
    console.log(`Blender FBX posed with "half smirk": ${names.length} shape keys, largest difference from the saved weights ${worst.toExponential(2)}; jaw angle ${(2 * Math.acos(Math.min(1, Math.abs(w)))).toFixed(5)} rad`);
    expect(worst).toBeLessThan(1e-4); // FBX stores DeformPercent (0…100) as a double
    expect(2 * Math.acos(Math.min(1, Math.abs(w)))).toBeCloseTo(Math.hypot(...SMIRK.jawPose), 4);
  }, 240_000);

  it('writes it alone as a one-row ARKit CSV (Live Link Face layout) with the saved weights', async () => {
    const out = path.join(tmp.dir, 'api-wink.csv');
    const { job, output } = await exportViaApi({ packId: 'starter-head', format: 'arkit-csv', savedExpression: 'wink', outPath: out });
    expect(job.state, job.error ?? '').toBe('done');
    expect(output!.message).toMatch(/1 rows, \d+ bytes: saved expression "wink"/);
    const lines = readFileSync(out, 'utf8').split('\r\n').filter((l) => l.length);
    expect(lines[0]).toBe(ARKIT_CSV_HEADER);
    expect(lines).toHaveLength(2);
    const cols = lines[1]!.split(',');
    expect(cols[0]).toBe('00:00:00:00.000');
    const csvWorst = Math.max(...LIVE_LINK_FACE_BLENDSHAPES.map((n, k) => Math.abs(Number(cols[2 + k]) - WINK.arkit[ARKIT_BLENDSHAPES.findIndex((a) => a.toLowerCase() === n.toLowerCase())]!)));
    expect(csvWorst).toBeLessThan(1e-6);
    expect(Number(cols[2 + LIVE_LINK_FACE_BLENDSHAPES.indexOf('EyeBlinkLeft')])).toBe(1);
  });

  it('refuses an unknown name before a job starts (naming the saved ones), two motions at once, and a pose with expression weights', async () => {
    const before = studio.requireProject().library.reads.listJobs().length;
    await expect(api['export.start'](validateRequest('export.start', { packId: 'starter-head', subjectId, format: 'glb', savedExpression: 'nope' }))).rejects.toThrow(
      /No saved expression named "nope" \(the project has: half smirk, wink\)/,
    );
    await expect(api['export.start'](validateRequest('export.start', { packId: 'starter-head', format: 'arkit-csv', savedExpression: 'nope' }))).rejects.toThrow(/No saved expression named "nope"/);
    expect(studio.requireProject().library.reads.listJobs()).toHaveLength(before);
    expect(() => validateRequest('export.start', { packId: 'starter-head', format: 'glb', savedExpression: 'wink', expressionFromPhotoId: photoId })).toThrow(
      /export\.start: give one of clip, expressionFromPhotoId, savedExpression, not expressionFromPhotoId and savedExpression/,
    );
    expect(() => validateRequest('export.start', { packId: 'starter-head', format: 'glb', savedExpression: 'wink', clip: 'talk' })).toThrow(/not clip and savedExpression/);
    expect(() => validateRequest('export.start', { packId: 'starter-head', format: 'glb', savedExpression: '  ' })).toThrow(/export\.start\.savedExpression: must not be empty/);
    expect(() => validateRequest('export.start', { packId: 'starter-head', format: 'glb', savedExpression: 7 })).toThrow(/savedExpression: must be a string/);
    const weights = await exportViaApi({ packId: 'starter-head', format: 'glb', savedExpression: 'wink', expression: [0.5], outPath: path.join(tmp.dir, 'x.glb') });
    expect(weights.job.state).toBe('failed');
    expect(weights.job.error).toMatch(/replaces the expression weights/);
  });
});

describe('deca-studio export --expression NAME', () => {
  const cli = (...args: string[]) => runCli(args, env);

  it('writes Ann’s head posed with the saved expression as GLB (weights read back) and FBX', async () => {
    const glbFile = path.join(tmp.dir, 'cli-smirk.glb');
    const r = cli('export', proj, '--subject', 'Ann', '--expression', 'half smirk', '--format', 'glb', '--out', glbFile, '--no-textures');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/posed as half smirk, Ann's shape from 1 photos/);
    const glb = await readPosedGlb(new Uint8Array(readFileSync(glbFile)));
    expect([glb.report.issues.numErrors, glb.report.issues.numWarnings]).toEqual([0, 0]);
    const worst = worstWeight(glb.names, glb.weights, SMIRK.arkit);
    console.log(`CLI GLB posed with "half smirk": largest difference from the saved weights ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-7);
    axisAngleToQuaternion(SMIRK.jawPose).forEach((q, c) => expect(glb.jaw[c]).toBeCloseTo(q, 6));

    const fbxFile = path.join(tmp.dir, 'cli-wink.fbx');
    const f = cli('export', proj, '--subject', 'Ann', '--expression', 'wink', '--format', 'fbx', '--out', fbxFile, '--no-textures');
    expect(f.code, f.stderr).toBe(0);
    expect(f.stdout).toMatch(/^Wrote .*cli-wink\.fbx \(FBX, .*posed as wink/);
    expect(readFileSync(fbxFile).subarray(0, 20).toString('latin1')).toBe('Kaydara FBX Binary  ');
  });

  it('expressions --saved lists the names --expression takes, as text and JSON', () => {
    const text = cli('expressions', proj, '--saved');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split('\n').filter((l) => l.length)).toEqual([expect.stringMatching(/^half smirk  \w+ 0\.98, .*  jaw 0\.200 rad$/), 'wink  eyeBlinkLeft 1.00, mouthSmileLeft 0.40  jaw 0.000 rad']);
    const json = JSON.parse(cli('expressions', proj, '--saved', '--json').stdout) as { name: string; arkit: Record<string, number>; jawPose: number[]; eyePose: unknown; sourcePhotoId: number | null }[];
    expect(json.map((e) => e.name)).toEqual(['half smirk', 'wink']);
    ARKIT_BLENDSHAPES.forEach((n, k) => expect(json[0]!.arkit[n]).toBeCloseTo(SMIRK.arkit[k]!, 6));
    expect(json[0]).toMatchObject({ jawPose: SMIRK.jawPose, eyePose: SMIRK.eyePose, sourcePhotoId: null });
    expect(cli('expressions', proj, '--saved', '--subject', 'Ann').code).toBe(64);
  });

  it('writes it alone as a one-row ARKit CSV', () => {
    const csvFile = path.join(tmp.dir, 'cli-smirk.csv');
    const r = cli('export', proj, '--subject', 'Ann', '--expression', 'half smirk', '--format', 'arkit-csv', '--out', csvFile);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ARKit CSV, Live Link Face layout: 1 rows/);
    const lines = readFileSync(csvFile, 'utf8').split('\r\n').filter((l) => l.length);
    expect(lines).toHaveLength(2);
    const cols = lines[1]!.split(',');
    const worst = Math.max(...LIVE_LINK_FACE_BLENDSHAPES.map((n, k) => Math.abs(Number(cols[2 + k]) - SMIRK.arkit[ARKIT_BLENDSHAPES.findIndex((a) => a.toLowerCase() === n.toLowerCase())]!)));
    expect(worst).toBeLessThan(1e-6);
  });

  it('says what is wrong: an unknown name (exit 1, the names there are), two motions or an empty name (exit 64), no project (64)', () => {
    const unknown = cli('export', proj, '--subject', 'Ann', '--expression', 'nope', '--format', 'glb', '--out', path.join(tmp.dir, 'n.glb'));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No saved expression named "nope" \(the project has: half smirk, wink\)/);
    const unknownCsv = cli('export', proj, '--expression', 'nope', '--format', 'arkit-csv', '--out', path.join(tmp.dir, 'n.csv'));
    expect(unknownCsv.code).toBe(1);
    expect(unknownCsv.stderr).toMatch(/No saved expression named "nope"/);
    const both = cli('export', proj, '--subject', 'Ann', '--expression', 'wink', '--expression-from', String(photoId), '--format', 'glb', '--out', path.join(tmp.dir, 'b.glb'));
    expect(both.code).toBe(64);
    expect(both.stderr).toMatch(/Give one of --clip NAME, --expression-from PHOTO_ID or --expression NAME, not --expression-from PHOTO_ID and --expression NAME/);
    const withClip = cli('export', proj, '--subject', 'Ann', '--expression', 'wink', '--clip', 'talk', '--format', 'arkit-csv', '--out', path.join(tmp.dir, 'c.csv'));
    expect(withClip.code).toBe(64);
    expect(withClip.stderr).toMatch(/not --clip NAME and --expression NAME/);
    const empty = cli('export', proj, '--subject', 'Ann', '--expression', ' ', '--format', 'glb', '--out', path.join(tmp.dir, 'e.glb'));
    expect(empty.code).toBe(64);
    expect(empty.stderr).toMatch(/--expression takes the name of a saved expression/);
    const noProject = cli('export', '--pack', 'starter-head', '--expression', 'wink', '--format', 'glb', '--out', path.join(tmp.dir, 'p.glb'));
    expect(noProject.code).toBe(64);
    expect(noProject.stderr).toMatch(/Clips and expressions come from a project: give <project>/);
    // The usage names the new option beside the old ones.
    expect(cli('export', '--help').stdout + cli('export', '--help').stderr).toMatch(/--clip NAME \| --expression-from PHOTO_ID \| --expression NAME/);
  });
});
