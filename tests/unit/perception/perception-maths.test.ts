import { describe, expect, it } from 'vitest';
import { blazeFaceAnchors, boxIou, decodeBlazeFace } from '../../../core/perception/blazeface-decode';
import { embeddingDistance } from '../../../core/perception/face-analysis';
import { landmarksToImage, meshToImage, pointsBox, recognitionChip, type Point2, type Point3 } from '../../../core/perception/face-crops';
import { poseFromMesh, yawFromKeypoints } from '../../../core/perception/head-pose';
import { applyAffine, buildPyramid, invertAffine, squareCrop, warpFromPyramid, warpToTensor, type RgbImage } from '../../../core/perception/image-warp';

function gradientImage(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x % 256, y % 256, (x + y) % 256], (y * w + x) * 3);
  return { width: w, height: h, data };
}

describe('image warp', () => {
  it('maps points and inverts exactly', () => {
    const m = squareCrop(100, 50, 40, 112, 0.3);
    const [u, v] = applyAffine(m, 100, 50);
    expect(u).toBeCloseTo(56, 10);
    expect(v).toBeCloseTo(56, 10);
    const back = applyAffine(invertAffine(m), 10, 20);
    expect(() => squareCrop(10, 10, 0, 112)).toThrow(/a 0-pixel square at \(10, 10\) cannot be cropped/);
    expect(() => squareCrop(NaN, 10, 50, 112)).toThrow(/cannot be cropped/);
    const again = applyAffine(m, back[0], back[1]);
    expect(again[0]).toBeCloseTo(10, 10);
    expect(again[1]).toBeCloseTo(20, 10);
  });

  it('an identity crop reproduces the pixels, scaled and offset, with the border outside', () => {
    const img = gradientImage(8, 6);
    const t = warpToTensor(img, { a: 1, b: 0, c: 0, d: 1, tx: 0, ty: 0 }, 8, 6, { scale: 2, offset: -1 });
    for (let i = 0; i < img.data.length; i++) expect(t[i]).toBe(img.data[i]! * 2 - 1);
    // Shifted 20 px right: everything is border.
    const out = warpToTensor(img, { a: 1, b: 0, c: 0, d: 1, tx: 20, ty: 0 }, 8, 6, { border: 7 });
    expect(out.every((v) => v === 7)).toBe(true);
  });

  it('bilinear sampling halfway between pixels averages them', () => {
    // Crop shifted by half a pixel: each output is the mean of two neighbours in x.
    const img = gradientImage(10, 4);
    const t = warpToTensor(img, { a: 1, b: 0, c: 0, d: 1, tx: -0.5, ty: 0 }, 8, 4);
    expect(t[0]).toBeCloseTo(0.5, 6); // between x=0 and x=1 in the red channel
    expect(t[3]).toBeCloseTo(1.5, 6);
  });

  it('pyramid levels average 2×2 blocks and are chosen for strong downscales', () => {
    const img = gradientImage(256, 256);
    const levels = buildPyramid(img, 32);
    expect(levels.map((l) => l.width)).toEqual([256, 128, 64, 32]);
    expect(Array.from(levels[1]!.data.subarray(0, 3))).toEqual([1, 1, 1]); // mean of 0,1,0,1 (+2)>>2 = 1 for red
    // A 4× reduction sampled from level 2 equals a direct read of level 2.
    const m = squareCrop(128, 128, 256, 64);
    const fromPyramid = warpFromPyramid(levels, m, 64, 64);
    const direct = warpToTensor(levels[2]!, squareCrop(32, 32, 64, 64), 64, 64);
    expect(Array.from(fromPyramid)).toEqual(Array.from(direct));
  });
});

describe('BlazeFace decoding', () => {
  it('has 896 anchors: a 16×16 grid ×2, then 8×8 ×6', () => {
    const a = blazeFaceAnchors(256);
    expect(a).toHaveLength(896);
    expect(a[0]).toEqual([8, 8]);
    expect(a[1]).toEqual([8, 8]);
    expect(a[2]).toEqual([24, 8]);
    expect(a[512]).toEqual([16, 16]);
    expect(a[895]).toEqual([240, 240]);
  });

  it('decodes box and key points relative to the anchor, maps them to the image, and suppresses overlaps', () => {
    const scores = new Float32Array(896).fill(-10);
    const boxes = new Float32Array(896 * 16);
    // Anchor 600 (coarse grid). Two anchors see the same face; the weaker must go.
    const put = (i: number, logit: number, dx: number) => {
      scores[i] = logit;
      boxes.set([dx, 4, 80, 100, -20, -10, 20, -10, 0, 10, 0, 30, -40, 0, 40, 0], i * 16);
    };
    put(600, 3, 0);
    put(601, 1, 2);
    const anchor = blazeFaceAnchors()[600]!;
    // Image 512×256 letterboxed: scale 0.5, 64 px bars above and below.
    const toInput = squareCrop(256, 128, 512, 256);
    const faces = decodeBlazeFace(scores, boxes, toInput);
    expect(faces).toHaveLength(1);
    const f = faces[0]!;
    expect(f.score).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
    const cx = anchor[0] * 2;
    const cy = (anchor[1] + 4 - 64) * 2;
    expect(f.box[0]).toBeCloseTo(cx - 80, 6);
    expect(f.box[1]).toBeCloseTo(cy - 100, 6);
    expect(f.box[2]).toBeCloseTo(160, 6);
    expect(f.box[3]).toBeCloseTo(200, 6);
    expect(f.keypoints[0]![0]).toBeCloseTo((anchor[0] - 20) * 2, 6);
    expect(f.keypoints[0]![1]).toBeCloseTo((anchor[1] - 10 - 64) * 2, 6);
    expect(decodeBlazeFace(scores, boxes, toInput, { minScore: 0.99 })).toEqual([]);
    expect(() => decodeBlazeFace(scores.subarray(1), boxes, toInput)).toThrow(/expected 896 scores/);
  });

  it('computes intersection over union', () => {
    expect(boxIou([0, 0, 10, 10], [5, 0, 10, 10])).toBeCloseTo(50 / 150, 12);
    expect(boxIou([0, 0, 10, 10], [20, 20, 5, 5])).toBe(0);
  });
});

