import { NodeIO, type Document } from '@gltf-transform/core';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error gltf-validator ships no types
import validator from 'gltf-validator';
import type { DetailMaps } from '../../../core/detail/detail-maps';
import { bakeDetailNormals, planDetailNormalBake } from '../../../core/export/bake-detail-normals';
import { vertexTangents } from '../../../core/export/vertex-tangents';
import { wrinkleDrivers } from '../../../core/export/detail-textures';
import { syntheticHeadModel } from '../../../core/head-model/synthetic-head-model';
import type { HeadModel } from '../../../core/head-model/head-model';
import { importIctFaceKit, zipSourceFiles } from '../../../core/head-model/ict-facekit-import';
import { readZip } from '../../../core/head-model/zip-read';
import { exportPackHead } from '../../../main/export/export-pack-head';
import { fbxToGltf, HAVE_BLENDER } from '../../helpers/export-readers';
import { REPO_ROOT } from '../../helpers/cli';
import { syntheticDetailMaps } from '../../helpers/synthetic-detail-maps';
import { makeTempDir, SHARED_DIR } from '../../helpers/temp-dir';

const ICT = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');
const FBX2GLTF = path.join(REPO_ROOT, 'node_modules/fbx2gltf/bin/Linux/FBX2glTF');

/** A 2-triangle square of side `L` metres in the z = 0 plane (normal +Z), its UVs covering [lo, hi]², mirrored in u when asked. */
function square(L: number, lo: number, hi: number, mirrored: boolean) {
  const u = (x: number) => (mirrored ? hi + lo - x : x);
  return {
    positions: new Float32Array([0, 0, 0, L, 0, 0, L, L, 0, 0, L, 0]),
    normals: new Float32Array([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]),
    uvs: new Float32Array([u(lo), lo, u(hi), lo, u(hi), hi, u(lo), hi]),
    indices: mirrored ? new Uint32Array([0, 2, 1, 0, 3, 2]) : new Uint32Array([0, 1, 2, 0, 2, 3]),
  };
}

