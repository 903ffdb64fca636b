import { beforeAll, describe, expect, it } from 'vitest';
import type { HeadModel } from '../../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { pickSurface } from '../../../core/geometry/pick-surface';
import { poseHead } from '../../../core/geometry/pose-head';
import { opaqueTriangles } from '../../../core/geometry/opaque-triangles';
import type { PhotoFit } from '../../../core/geometry/ortho-camera';
import { createProjection, projectPoints } from '../../../core/reconstruct/fit-linearize';
import { buildFitPoints } from '../../../core/reconstruct/fit-points';
import { pinnedFitInputs } from '../../../core/reconstruct/fit-pin-points';
import { rotationMatrix } from '../../../core/geometry/ortho-camera';
import { buildStarterHead } from '../../../core/starter-head/build-starter-head';
import { readCanonicalFaceMeshAsset } from '../../../main/packs/starter-pack';

let model: HeadModel;
beforeAll(async () => {
  model = buildStarterHead(await readCanonicalFaceMeshAsset());
});

describe('pickSurface (surface pins picked on the fitted head)', () => {
  it('finds the surface point under a pixel, which the fitter then projects back onto that pixel', () => {
    const shape = Float64Array.from({ length: model.shape.count }, (_, k) => (k % 3 === 0 ? 0.8 : -0.3));
    const expression = new Float64Array(model.expression.count);
    expression[0] = 0.4;
    const fit: PhotoFit = { rotation: [0.1, -0.35, 0.05], jaw: [0.08, 0, 0], expression, camera: { scale: 4000, tx: 640, ty: 600 } };
    const { vertices } = poseHead(new HeadModelEvaluator(model), model, shape, fit);
    const mask = opaqueTriangles(model.triangles, model.regions.overlays);
    const points = buildFitPoints(model);
    const proj = createProjection(points, false);
    const st = { R: rotationMatrix(fit.rotation), jaw: rotationMatrix(fit.jaw), scale: fit.camera.scale, tx: fit.camera.tx, ty: fit.camera.ty, expression };
    let worst = 0, hits = 0;
    // Pixels across the face: the nose tip's landmark, and a grid around it.
    projectPoints(points, shape, st, 68, false, proj);
    const [nx, ny] = [proj.pred[60]!, proj.pred[61]!];
    for (let dy = -120; dy <= 120; dy += 40) {
      for (let dx = -120; dx <= 120; dx += 40) {
        const [x, y] = [nx + dx + 0.37, ny + dy + 0.61];
        const hit = pickSurface(vertices, model.triangles, fit.camera, 1280, 1200, x, y, { triangleMask: mask });
        if (!hit) continue;
        hits++;
        expect(hit.barycentric.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        // The same point as a surface pin: the fitter's projection puts it on the picked pixel.
        const joined = pinnedFitInputs(model, points, [{ landmarks: new Float64Array(136) }], [[{ ...hit, x, y }]]);
        const p = createProjection(joined.points, false);
        projectPoints(joined.points, shape, st, 0, false, p, [joined.points.pinStart]);
        worst = Math.max(worst, Math.hypot(p.pred[joined.points.pinStart * 2]! - x, p.pred[joined.points.pinStart * 2 + 1]! - y));
      }
    }
    console.log(`pickSurface: ${hits} of 49 pixels on the head; the picked points project back within ${worst.toExponential(2)} px`);
    expect(hits).toBeGreaterThan(30);
    expect(worst).toBeLessThan(1e-3);
    expect(pickSurface(vertices, model.triangles, fit.camera, 1280, 1200, 2, 2, { triangleMask: mask })).toBeNull();
  });
});
