import { NodeIO } from '@gltf-transform/core';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../../../core/export/png-encode';
import { flatNormalMap } from '../../../core/export/default-textures';
import { buildExportHead } from '../../../core/export/export-head';
import { writeGlb } from '../../../core/export/write-glb';
import type { HeadModel } from '../../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { importIctFaceKit, zipSourceFiles } from '../../../core/head-model/ict-facekit-import';
import { ICT_RANGES } from '../../../core/head-model/ict-skeleton';
import { HEAD_PART, triangleParts } from '../../../core/head-model/triangle-parts';
import { readZip } from '../../../core/head-model/zip-read';
import { bakePhotoTexture } from '../../../core/texture/bake-photo-texture';
import { EYE_PROPORTIONS, eyeballs, eyePlace } from '../../../core/texture/eye-colours';
import { eyeTexture } from '../../../core/texture/eye-texture';
import { rasterizeUv } from '../../../core/geometry/rasterize-uv';
import { fillTextureHoles } from '../../../core/texture/fill-texture-holes';
import { SHARED_DIR } from '../../helpers/temp-dir';

// @ts-expect-error gltf-validator ships no types
import validator from 'gltf-validator';

const ZIP = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');
const SKIN = [200, 150, 128];
const BLUE = [30, 60, 230];
const isBlue = (r: number, g: number, b: number) => b > r + 60 && b > g + 40;

