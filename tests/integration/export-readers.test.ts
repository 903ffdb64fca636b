import { NodeIO } from '@gltf-transform/core';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoClip } from '../../core/export/animation-clip';
import { ARKIT_BLENDSHAPES } from '../../core/expression/arkit-names';
import { buildExportHead, type ExportHead } from '../../core/export/export-head';
import { writeFbx } from '../../core/export/fbx/write-fbx';
import { writeGlb } from '../../core/export/write-glb';
import type { HeadModel } from '../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../core/head-model/head-model-evaluator';
import { importIctFaceKit, zipSourceFiles } from '../../core/head-model/ict-facekit-import';
import { readZip } from '../../core/head-model/zip-read';
import { HEAD_PART } from '../../core/head-model/triangle-parts';
import { buildStarterHead } from '../../core/starter-head/build-starter-head';
import { readCanonicalFaceMeshAsset } from '../../main/packs/starter-pack';
import { fbxToGltf, HAVE_BLENDER, inspectInBlender, type BlenderReport } from '../helpers/export-readers';
import { makeTempDir, SHARED_DIR } from '../helpers/temp-dir';

// @ts-expect-error gltf-validator ships no types
import validator from 'gltf-validator';

const BONES = ['root', 'neck', 'head', 'jaw', 'eye_L', 'eye_R'];

let tmp: ReturnType<typeof makeTempDir>;
let model: HeadModel;
let head: ExportHead;
let glbFile: string;
let fbxFile: string;
let glb: Uint8Array;

