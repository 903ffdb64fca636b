import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detailObservation } from '../../../core/detail/detail-observation';
import { detailedNormals, detailRms } from '../../../core/detail/detail-shading';
import { detailMapSize } from '../../../core/detail/detail-map-size';
import { skinAtlasFaceScale } from '../../../core/head-model/skin-uv-atlas';
import { detailTexels } from '../../../core/detail/detail-texels';
import { expressionGroups, groupSupports } from '../../../core/detail/expression-groups';
import { renderSyntheticDetail } from '../../../core/detail/render-synthetic-detail';
import { detailStage } from '../../../core/detail/detail-stage';
import { syntheticDetail, syntheticDisplacement } from '../../../core/detail/synthetic-detail';
import { texelFrames } from '../../../core/detail/texel-frames';
import { opaqueTriangles } from '../../../core/geometry/opaque-triangles';
import { photoDepth } from '../../../core/geometry/photo-depth';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { importIctFaceKit, zipSourceFiles } from '../../../core/head-model/ict-facekit-import';
import { readZip } from '../../../core/head-model/zip-read';
import { buildPyramid } from '../../../core/perception/image-warp';
import { SHARED_DIR } from '../../helpers/temp-dir';

const ICT = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');

/** Pearson correlation over the texels `keep` selects. */
function correlation(a: ArrayLike<number>, b: ArrayLike<number>, keep: (t: number) => boolean): number {
  let sa = 0, sb = 0, n = 0;
  for (let t = 0; t < a.length; t++) if (keep(t)) (sa += a[t]!), (sb += b[t]!), n++;
  const ma = sa / n, mb = sb / n;
  let ab = 0, aa = 0, bb = 0;
  for (let t = 0; t < a.length; t++) {
    if (!keep(t)) continue;
    const x = a[t]! - ma, y = b[t]! - mb;
    (ab += x * y), (aa += x * x), (bb += y * y);
  }
  return ab / Math.sqrt(aa * bb);
}

/**
 * The detail stage against synthetic truth: ICT-FaceKit with known static detail (nasolabial folds,
 * eye bags, moles) and wrinkles tied to two expression groups (forehead lines with raised brows,
 * crow's feet with a squint), 0.3–1.5 mm, rendered under known lighting and albedo in six views
 * (yaw ±25°), solved jointly at 256² from the renders.
 */