describe('detail normal bake', () => {
  // A plane tilted by known slopes, in a plain and a mirrored UV chart: the normal map must give the
  // same physical normal in both (n = normalize(−∂D/∂x, −∂D/∂y, 1) with x along the tangent).
  it.each([false, true])('bakes the exact tilt of a sloped displacement (mirrored chart: %s), flat outside, grown past the chart', (mirrored) => {
    const S = 64, R = 256, L = 0.05, lo = 0.25, hi = 0.75, sx = 0.2, sy = -0.1;
    const plane = square(L, lo, hi, mirrored);
    const mask = new Uint8Array(S * S).fill(1);
    const D = new Float32Array(S * S);
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        // The point of the plane under this texel: D = sx·X + sy·Y in metres.
        const u = (x + 0.5) / S, v = 1 - (y + 0.5) / S;
        const X = ((mirrored ? hi + lo - u : u) - lo) / (hi - lo) * L, Y = (v - lo) / (hi - lo) * L;
        D[y * S + x] = sx * X + sy * Y;
      }
    }
    const bake = planDetailNormalBake(plane, { size: S, mask }, { size: R, dilate: 3 });
    const rgb = bakeDetailNormals(bake, D);
    // The tangent runs along +u: +X in the plain chart, −X in the mirrored one; the bitangent along +v = +Y.
    const t = mirrored ? -1 : 1, len = Math.hypot(sx, sy, 1);
    const expected = [127.5 * (1 - (t * sx) / len), 127.5 * (1 - sy / len), 127.5 * (1 + 1 / len)];
    const at = (u: number, v: number) => Array.from(rgb.subarray(((Math.floor((1 - v) * R)) * R + Math.floor(u * R)) * 3, ((Math.floor((1 - v) * R)) * R + Math.floor(u * R)) * 3 + 3));
    for (const [u, v] of [[0.5, 0.5], [0.3, 0.6], [0.7, 0.3]] as const) {
      at(u, v).forEach((c, k) => expect(Math.abs(c - expected[k]!)).toBeLessThanOrEqual(1));
    }
    expect(at(0.1, 0.1)).toEqual([128, 128, 255]); // empty UV space far from the chart: flat
    // Just past the chart's edge (within the 3 grown texels) the edge's own normal, for mip filtering.
    const edge = at(0.75 - 0.5 / R, 0.5);
    expect(edge).not.toEqual([128, 128, 255]);
    at(0.75 + 1.5 / R, 0.5).forEach((c, k) => expect(Math.abs(c - edge[k]!)).toBeLessThanOrEqual(1));
    // The tangents a writer stores agree: bitangent = cross(n, t)·w points along +v (+Y).
    const tan = vertexTangents(plane.positions, plane.normals, plane.uvs, plane.indices);
    expect(Array.from(tan.subarray(0, 4)).map((x) => Math.round(x))).toEqual([t, 0, 0, t]);
  });

  it('bakes a map from a base map (a wrinkle map from the static one) exactly as from scratch', () => {
    const S = 64, R = 256;
    const plane = square(0.05, 0.1, 0.9, false);
    const mask = new Uint8Array(S * S).fill(1);
    const base = Float32Array.from({ length: S * S }, (_, i) => 0.0005 * Math.sin(i / 7) * Math.cos(i / 300));
    // A local wrinkle: only the texels that read it are baked again.
    const wrinkle = Float32Array.from(base, (d, i) => d + (Math.hypot((i % S) - 30, Math.floor(i / S) - 25) < 5 ? 0.0004 : 0));
    const bake = planDetailNormalBake(plane, { size: S, mask }, { size: R });
    const baseRgb = bakeDetailNormals(bake, base);
    const full = bakeDetailNormals(bake, wrinkle);
    const incremental = bakeDetailNormals(bake, wrinkle, { displacement: base, rgb: baseRgb });
    expect(Buffer.from(incremental).equals(Buffer.from(full))).toBe(true);
    expect(Buffer.from(full).equals(Buffer.from(baseRgb))).toBe(false);
  });
});

/** The JSON and the BIN chunk of a GLB, read by hand (no glTF library between us and the bytes). */
function glbChunks(glb: Uint8Array): { json: any; bin: Uint8Array } {
  const view = new DataView(glb.buffer, glb.byteOffset, glb.byteLength);
  const jsonLength = view.getUint32(12, true);
  const json = JSON.parse(new TextDecoder().decode(glb.subarray(20, 20 + jsonLength)));
  const binLength = view.getUint32(20 + jsonLength, true);
  return { json, bin: glb.subarray(28 + jsonLength, 28 + jsonLength + binLength) };
}

/** The PNG bytes of the texture at `index` of a GLB's `textures`. */
function texturePng(glb: { json: any; bin: Uint8Array }, index: number): Buffer {
  const image = glb.json.images[glb.json.textures[index].source];
  const view = glb.json.bufferViews[image.bufferView];
  return Buffer.from(glb.bin.subarray(view.byteOffset ?? 0, (view.byteOffset ?? 0) + view.byteLength));
}

async function rgbPixels(png: Buffer): Promise<{ data: Buffer; width: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(3);
  return { data, width: info.width };
}