beforeAll(async () => {
  tmp = makeTempDir('deca-export-');
  const zip = readZip(new Uint8Array(readFileSync(path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip'))));
  model = importIctFaceKit(zipSourceFiles(zip)).model;
  // As the app exports it: the demo clip over the head's own blendshapes.
  const still = buildExportHead(model, {}, { textureSize: 256 });
  head = { ...still, animations: [demoClip(still.morphs.map((m) => m.name))] };
  glb = await writeGlb(head);
  glbFile = path.join(tmp.dir, 'ict.glb');
  fbxFile = path.join(tmp.dir, 'ict.fbx');
  writeFileSync(glbFile, glb);
  // As the CLI writes it: large arrays zlib-compressed.
  writeFileSync(fbxFile, writeFbx(head, { deflate: (b) => deflateSync(b, { level: 1 }) }));
}, 240_000);
afterAll(() => tmp?.cleanup());

/** The summed deltas (model vertex order) of ICT-FaceKit's expression shapes of these names. */
function ictDeltas(...names: string[]): Float64Array {
  const V3 = model.vertexCount * 3;
  const sum = new Float64Array(V3);
  for (const name of names) {
    const k = model.expression.names.indexOf(name);
    expect(k).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < V3; i++) sum[i]! += model.expression.data[k * V3 + i]!;
  }
  return sum;
}

/** Our own evaluation of the jawOpen shape: the vertex that moves most, and how far. */
function ourJawOpen(): { length: number; at: number[] } {
  const ev = new HeadModelEvaluator(model);
  const rest = Float32Array.from(ev.evaluate({}).vertices);
  const psi = new Float32Array(model.expression.count);
  psi[model.expression.names.indexOf('jawOpen')] = 1;
  const open = ev.evaluate({ expression: psi }).vertices;
  let best = -1;
  let at: number[] = [];
  for (let v = 0; v < model.vertexCount; v++) {
    const d = Math.hypot(open[v * 3]! - rest[v * 3]!, open[v * 3 + 1]! - rest[v * 3 + 1]!, open[v * 3 + 2]! - rest[v * 3 + 2]!);
    if (d > best) {
      best = d;
      at = [rest[v * 3]!, rest[v * 3 + 1]!, rest[v * 3 + 2]!];
    }
  }
  return { length: best, at };
}

describe('GLB export of the ICT-FaceKit head', () => {
  it('passes the Khronos glTF validator with no error and no warning', async () => {
    const report = await validator.validateBytes(glb);
    expect(report.issues.messages.filter((m: { severity: number }) => m.severity <= 1)).toEqual([]);
    expect(report.issues.numErrors).toBe(0);
    expect(report.issues.numWarnings).toBe(0);
    expect(report.info.animationCount).toBe(1);
    expect(report.info.morphedPrimitivesCount ?? 1).toBeGreaterThan(0);
  });

  it("names the morph targets with ARKit's names only: ICT's split browInnerUp and cheekPuff become ARKit's single shapes", async () => {
    const doc = await new NodeIO().readBinary(glb);
    const [mesh] = doc.getRoot().listMeshes();
    const names = (mesh!.getExtras() as { targetNames: string[] }).targetNames;
    // ICT-FaceKit has every ARKit shape but tongueOut: 49 as they are, browInnerUp and cheekPuff from two halves each.
    expect([...names].sort()).toEqual(ARKIT_BLENDSHAPES.filter((n) => n !== 'tongueOut').sort());
    expect(doc.getRoot().listSkins()[0]!.listJoints().map((j) => j.getName())).toEqual(BONES);
    // The single shape is the sum of the halves' deltas, as read back from the file.
    const prim = mesh!.listPrimitives()[0]!;
    for (const shape of ['browInnerUp', 'cheekPuff']) {
      const target = prim.listTargets()[names.indexOf(shape)]!.getAttribute('POSITION')!.getArray() as Float32Array;
      const expected = ictDeltas(`${shape}_L`, `${shape}_R`);
      let worst = 0;
      for (let i = 0; i < head.sourceVertex.length; i++)
        for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(target[i * 3 + c]! - expected[head.sourceVertex[i]! * 3 + c]!));
      expect(worst).toBeLessThan(1e-7);
      expect(Math.max(...target.map(Math.abs))).toBeGreaterThan(1e-3); // a real shape, millimetres
    }
  });
});

describe('GLB export of the starter head', () => {
  it('passes the Khronos glTF validator with no error and no warning, with all 26 ARKit shapes', async () => {
    const starter = buildStarterHead(await readCanonicalFaceMeshAsset());
    const starterHead = buildExportHead(starter, {}, { textureSize: 256, animations: [demoClip(['jawOpen', 'eyeBlinkLeft', 'eyeBlinkRight'])] });
    const bytes = await writeGlb(starterHead);
    const report = await validator.validateBytes(bytes);
    expect(report.issues.messages.filter((m: { severity: number }) => m.severity <= 1)).toEqual([]);
    expect(report.issues.numErrors).toBe(0);
    expect(report.issues.numWarnings).toBe(0);
    const doc = await new NodeIO().readBinary(bytes);
    const names = (doc.getRoot().listMeshes()[0]!.getExtras() as { targetNames: string[] }).targetNames;
    expect(names).toHaveLength(26);
    expect(names.every((n) => (ARKIT_BLENDSHAPES as readonly string[]).includes(n))).toBe(true);
    expect(doc.getRoot().listTextures().map((t) => t.getName())).toEqual(['albedo', 'normal', 'eye']);
    expect(doc.getRoot().listMaterials().map((m) => m.getName())).toEqual(['head', 'eyes', 'mouth']);
  });
});

describe.skipIf(!HAVE_BLENDER)('Blender reads our exports', () => {
  let fromGlb: BlenderReport;
  let fromFbx: BlenderReport;
  beforeAll(() => {
    fromGlb = inspectInBlender(glbFile);
    fromFbx = inspectInBlender(fbxFile);
  }, 300_000);

  it.each([
    ['GLB', () => fromGlb],
    ['FBX', () => fromFbx],
  ])('%s: one mesh with the triangles, 6 bones, 51 ARKit shape keys, textures and the action', (_format, report) => {
    const r = report();
    expect(r.meshes).toHaveLength(1);
    const mesh = r.meshes[0]!;
    // Every triangle but ICT's see-through eye overlays and lash strips (left out of files, see headMaterials).
    expect(mesh.triangles).toBe(head.indices.length / 3 - head.parts.filter((p) => p === HEAD_PART.overlay || p === HEAD_PART.lashes).length);
    expect(mesh.shape_keys).toEqual(head.morphs.map((m) => m.name));
    expect(mesh.uv_layers).toBe(1);
    expect(mesh.armature_modifier).toBe(true);
    expect(r.armatures).toHaveLength(1);
    expect(r.armatures[0]!.bones).toEqual(BONES);
    expect(r.images.join(' ')).toMatch(/albedo/);
    expect(r.images.join(' ')).toMatch(/normal/);
    // The parts' own materials (skin `head` first), the eyes with their own texture.
    expect(mesh.materials.map((m) => m.replace(/\.\d+$/, ''))).toEqual(['head', 'eyes', 'teeth', 'mouth']);
    expect(r.images.join(' ')).toMatch(/eye/);
    expect(r.actions.length).toBeGreaterThan(0);
  });

  it.each([
    ['GLB', () => fromGlb],
    ['FBX', () => fromFbx],
  ])('%s: the demo animation moves every shape key and the jaw bone', (_format, report) => {
    const animated = report().animated;
    const keys = animated.filter((p) => p.startsWith('key_blocks'));
    expect(keys.sort()).toEqual(head.morphs.map((m) => `key_blocks["${m.name}"].value`).sort());
    expect(animated.some((p) => /pose\.bones\["jaw"\]\.rotation/.test(p))).toBe(true);
  });

  it.each([
    ['GLB', () => fromGlb],
    ['FBX', () => fromFbx],
  ])('%s: jawOpen at 1.0 moves the chin as our evaluation does (within 0.1 mm)', (_format, report) => {
    const ours = ourJawOpen();
    const theirs = report().meshes[0]!.jaw_open_max!;
    expect(ours.length).toBeGreaterThan(0.005); // the jaw really opens (metres)
    expect(Math.abs(theirs.length - ours.length)).toBeLessThan(1e-4);
    // Blender is Z-up: our (x, y, z) arrives as (x, -z, y).
    const [x, y, z] = ours.at;
    const dist = Math.hypot(theirs.at[0] - x!, theirs.at[1] + z!, theirs.at[2] - y!);
    expect(dist).toBeLessThan(1e-4);
  });

  it('imports the FBX at the same size as the GLB (within 1 %)', () => {
    const g = fromGlb.meshes[0]!.height;
    const f = fromFbx.meshes[0]!.height;
    expect(g).toBeGreaterThan(0.2); // a real head and neck, in metres
    expect(Math.abs(f - g) / g).toBeLessThan(0.01);
  });
});

describe('the Autodesk FBX SDK (fbx2gltf) reads our FBX', () => {
  it('converts without error and keeps the skin and the morph targets', async () => {
    const result = fbxToGltf(fbxFile, path.join(tmp.dir, 'sdk'));
    expect(result.ok, result.log).toBe(true);
    const doc = await new NodeIO().read(result.gltf);
    const skins = doc.getRoot().listSkins();
    expect(skins).toHaveLength(1);
    expect(skins[0]!.listJoints().map((j) => j.getName())).toEqual(expect.arrayContaining(BONES));
    const prims = doc.getRoot().listMeshes().flatMap((m) => m.listPrimitives());
    expect(prims.length).toBeGreaterThan(0);
    // fbx2gltf names each target's POSITION accessor after the FBX blend-shape channel.
    for (const p of prims) expect(p.listTargets().map((t) => t.getAttribute('POSITION')!.getName())).toEqual(head.morphs.map((m) => m.name));
    expect(head.morphs.every((m) => (ARKIT_BLENDSHAPES as readonly string[]).includes(m.name))).toBe(true);
  });

  it('reads the demo animation with the same curves as the GLB: every blendshape weight and the jaw, over the whole clip', async () => {
    const result = fbxToGltf(fbxFile, path.join(tmp.dir, 'sdk-anim'));
    expect(result.ok, result.log).toBe(true);
    const doc = await new NodeIO().read(result.gltf);
    const [animation] = doc.getRoot().listAnimations();
    const channels = animation!.listChannels().map((c) => ({ target: `${c.getTargetNode()!.getName()}.${c.getTargetPath()}`, sampler: c.getSampler()! }));
    expect(channels.map((c) => c.target).sort()).toEqual([`${head.name}.weights`, 'jaw.rotation']);
    const weights = channels.find((c) => c.target.endsWith('.weights'))!.sampler;
    const keys = weights.getInput()!.getCount();
    expect(keys).toBeGreaterThan(40); // sampled over the 2 s clip (24 fps), not one frame
    expect(weights.getOutput()!.getCount()).toBe(keys * head.morphs.length);
    // jawOpen really moves: half open at the middle of the clip.
    const values = weights.getOutput()!.getArray()!;
    const jawOpen = head.morphs.findIndex((m) => m.name === 'jawOpen');
    const track = Array.from({ length: keys }, (_, t) => values[t * head.morphs.length + jawOpen]!);
    expect(Math.max(...track)).toBeGreaterThan(0.9);
    expect(Math.min(...track)).toBeLessThan(0.05);
  });
});