describe.skipIf(!existsSync(ICT))('detail solve (synthetic truth, ICT-FaceKit)', () => {
  it('recovers the static detail, puts each expression’s wrinkles in its own views only, and improves the normals', () => {
    const { model } = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(ICT)))));
    const ev = new HeadModelEvaluator(model, { simd: false });
    const groups = expressionGroups(model);
    // Sizes as the detail stage picks them: the face's density of a 256² (512²) map over its own UV square.
    const fine = detailTexels(model, { size: detailMapSize(model, 512) })!, texels = detailTexels(model, { size: detailMapSize(model, 256) })!;
    expect(texels.size).toBe(320);
    // The truth is rendered from a 512² map and solved at 256²: the solve never sees its own representation.
    const truthFine = syntheticDetail(model, fine, 3), truth = syntheticDetail(model, texels, 3);
    // The albedo at 512² over the face's UV square (640² over a skin atlas), its pattern at that scale.
    const faceScale = skinAtlasFaceScale(model), N = Math.round(512 / faceScale);
    const albedo = { size: N, rgb: new Uint8Array(N * N * 3) };
    for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
      // The pattern's scale on the face as on the face's own UV square (a skin atlas shrinks the face tile).
      const k = 1 + 0.05 * Math.sin((x * faceScale) / 9) * Math.cos((y * faceScale) / 13);
      albedo.rgb.set([150 * k, 111 * k, 95 * k].map(Math.round), (y * N + x) * 3);
    }
    const light = new Float64Array(27);
    for (let c = 0; c < 3; c++) (light[c] = 1.3), (light[3 + c] = 0.6), (light[6 + c] = 0.55), (light[9 + c] = 0.4);
    const shape = Float64Array.from({ length: model.shape.count }, (_, k) => (k < 10 ? 0.6 * Math.sin(k * 1.7) : 0));
    const views = renderSyntheticDetail(model, ev, fine, truthFine, groups, shape, albedo, light);
    const opaque = opaqueTriangles(model.triangles, model.regions.overlays);
    const frames = views.map((v) => texelFrames(model, texels, v.vertices, v.normals));
    const observations = views.map((v, i) =>
      detailObservation(texels, frames[i]!, { pyramid: buildPyramid(v.photo), camera: v.fit.camera, depth: photoDepth(v.vertices, model.triangles, v.fit.camera, v.photo.width, v.photo.height, { triangleMask: opaque }), mesh: null }, albedo, light),
    );
    const supports = groupSupports(model, texels, groups);
    const result = detailStage(texels, views.map((v, i) => ({ frames: frames[i]!, observation: observations[i]!, activations: Float64Array.from(v.activations), light })), supports);

    const K = texels.texel.length;
    const seen = (t: number) => observations.some((o) => o.weight[t]! > 0.2);
    const consensus = new Float32Array(K);
    for (const s of result.statics) for (let t = 0; t < K; t++) consensus[t] += s[t]! / result.statics.length;
    const staticCorrelation = correlation(consensus, truth.statics, seen);
    const displacement = (i: number) => Float32Array.from(result.statics[i]!, (s, t) => s + groups.reduce((a, _g, g) => a + views[i]!.activations[g]! * result.wrinkles[g]![t]!, 0));
    const report: string[] = [`static detail correlation ${staticCorrelation.toFixed(3)}`];
    // measured: 0.83
    expect(staticCorrelation).toBeGreaterThan(0.7);
    for (const name of ['forehead', 'crowsFeet']) {
      const g = groups.findIndex((q) => q.name === name);
      const w = truth.wrinkles.get(name)!;
      const region = (t: number) => seen(t) && Math.abs(w[t]!) > 1e-6;
      views.forEach((v, i) => {
        const d = displacement(i);
        let dw = 0, ww = 0;
        for (let t = 0; t < K; t++) if (region(t)) (dw += d[t]! * w[t]!), (ww += w[t]! * w[t]!);
        const amplitude = dw / ww, a = v.activations[g]!;
        report.push(`${name} in view ${i} (activation ${a.toFixed(2)}): correlation ${correlation(d, w, region).toFixed(3)}, amplitude ${amplitude.toFixed(2)}`);
        // measured: forehead 0.85 / 0.80, crow's feet 0.77 / 0.79 where active; where the expression is
        // absent the wrinkle amplitude is 0.01 (forehead) and −0.05 (crow's feet) against the truth's 1.5
        if (a > 0) expect(correlation(d, w, region)).toBeGreaterThan(0.6);
        else expect(Math.abs(amplitude)).toBeLessThan(0.1 * 1.5);
      });
    }
    // Normals: the detailed surface against the truth's, relative to the coarse surface's error.
    let coarse = 0, detailed = 0;
    views.forEach((v, i) => {
      const nt = detailedNormals(texels, frames[i]!, syntheticDisplacement(truth, groups, v.activations));
      const nd = detailedNormals(texels, frames[i]!, displacement(i)), nc = frames[i]!.normal;
      for (let t = 0; t < K; t++) {
        if (!seen(t)) continue;
        const angle = (m: ArrayLike<number>) => Math.acos(Math.min(1, m[t * 3]! * nt[t * 3]! + m[t * 3 + 1]! * nt[t * 3 + 1]! + m[t * 3 + 2]! * nt[t * 3 + 2]!));
        coarse += angle(nc);
        detailed += angle(nd);
      }
      report.push(`view ${i}: photometric RMS ${detailRms(observations[i]!, nc, light).toFixed(4)} coarse → ${detailRms(observations[i]!, nd, light).toFixed(4)} detailed`);
    });
    report.push(`normal error ratio (detailed / coarse) ${(detailed / coarse).toFixed(3)}`);
    console.log(report.join('\n'));
    // measured: 0.554 on ICT-FaceKit's skin atlas with the map at 320² (the face tile's 256²), the ownership
    // grid at the face's density and the lash strips not drawn (0.599 with them; 0.62 with the atlas's 256²).
    expect(detailed / coarse).toBeLessThan(0.6);
  }, 180_000);
});