/** Imports a file into headless Blender and reports the material's shader nodes and custom properties. */
function blenderMaterials(file: string): { name: string; nodes: { type: string; image: string | null; inputs: Record<string, [string, string | null][]> }[]; props: Record<string, unknown> }[] {
  const script = [
    'import sys, json, numpy',
    'numpy.bool = numpy.bool_',
    'import bpy',
    "p = sys.argv[sys.argv.index('--') + 1]",
    'bpy.ops.wm.read_factory_settings(use_empty=True)',
    "(bpy.ops.import_scene.fbx if p.endswith('.fbx') else bpy.ops.import_scene.gltf)(filepath=p)",
    'out = []',
    'for m in bpy.data.materials:',
    '    if not m.node_tree: continue',
    "    img = lambda n: n.image.name if getattr(n, 'image', None) else None",
    "    nodes = [{'type': n.type, 'image': img(n), 'inputs': {i.name: [(l.from_node.type, img(l.from_node)) for l in i.links] for i in n.inputs if i.links}} for n in m.node_tree.nodes]",
    "    props = {k: (m[k] if isinstance(m[k], (int, float, str)) else list(m[k])) for k in m.keys() if k.startswith('DecaStudio')}",
    "    out.append({'name': m.name, 'nodes': nodes, 'props': props})",
    "print('MATERIALS ' + json.dumps(out))",
  ].join('\n');
  const r = spawnSync('blender', ['-b', '--factory-startup', '--python-expr', script, '--', file], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 180_000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('MATERIALS '));
  if (!line) throw new Error(`Blender did not import ${file}:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  return JSON.parse(line.slice('MATERIALS '.length));
}

/**
 * ICT-FaceKit with the detail stage's synthetic truth as its detail layer (nasolabial folds, eye
 * bags, moles; forehead lines for the 'forehead' group, crow's feet for 'crowsFeet'; the other
 * groups without wrinkles), exported as GLB and FBX and read back by independent readers.
 */
describe.skipIf(!existsSync(ICT))('export with a detail layer (ICT-FaceKit)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let model: HeadModel;
  let maps: DetailMaps;
  let glb: Uint8Array, plainGlb: Uint8Array, fbx: Uint8Array, plainFbx: Uint8Array;
  let doc: Document;
  const files = { glb: '', fbx: '' };

  beforeAll(async () => {
    tmp = makeTempDir('deca-detail-export-');
    model = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(ICT))))).model;
    maps = syntheticDetailMaps(model);
    const timed = async (format: 'glb' | 'fbx', detail?: DetailMaps) => {
      const t0 = performance.now();
      const { bytes } = await exportPackHead(model, { format, animation: 'demo', detail });
      return { bytes, ms: performance.now() - t0 };
    };
    const runs = { plainGlb: await timed('glb'), glb: await timed('glb', maps), plainFbx: await timed('fbx'), fbx: await timed('fbx', maps) };
    console.log(Object.entries(runs).map(([k, r]) => `${k} ${r.ms.toFixed(0)} ms`).join(', '));
    ({ plainGlb, glb, plainFbx, fbx } = { plainGlb: runs.plainGlb.bytes, glb: runs.glb.bytes, plainFbx: runs.plainFbx.bytes, fbx: runs.fbx.bytes });
    doc = await new NodeIO().readBinary(glb);
    files.glb = path.join(tmp.dir, 'detail.glb');
    files.fbx = path.join(tmp.dir, 'detail.fbx');
    writeFileSync(files.glb, glb);
    writeFileSync(files.fbx, fbx);
  }, 180_000);
  afterAll(() => tmp?.cleanup());

  it('GLB: the Khronos validator reports no error and no warning (the extra textures are at most "unused" infos)', async () => {
    const report = await validator.validateBytes(glb);
    expect(report.issues.messages.filter((m: { severity: number }) => m.severity <= 1)).toEqual([]);
    expect([report.issues.numErrors, report.issues.numWarnings]).toEqual([0, 0]);
    for (const m of report.issues.messages) expect(m.code).toBe('UNUSED_OBJECT');
  });

  it('GLB: the normal map carries the detail, tilted the right way in u and v (OpenGL: +Y = +v)', async () => {
    const normal = await rgbPixels(Buffer.from(doc.getRoot().listMaterials()[0]!.getNormalTexture()!.getImage()!));
    expect(normal.width).toBe(1024);
    let sum = 0, sq = 0;
    for (let i = 0; i < normal.data.length; i += 3) (sum += normal.data[i]!), (sq += normal.data[i]! ** 2);
    const n = normal.data.length / 3;
    expect(Math.sqrt(sq / n - (sum / n) ** 2)).toBeGreaterThan(0.5); // a flat map has 0
    // Where the displacement rises steeply along u (v), the normal leans towards −u (−v): red (green)
    // below 128 — independent of our bake, from the map's own finite differences.
    const S = maps.size, D = maps.displacement;
    const inside = (x: number, y: number) => [-2, -1, 0, 1, 2].every((d) => maps.mask[y * S + x + d] && maps.mask[(y + d) * S + x]);
    for (const axis of [0, 1] as const) {
      const samples: { slope: number; c: number }[] = [];
      for (let y = 3; y < S - 3; y++) {
        for (let x = 3; x < S - 3; x++) {
          if (!inside(x, y)) continue;
          // ∂D/∂u from the columns; ∂D/∂v from the rows, whose index runs against v.
          const slope = axis === 0 ? D[y * S + x + 1]! - D[y * S + x - 1]! : D[(y - 1) * S + x]! - D[(y + 1) * S + x]!;
          const o = ((4 * y + 2) * 1024 + 4 * x + 2) * 3 + axis;
          samples.push({ slope, c: normal.data[o]! - 127.5 });
        }
      }
      const steep = samples.sort((a, b) => Math.abs(b.slope) - Math.abs(a.slope)).slice(0, 300);
      const agree = steep.filter((s) => Math.sign(s.c) === -Math.sign(s.slope)).length / steep.length;
      // measured: 1.00 in u and v
      expect(agree, `axis ${axis}`).toBeGreaterThan(0.95);
    }
  });

  it("GLB: the tangents' bitangent cross(n, t)·w points up the image (+v), as glTF's +Y expects", async () => {
    const prim = doc.getRoot().listMeshes()[0]!.listPrimitives()[0]!;
    const P = prim.getAttribute('POSITION')!.getArray()!, N = prim.getAttribute('NORMAL')!.getArray()!;
    const T = prim.getAttribute('TANGENT')!.getArray()!, UV = prim.getAttribute('TEXCOORD_0')!.getArray()!, I = prim.getIndices()!.getArray()!;
    // dP/dv per vertex from its triangles, with v up the image (glTF's v runs down).
    const up = new Float64Array(P.length);
    for (let t = 0; t < I.length; t += 3) {
      const [a, b, c] = [I[t]!, I[t + 1]!, I[t + 2]!];
      const du1 = UV[b * 2]! - UV[a * 2]!, dv1 = UV[a * 2 + 1]! - UV[b * 2 + 1]!, du2 = UV[c * 2]! - UV[a * 2]!, dv2 = UV[a * 2 + 1]! - UV[c * 2 + 1]!;
      const det = du1 * dv2 - du2 * dv1;
      if (Math.abs(det) < 1e-12) continue;
      for (const v of [a, b, c]) for (let d = 0; d < 3; d++) up[v * 3 + d] += ((P[c * 3 + d]! - P[a * 3 + d]!) * du1 - (P[b * 3 + d]! - P[a * 3 + d]!) * du2) / det;
    }
    let agree = 0, counted = 0;
    for (let v = 0; v < P.length / 3; v++) {
      const n = [N[v * 3]!, N[v * 3 + 1]!, N[v * 3 + 2]!], t = [T[v * 4]!, T[v * 4 + 1]!, T[v * 4 + 2]!], w = T[v * 4 + 3]!;
      const b = [n[1]! * t[2]! - n[2]! * t[1]!, n[2]! * t[0]! - n[0]! * t[2]!, n[0]! * t[1]! - n[1]! * t[0]!].map((x) => x * w);
      const dot = b[0]! * up[v * 3]! + b[1]! * up[v * 3 + 1]! + b[2]! * up[v * 3 + 2]!;
      if (Math.hypot(up[v * 3]!, up[v * 3 + 1]!, up[v * 3 + 2]!) < 1e-9) continue;
      counted++;
      if (dot > 0) agree++;
    }
    // measured: 1.000
    expect(agree / counted).toBeGreaterThan(0.99);
  });

  it('GLB: the displacement is a 16-bit PNG that decodes back to the detail within one quantisation step', async () => {
    const chunks = glbChunks(glb);
    const extras = chunks.json.materials[0].extras.decaStudio;
    expect(extras.displacement.neutral).toBe(0.5);
    const scaleMm = extras.displacement.scaleMm as number;
    expect(scaleMm).toBeGreaterThan(1); // the synthetic folds are 1.1 mm deep
    expect(scaleMm).toBeLessThan(3);
    const png = texturePng(chunks, extras.displacement.texture);
    expect((await sharp(png).metadata()).depth).toBe('ushort');
    const { data, info } = await sharp(png).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([256, 256, 1]);
    const V = new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
    const step = scaleMm / 1000 / 32767;
    let worst = 0, outside = 0;
    for (let i = 0; i < V.length; i++) {
      const d = ((V[i]! - 32768) / 32767) * (scaleMm / 1000);
      if (maps.mask[i]) worst = Math.max(worst, Math.abs(d - maps.displacement[i]!));
      else if (V[i] !== 32768) outside++;
    }
    expect(worst).toBeLessThanOrEqual(0.5 * step + 1e-12);
    // measured: 533 texels, all in the rings grown into empty UV space next to the region
    expect(outside).toBeLessThan(2000);
  });

  it('GLB: extras list the wrinkle groups, each a real texture with drivers among the exported morph targets', async () => {
    const chunks = glbChunks(glb);
    const targetNames: string[] = chunks.json.meshes[0].extras.targetNames;
    const wrinkles = chunks.json.materials[0].extras.decaStudio.wrinkleMaps as { group: string; texture: number; drivers: { morph: string; weight: number }[]; jawOpening: number; jawJoint: string | null }[];
    // Only the groups with wrinkles in the synthetic truth: the others add nothing to the static map.
    expect(wrinkles.map((w) => w.group)).toEqual(['forehead', 'crowsFeet']);
    for (const w of wrinkles) {
      expect(w.drivers.length).toBeGreaterThan(0);
      for (const d of w.drivers) expect(targetNames).toContain(d.morph);
      expect([w.jawOpening, w.jawJoint]).toEqual([0, null]);
    }
    // ICT's browInnerUp_L and _R are exported as ARKit's one browInnerUp: their weights add up.
    expect(wrinkles[0]!.drivers).toEqual(expect.arrayContaining([{ morph: 'browInnerUp', weight: 2 }, { morph: 'browOuterUpLeft', weight: 1 }]));
    expect(wrinkles[1]!.drivers.map((d) => d.morph).sort()).toEqual(['cheekSquintLeft', 'cheekSquintRight', 'eyeSquintLeft', 'eyeSquintRight']);
    // Each map is the static normal map plus its group's wrinkles: different on the forehead, the same on the nasolabial folds.
    const base = await rgbPixels(texturePng(chunks, chunks.json.materials[0].normalTexture.index));
    const differs = (m: { data: Buffer }, x0: number, y0: number, x1: number, y1: number) => {
      let n = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) if (m.data[(y * 1024 + x) * 3 + c] !== base.data[(y * 1024 + x) * 3 + c]) n++;
      return n;
    };
    const forehead = await rgbPixels(texturePng(chunks, wrinkles[0]!.texture));
    const rows = (g: string) => {
      const w = maps.wrinkles.find((m) => m.group === g)!.displacement;
      let y0 = 1024, y1 = 0;
      for (let i = 0; i < w.length; i++) if (w[i]) (y0 = Math.min(y0, 4 * Math.floor(i / 256))), (y1 = Math.max(y1, 4 * Math.floor(i / 256) + 4));
      return [y0, y1];
    };
    const [f0, f1] = rows('forehead');
    expect(differs(forehead, 0, f0, 1024, f1)).toBeGreaterThan(1000);
    expect(differs(forehead, 0, f1 + 16, 1024, 1024)).toBe(0);
  });

  it('keeps an export without a detail layer as it was: flat normal map, no extras, no detail properties', async () => {
    const plain = glbChunks(plainGlb);
    expect(plain.json.images.map((i: { name: string }) => i.name)).toEqual(['albedo', 'normal', 'eye']);
    expect(plain.json.materials[0].extras).toBeUndefined();
    const flat = await rgbPixels(texturePng(plain, plain.json.materials[0].normalTexture.index));
    expect(new Set(flat.data).size).toBeLessThanOrEqual(3); // 128, 128, 255 only
    expect(Buffer.from(plainFbx).includes('DecaStudio')).toBe(false);
    expect(Buffer.from(fbx).includes('DecaStudio_DisplacementScaleMm')).toBe(true);
  });

  it.skipIf(!existsSync(FBX2GLTF))('FBX: the Autodesk FBX SDK (fbx2gltf) finds the detail normal map on the material', async () => {
    const result = fbxToGltf(files.fbx, path.join(tmp.dir, 'sdk'));
    expect(result.ok, result.log).toBe(true);
    const sdk = await new NodeIO().read(result.gltf);
    const material = sdk.getRoot().listMaterials()[0]!;
    const normal = material.getNormalTexture();
    expect(normal?.getName()).toMatch(/normal/);
    const pixels = await rgbPixels(Buffer.from(normal!.getImage()!));
    const ours = await rgbPixels(Buffer.from(doc.getRoot().listMaterials()[0]!.getNormalTexture()!.getImage()!));
    expect(pixels.data.equals(ours.data)).toBe(true);
  });

  it.skipIf(!HAVE_BLENDER).each(['glb', 'fbx'] as const)('%s: Blender builds a Normal Map node fed by the normal image', (format) => {
    // The skin's material (Blender lists materials by name: `eyes`, `head`, `lashes`, …).
    const material = blenderMaterials(files[format]).find((m) => m.name.startsWith('head'));
    const normalMap = material!.nodes.find((n) => n.type === 'NORMAL_MAP');
    expect(normalMap?.inputs.Color).toEqual([['TEX_IMAGE', expect.stringMatching(/normal/)]]);
    const bsdf = material!.nodes.find((n) => n.type === 'BSDF_PRINCIPLED')!;
    expect(bsdf.inputs.Normal).toEqual([['NORMAL_MAP', null]]);
    if (format === 'fbx') {
      // The FBX material's user properties arrive as Blender custom properties.
      expect(material!.props.DecaStudio_DisplacementScaleMm).toBe(glbChunks(glb).json.materials[0].extras.decaStudio.displacement.scaleMm);
      expect(material!.props.DecaStudio_WrinkleGroups).toBe('forehead;crowsFeet');
      expect(material!.props.DecaStudio_WrinkleDrivers_forehead).toMatch(/(^|;)browInnerUp:2(;|$)/);
    }
  }, 200_000);
});

describe('wrinkle drivers on a PCA pack', () => {
  it("maps the detail stage's mode<k> drivers to the exported exp_NN morphs (a FLAME pack keeps every wrinkle map)", () => {
    const model = syntheticHeadModel({ vertices: 300, shapeCount: 4, expressionCount: 10 });
    const morphs = Array.from({ length: 10 }, (_, k) => ({ name: `exp_${String(k).padStart(2, '0')}` }));
    expect(wrinkleDrivers(model, { morphs } as never, [{ shape: 'mode3', weight: 1 }])).toEqual([{ morph: 'exp_03', weight: 1 }]);
    expect(wrinkleDrivers(model, { morphs } as never, [{ shape: 'exp_07', weight: 0.5 }, { shape: 'mode7', weight: 0.5 }])).toEqual([{ morph: 'exp_07', weight: 1 }]);
    // A mode the export does not carry drives nothing.
    expect(wrinkleDrivers(model, { morphs: morphs.slice(0, 2) } as never, [{ shape: 'mode5', weight: 1 }])).toEqual([]);
  });
});