describe('pose and crops', () => {
  /** The four FaceMesh points poseFromMesh reads, for a head turned by yaw/pitch/roll (degrees). */
  function syntheticMesh(yawDeg: number, pitchDeg: number, rollDeg: number): Point3[] {
    const [y, p, r] = [yawDeg, pitchDeg, rollDeg].map((d) => (d * Math.PI) / 180) as [number, number, number];
    // Face frame: x to the image right, y down, z away from the camera. Yaw towards image left
    // brings the right cheek (454) towards the camera (−z); pitch up brings the chin forward.
    const rotate = ([x0, y0, z0]: Point3): Point3 => {
      let [x, yy, z] = [x0, y0, z0];
      [yy, z] = [yy * Math.cos(p) + z * Math.sin(p), -yy * Math.sin(p) + z * Math.cos(p)];
      [x, z] = [x * Math.cos(y) + z * Math.sin(y), -x * Math.sin(y) + z * Math.cos(y)];
      [x, yy] = [x * Math.cos(r) - yy * Math.sin(r), x * Math.sin(r) + yy * Math.cos(r)];
      return [x + 500, yy + 400, z];
    };
    const mesh: Point3[] = Array.from({ length: 468 }, () => [500, 400, 0]);
    mesh[10] = rotate([0, -100, 0]);
    mesh[152] = rotate([0, 100, 0]);
    mesh[234] = rotate([-80, 0, 0]);
    mesh[454] = rotate([80, 0, 0]);
    return mesh;
  }

  it('reads yaw, pitch and roll back from a rotated mesh', () => {
    for (const [yaw, pitch, roll] of [
      [0, 0, 0],
      [30, 0, 0],
      [-40, 0, 0],
      [0, 15, 0],
      [0, 0, 12],
    ] as const) {
      const pose = poseFromMesh(syntheticMesh(yaw, pitch, roll));
      expect(pose.yaw).toBeCloseTo(yaw, 6);
      expect(pose.pitch).toBeCloseTo(pitch, 6);
      expect(pose.roll).toBeCloseTo(roll, 6);
    }
    expect(() => poseFromMesh([])).toThrow(/468 points/);
  });

  it('estimates yaw from the detector key points', () => {
    // Frontal: eye distance 0.45 of the box → 0°; half of that → 60°, sign from the nose side.
    expect(yawFromKeypoints([[100, 100], [190, 100], [145, 150]], 200)).toBeCloseTo(0, 6);
    expect(yawFromKeypoints([[100, 100], [145, 100], [90, 150]], 200)).toBeCloseTo(60, 6);
    expect(yawFromKeypoints([[100, 100], [145, 100], [160, 150]], 200)).toBeCloseTo(-60, 6);
  });

  it('maps model outputs from crop to image space', () => {
    const crop = squareCrop(300, 200, 224, 112);
    const out = new Float32Array(136).fill(0.5);
    out[0] = 0;
    out[1] = 0;
    const lm = landmarksToImage(out, crop);
    expect(lm[1]![0]).toBeCloseTo(300, 9);
    expect(lm[1]![1]).toBeCloseTo(200, 9);
    expect(lm[0]![0]).toBeCloseTo(188, 9);
    expect(lm[0]![1]).toBeCloseTo(88, 9);
    const mesh = meshToImage(new Float32Array(1404).fill(96), squareCrop(300, 200, 384, 192));
    expect(mesh[5]).toEqual([300, 200, 192]);
    expect(pointsBox([[1, 5], [4, 2], [3, 3]])).toEqual([1, 2, 3, 3]);
    expect(() => landmarksToImage(new Float32Array(10), crop)).toThrow(/136/);
  });

  it("builds the recognition chip on face-api's alignment box, eyes level", () => {
    // Eyes at y=100 (x 80 and 120), mouth at (100, 145): eye-to-mouth ≈ 49.24 → side ≈ 109.4.
    const lm: Point2[] = Array.from({ length: 68 }, () => [100, 145]);
    for (let i = 36; i < 42; i++) lm[i] = [80, 100];
    for (let i = 42; i < 48; i++) lm[i] = [120, 100];
    const m = recognitionChip(lm);
    const side = Math.hypot(20, 45) / 0.45;
    const ref = [100, (100 + 100 + 145) / 3];
    const topLeft = applyAffine(m, ref[0]! - side / 2, ref[1]! - 0.43 * side);
    expect(topLeft[0]).toBeCloseTo(0, 6);
    expect(topLeft[1]).toBeCloseTo(0, 6);
    expect(applyAffine(m, ref[0]! + side / 2, 0)[0]).toBeCloseTo(150, 6);
    expect(embeddingDistance([0, 3], [4, 0])).toBe(5);
  });
});