describe.skipIf(!existsSync(ZIP))('ICT-FaceKit skin texture: one atlas, no eye on the skull', () => {
  let model: HeadModel;
  let glb: Uint8Array;
  let albedo: Uint8Array;
  const size = 512;
  beforeAll(async () => {
    model = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(ZIP))))).model;
    // A frontal photo of the neutral head on a grey wall: skin over the head's box, the eyes (and a margin of lid around them) pure blue.
    const rest = new HeadModelEvaluator(model).evaluate({});
    const W = 900, camera = { scale: 2400, tx: 450, ty: 450 };
    const photo = { width: W, height: W, data: new Uint8Array(W * W * 3).fill(96) };
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let v = 0; v < model.vertexCount; v++) {
      const x = camera.scale * rest.vertices[v * 3]! + camera.tx, y = -camera.scale * rest.vertices[v * 3 + 1]! + camera.ty;
      (x0 = Math.min(x0, x)), (x1 = Math.max(x1, x)), (y0 = Math.min(y0, y)), (y1 = Math.max(y1, y));
    }
    for (let y = Math.max(0, Math.floor(y0)); y <= Math.min(W - 1, y1); y++) for (let x = Math.max(0, Math.floor(x0)); x <= Math.min(W - 1, x1); x++) photo.data.set(SKIN, (y * W + x) * 3);
    for (const eye of eyeballs(model)) {
      const cx = camera.scale * eye.center[0] + camera.tx, cy = -camera.scale * eye.center[1] + camera.ty, r = camera.scale * eye.radius * 1.3;
      for (let y = Math.floor(cy - r); y <= cy + r; y++) for (let x = Math.floor(cx - r); x <= cx + r; x++) if (Math.hypot(x - cx, y - cy) <= r) photo.data.set(BLUE, (y * W + x) * 3);
    }
    const baked = bakePhotoTexture(model, [{ photo, vertices: rest.vertices, normals: rest.normals, camera }], { size });
    albedo = fillTextureHoles(baked, model);
    const png = encodePng({ width: size, height: size, channels: 3, data: albedo });
    glb = await writeGlb(buildExportHead(model, {}, { textures: { albedo: png, normal: flatNormalMap(size) } }));
  }, 180_000);

  it('packs the skin into the unit square and leaves the other parts their own UVs', () => {
    const parts = triangleParts(model);
    const { coords, triangles } = model.uv!;
    let skin = 0, outside = 0;
    for (let t = 0; t < parts.length; t++) {
      if (parts[t] !== HEAD_PART.skin) continue;
      skin++;
      for (let k = 0; k < 3; k++) {
        const c = triangles[t * 3 + k]! * 2;
        if (coords[c]! < 0 || coords[c]! > 1 || coords[c + 1]! < 0 || coords[c + 1]! > 1) outside++;
      }
    }
    // Face and head-and-neck are skin; eyeballs, teeth, gums, sockets, lashes and overlays are not.
    const faceAndHead = (ICT_RANGES.headAndNeck[1] + 1) * 2; // ~2 triangles per vertex
    expect(skin).toBeGreaterThan(0.8 * faceAndHead);
    expect(skin).toBeLessThan(1.2 * faceAndHead);
    expect(outside).toBe(0);
    expect(parts.filter((p) => p === HEAD_PART.eyes).length).toBe(2 * 3132);
    expect(parts.filter((p) => p === HEAD_PART.lashes).length).toBe(2160);
  });

  it('bakes the blue eyes around the eyes, and the back of the skull in the exported file shows none of it', async () => {
    let blueTexels = 0;
    for (let i = 0; i < size * size; i++) if (isBlue(albedo[i * 3]!, albedo[i * 3 + 1]!, albedo[i * 3 + 2]!)) blueTexels++;
    // The photo's blue reaches the lids and the skin round the eyes: the test could see an eye copied.
    expect(blueTexels).toBeGreaterThan(200);

    const doc = await new NodeIO().readBinary(glb);
    const prim = doc.getRoot().listMeshes()[0]!.listPrimitives().find((p) => p.getMaterial()!.getName() === 'head')!;
    const png = prim.getMaterial()!.getBaseColorTexture()!.getImage()!;
    const { data, info } = await sharp(Buffer.from(png)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const pos = prim.getAttribute('POSITION')!.getArray()!, uv = prim.getAttribute('TEXCOORD_0')!.getArray()!;
    // Back of the skull: skin vertices of the head-and-neck mesh behind the ears and above the nape.
    let zmax = -Infinity, zmin = Infinity;
    for (let i = 2; i < pos.length; i += 3) (zmax = Math.max(zmax, pos[i]!)), (zmin = Math.min(zmin, pos[i]!));
    const used = new Set<number>(prim.getIndices()!.getArray()!);
    let back = 0, blue = 0, worst = 0;
    for (const v of used) {
      if (pos[v * 3 + 2]! > zmin + 0.3 * (zmax - zmin) || pos[v * 3 + 1]! < 0) continue;
      back++;
      // Sampled as a renderer does: UVs wrap (REPEAT), v flipped in glTF already.
      const u = uv[v * 2]! - Math.floor(uv[v * 2]!), w = uv[v * 2 + 1]! - Math.floor(uv[v * 2 + 1]!);
      const x = Math.min(info.width - 1, Math.floor(u * info.width)), y = Math.min(info.height - 1, Math.floor(w * info.height));
      const i = (y * info.width + x) * 3;
      if (isBlue(data[i]!, data[i + 1]!, data[i + 2]!)) blue++;
      for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(data[i + k]! - SKIN[k]!));
    }
    expect(back).toBeGreaterThan(100);
    expect(blue).toBe(0);
    // The fill is the skin the photo saw, within a few levels.
    expect(worst).toBeLessThan(12);
  });

  it('writes the parts as their own materials, and passes the Khronos validator with no error and no warning', async () => {
    const report = await validator.validateBytes(glb);
    expect(report.issues.messages.filter((m: { severity: number }) => m.severity <= 1)).toEqual([]);
    expect(report.issues.numErrors).toBe(0);
    expect(report.issues.numWarnings).toBe(0);
    const doc = await new NodeIO().readBinary(glb);
    const materials = doc.getRoot().listMaterials();
    expect(materials.map((m) => m.getName())).toEqual(['head', 'eyes', 'teeth', 'mouth']);
    const byName = new Map(materials.map((m) => [m.getName(), m]));
    expect(byName.get('eyes')!.getBaseColorTexture()!.getName()).toBe('eye');
    expect(byName.get('eyes')!.getRoughnessFactor()).toBeLessThan(0.3);
    expect(byName.get('teeth')!.getBaseColorTexture()).toBeNull();
    // Every triangle is in exactly one primitive, but the see-through overlays and the lash strips (a film and dark bands over the eyes in any plain material).
    const prims = doc.getRoot().listMeshes()[0]!.listPrimitives();
    const left = triangleParts(model).filter((p) => p === HEAD_PART.overlay || p === HEAD_PART.lashes).length;
    expect(left).toBe(1224 + 2160);
    expect(prims.reduce((s, p) => s + p.getIndices()!.getCount() / 3, 0)).toBe(model.triangles.length / 3 - left);
  });

  it('paints pupil, iris and sclera where they are on the eyeball (ICT lays the eyeball over the whole UV square)', () => {
    const size = 256;
    const rgb = eyeTexture(model, { sclera: [0.9, 0.9, 0.9], iris: [0.1, 0.3, 0.6] }, { size });
    const mask = Uint8Array.from(triangleParts(model), (p) => (p === HEAD_PART.eyes ? 1 : 0));
    const texels = rasterizeUv(model.uv!, size, { triangleMask: mask });
    const P = model.template, tri = model.triangles;
    const eyes = eyeballs(model);
    const seen = { pupil: [] as number[], iris: [] as number[], sclera: [] as number[] };
    for (let i = 0; i < size * size; i++) {
      const t = texels.triangle[i]!;
      if (t < 0) continue;
      const wb = texels.bary[i * 2]!, wc = texels.bary[i * 2 + 1]!, wa = 1 - wb - wc;
      const p = [0, 1, 2].map((k) => wa * P[tri[t * 3]! * 3 + k]! + wb * P[tri[t * 3 + 1]! * 3 + k]! + wc * P[tri[t * 3 + 2]! * 3 + k]!);
      const { r, front } = eyePlace(p[0]! >= 0 ? eyes[0]! : eyes[1]!, p[0]!, p[1]!, p[2]!);
      if (!front) continue;
      const blue = rgb[i * 3 + 2]!, lum = (rgb[i * 3]! + rgb[i * 3 + 1]! + rgb[i * 3 + 2]!) / 3;
      if (r < EYE_PROPORTIONS.pupil * 0.6) seen.pupil.push(lum);
      else if (r > EYE_PROPORTIONS.pupil * 1.5 && r < EYE_PROPORTIONS.iris * 0.7) seen.iris.push(blue - rgb[i * 3]!);
      else if (r > EYE_PROPORTIONS.iris * 1.3 && r < 0.9) seen.sclera.push(lum);
    }
    const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
    console.log(`eye texels: pupil ${seen.pupil.length}, iris ${seen.iris.length}, sclera ${seen.sclera.length}`);
    expect([seen.pupil.length, seen.iris.length, seen.sclera.length].every((n) => n > 0)).toBe(true);
    expect(mean(seen.pupil)).toBeLessThan(20);
    expect(mean(seen.iris)).toBeGreaterThan(80); // the iris's blue, far bluer than red
    expect(mean(seen.sclera)).toBeGreaterThan(200);
  });
});
