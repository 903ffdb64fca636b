import { beforeAll, describe, expect, it } from 'vitest';
import { splitDecaCode } from '../../../core/deca/deca-code';
import { decaCodeToFit } from '../../../core/deca/deca-init';
import type { HeadModel } from '../../../core/head-model/head-model';
import { syntheticHeadModel } from '../../../core/head-model/synthetic-head-model';
import { squareCrop } from '../../../core/perception/image-warp';
import { normalizedLandmarkError } from '../../../core/reconstruct/fit-metrics';
import { fitLandmarks, fitPhotos, type FitResult } from '../../../core/reconstruct/fit-photos';
import { buildFitPoints, type FitPoints } from '../../../core/reconstruct/fit-points';
import type { PhotoFit } from '../../../core/geometry/ortho-camera';
import { syntheticPerson, type SyntheticView } from '../../../core/reconstruct/synthetic-views';
import { buildStarterHead } from '../../../core/starter-head/build-starter-head';
import { readCanonicalFaceMeshAsset } from '../../../main/packs/starter-pack';

let model: HeadModel;
let pts: FitPoints;
let views: SyntheticView[];
let reference: FitResult;
beforeAll(async () => {
  model = buildStarterHead(await readCanonicalFaceMeshAsset());
  pts = buildFitPoints(model);
  views = syntheticPerson(model, 21, 2, { maxYawDeg: 20, noisePx: 1, shapeStd: 1, scale: 1500 }).views;
  reference = fitPhotos(pts, views);
});

const nmes = (shape: ArrayLike<number>, photos: PhotoFit[]) => photos.map((p, i) => normalizedLandmarkError(fitLandmarks(pts, shape, p), views[i]!.landmarks));

/** The reference fit knocked off: turned, zoomed, shifted, half its shape, no expression. */
function perturbed(): { shape: Float64Array; photos: PhotoFit[] } {
  return {
    shape: Float64Array.from(reference.shape, (b, k) => 0.5 * b + 0.3 * Math.sin(k)),
    photos: reference.photos.map((p) => ({
      rotation: [p.rotation[0] + 0.06, p.rotation[1] - 0.15, p.rotation[2] + 0.04],
      jaw: [0.05, 0, 0],
      expression: new Float64Array(pts.expressionCount),
      camera: { scale: p.camera.scale * 1.12, tx: p.camera.tx + 25, ty: p.camera.ty - 18 },
    })),
  };
}

describe('fitter start from an init (e.g. DECA’s encoder)', () => {
  it('returns the init value for value when it does not iterate', () => {
    const init = perturbed();
    const fit = fitPhotos(pts, views, { init, rigidIterations: 0, fullIterations: 0 });
    expect(fit.iterations).toBe(0);
    expect(Array.from(fit.shape)).toEqual(Array.from(init.shape));
    fit.photos.forEach((p, i) => {
      const want = init.photos[i]!;
      expect(p.rotation).toEqual(want.rotation);
      expect(p.jaw).toEqual(want.jaw);
      expect(Array.from(p.expression)).toEqual(Array.from(want.expression));
      expect(p.camera).toEqual(want.camera);
    });
    // fixedShape still wins over the init's β
    const fixed = fitPhotos(pts, views, { init, fixedShape: reference.shape, rigidIterations: 0, fullIterations: 0 });
    expect(Array.from(fixed.shape)).toEqual(Array.from(reference.shape));
  });

  it('refines a perturbed init down to the landmarks', () => {
    const init = perturbed();
    const before = nmes(init.shape, init.photos);
    const fit = fitPhotos(pts, views, { init });
    const after = nmes(fit.shape, fit.photos);
    const ref = nmes(reference.shape, reference.photos);
    console.log(`init NME ${before.map((e) => e.toFixed(4)).join(' ')} → refined ${after.map((e) => e.toFixed(4)).join(' ')} (own start ${ref.map((e) => e.toFixed(4)).join(' ')})`);
    before.forEach((b, i) => {
      expect(b).toBeGreaterThan(0.1);
      expect(after[i]).toBeLessThan(0.02);
      expect(after[i]).toBeLessThan(ref[i]! + 0.003);
    });
  });

  it('guesses what the init leaves out (camera from the landmarks under the given rotation)', () => {
    const fit = fitPhotos(pts, views, { init: { photos: reference.photos.map((p) => ({ rotation: p.rotation })) }, rigidIterations: 0, fullIterations: 0 });
    fit.photos.forEach((p, i) => {
      expect(p.rotation).toEqual(reference.photos[i]!.rotation);
      expect(p.camera.scale / reference.photos[i]!.camera.scale).toBeGreaterThan(0.8);
      expect(p.camera.scale / reference.photos[i]!.camera.scale).toBeLessThan(1.25);
    });
  });

  it('takes a DECA code mapped onto a FLAME-structured pack unchanged (encoder-only reconstruction)', () => {
    const flame = syntheticHeadModel({ vertices: 900, shapeCount: 300, expressionCount: 100, seed: 2 });
    const fp = buildFitPoints(flame);
    const code = splitDecaCode(Float32Array.from({ length: 236 }, (_, i) => (i === 206 ? 9 : 0.2 * Math.sin(i))));
    const init = decaCodeToFit(flame, code, squareCrop(320, 300, 400, 224));
    const obs = [{ landmarks: Float64Array.from({ length: 136 }, (_, i) => 300 + 40 * Math.sin(i)) }];
    const fit = fitPhotos(fp, obs, { init: { shape: init.shape, photos: [init.fit] }, rigidIterations: 0, fullIterations: 0 });
    expect(Array.from(fit.shape)).toEqual(Array.from(init.shape));
    expect(fit.photos[0]!.rotation).toEqual(init.fit.rotation);
    expect(fit.photos[0]!.jaw).toEqual(init.fit.jaw);
    expect(Array.from(fit.photos[0]!.expression)).toEqual(Array.from(init.fit.expression));
    expect(fit.photos[0]!.camera).toEqual(init.fit.camera);
  });
});
