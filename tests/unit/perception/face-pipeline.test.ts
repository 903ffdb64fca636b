import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddingDistance, type FaceResult, type PhotoFaces } from '../../../core/perception/face-analysis';
import { blinkFromAperture } from '../../../core/expression/eye-blink';
import { pointsBox } from '../../../core/perception/face-crops';
import { applyAffine, type RgbImage } from '../../../core/perception/image-warp';
import { decodePhoto } from '../../../main/perception/decode-photo';
import { FaceAnalyzer } from '../../../main/perception/face-analyzer';
import { LONDON_PEOPLE, TEST_MODEL_DIR, londonPhoto, testModelFiles } from '../../helpers/perception';
import { SHARED_PHOTOS, makeTempDir } from '../../helpers/temp-dir';

const USABLE_VIEWS = ['neutral_front', 'smiling_front', 'neutral_left_3quarter', 'smiling_left_3quarter', 'neutral_right_3quarter', 'smiling_right_3quarter'];
const PROFILES = ['neutral_left_profile', 'neutral_right_profile'];

let analyzer: FaceAnalyzer;
const results = new Map<string, { person: string; view: string; photo: PhotoFaces }>();
const tmp = makeTempDir('deca-perception-');

beforeAll(async () => {
  testModelFiles();
  analyzer = new FaceAnalyzer({ modelDir: TEST_MODEL_DIR, provider: 'cpu' });
  for (const person of LONDON_PEOPLE) {
    for (const view of [...USABLE_VIEWS, ...PROFILES]) {
      const file = londonPhoto(person, view);
      results.set(file, { person, view, photo: await analyzer.analyzeFile(file) });
    }
  }
});

afterAll(async () => {
  await analyzer?.dispose();
  tmp.cleanup();
});

const usable = () => [...results.values()].filter((r) => USABLE_VIEWS.includes(r.view));
const only = (r: { photo: PhotoFaces }): FaceResult => {
  expect(r.photo.faces).toHaveLength(1);
  expect(r.photo.selected).toBe(0);
  return r.photo.faces[0]!;
};
const centre = (pts: [number, number][]) => [pts.reduce((a, p) => a + p[0], 0) / pts.length, pts.reduce((a, p) => a + p[1], 0) / pts.length] as const;

describe('front and 3/4 views of the London set', () => {
  it('give one complete face each', () => {
    for (const r of usable()) {
      const f = only(r);
      expect(f.status, r.view).toBe('ok');
      expect(f.score).toBeGreaterThan(0.5);
      expect(f.landmarks68).toHaveLength(68);
      expect(f.mesh468).toHaveLength(468);
      expect(f.embedding).toHaveLength(128);
      // Faces here are ~450-600 px tall in 1350×1350 photos.
      expect(f.box[2]).toBeGreaterThan(350);
      expect(f.box[2]).toBeLessThan(700);
    }
  });

  it('put the landmarks in the right places', () => {
    for (const r of usable()) {
      const f = only(r);
      const lm = f.landmarks68!;
      const [bx, by, bw, bh] = f.box;
      for (const [x, y] of lm) {
        expect(x).toBeGreaterThan(bx - 0.15 * bw);
        expect(x).toBeLessThan(bx + 1.15 * bw);
        expect(y).toBeGreaterThan(by - 0.15 * bh);
        expect(y).toBeLessThan(by + 1.15 * bh);
      }
      const eyeL = centre(lm.slice(36, 42));
      const eyeR = centre(lm.slice(42, 48));
      const mouth = centre(lm.slice(48, 68));
      const noseTip = lm[30]!;
      // iBUG 36–41 is the eye on the image's left; both eyes inside the box, above the nose tip.
      expect(eyeL[0]).toBeLessThan(eyeR[0]);
      for (const eye of [eyeL, eyeR]) {
        expect(eye[0]).toBeGreaterThan(bx);
        expect(eye[0]).toBeLessThan(bx + bw);
        expect(eye[1]).toBeLessThan(noseTip[1]);
      }
      expect(mouth[1]).toBeGreaterThan(noseTip[1]);
      expect(lm[8]![1]).toBeGreaterThan(mouth[1]); // chin below the mouth
      if (r.view.endsWith('front')) {
        expect(noseTip[0]).toBeGreaterThan(lm[36]![0]);
        expect(noseTip[0]).toBeLessThan(lm[45]![0]);
      }
      // Two independent nets agree on the nose tip (FaceMesh point 1 vs iBUG 30) within 8% of the face width.
      const meshNose = f.mesh468![1]!;
      expect(Math.hypot(meshNose[0] - noseTip[0], meshNose[1] - noseTip[1])).toBeLessThan(0.08 * (lm[16]![0] - lm[0]![0]));
    }
  });

  it('measure head pose with the right signs', () => {
    for (const r of usable()) {
      const { yaw, pitch, roll } = only(r).pose!;
      if (r.view.endsWith('front')) expect(Math.abs(yaw), r.view).toBeLessThan(15);
      else if (r.view.includes('_left_')) expect([yaw > 20, yaw < 60]).toEqual([true, true]);
      else expect([yaw < -20, yaw > -60]).toEqual([true, true]);
      expect(Math.abs(pitch)).toBeLessThan(20);
      expect(Math.abs(roll)).toBeLessThan(10);
    }
  });

  it('give embeddings where every same-person pair is closer than every different-person pair', () => {
    const all = usable().map((r) => ({ person: r.person, e: only(r).embedding! }));
    let maxSame = 0;
    let minDifferent = Infinity;
    for (let i = 0; i < all.length; i++)
      for (let j = i + 1; j < all.length; j++) {
        const d = embeddingDistance(all[i]!.e, all[j]!.e);
        if (all[i]!.person === all[j]!.person) maxSame = Math.max(maxSame, d);
        else minDifferent = Math.min(minDifferent, d);
      }
    expect(all).toHaveLength(24);
    expect(maxSame).toBeLessThan(minDifferent);
    // And on the model's own scale: same person under 0.6, different people over it.
    expect(maxSame).toBeLessThan(0.6);
    expect(minDifferent).toBeGreaterThan(0.6);
  });

  it("compute DECA's crop from the landmarks' bounds", () => {
    const f = only(results.get(londonPhoto('p002', 'neutral_front'))!);
    const xs = f.landmarks68!.map((p) => p[0]);
    const ys = f.landmarks68!.map((p) => p[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const size = ((x1 - x0 + (y1 - y0)) / 2) * 1.1 * 1.25;
    expect(f.decaCrop!.size).toBeCloseTo(size, 6);
    const topLeft = applyAffine(f.decaCrop!.toCrop, (x0 + x1) / 2 - size / 2, (y0 + y1) / 2 - size / 2);
    const bottomRight = applyAffine(f.decaCrop!.toCrop, (x0 + x1) / 2 + size / 2, (y0 + y1) / 2 + size / 2);
    expect(topLeft[0]).toBeCloseTo(0, 9);
    expect(topLeft[1]).toBeCloseTo(0, 9);
    expect(bottomRight[0]).toBeCloseTo(223, 9);
    expect(bottomRight[1]).toBeCloseTo(223, 9);
    const back = applyAffine(f.decaCrop!.toImage, 111.5, 111.5);
    expect(back[0]).toBeCloseTo((x0 + x1) / 2, 6);
    expect(back[1]).toBeCloseTo((y0 + y1) / 2, 6);
  });

  it("read each eye's lids on the right eye: open eyes low in eyeBlink, eyes squeezed shut clearly higher", async () => {
    const open: number[] = [];
    for (const r of usable()) {
      const f = only(r);
      expect(f.eyes, `${r.person} ${r.view}`).toBeTruthy();
      for (const side of ['left', 'right'] as const) {
        const eye = f.eyes![side];
        // The subject's left eye is the image's right one (iBUG 42–47), the right eye iBUG 36–41.
        const [x0, y0, w, h] = pointsBox(f.landmarks68!.slice(side === 'left' ? 42 : 36, side === 'left' ? 48 : 42));
        const [cx, cy] = [x0 + w / 2, y0 + h / 2];
        expect(Math.hypot(eye.iris[0] - cx, eye.iris[1] - cy), `${r.person} ${r.view} ${side} iris`).toBeLessThan(0.5 * w);
        // Lid corners near the 68-point corners (within 0.3 of the eye's width: the nets differ most on the far eye of a 3/4 view, 0.22).
        const outer = f.landmarks68![side === 'left' ? 45 : 36]!, inner = f.landmarks68![side === 'left' ? 42 : 39]!;
        expect(Math.hypot(eye.lids[0]![0] - outer[0], eye.lids[0]![1] - outer[1]), `${r.person} ${r.view} ${side} outer corner`).toBeLessThan(0.3 * w);
        expect(Math.hypot(eye.lids[8]![0] - inner[0], eye.lids[8]![1] - inner[1]), `${r.person} ${r.view} ${side} inner corner`).toBeLessThan(0.3 * w);
        if (r.view.endsWith('_front')) open.push(eye.aperture);
        // Open eyes, frontal or 3/4: eyeBlink at most 0.2 (measured 0–0.12 frontal, 0 on 3/4 views).
        expect(blinkFromAperture(eye.aperture), `${r.person} ${r.view} ${side}`).toBeLessThanOrEqual(0.2);
      }
    }
    // pexels angry.jpg: eyes squeezed nearly shut in a grimace.
    const angry = await analyzer.analyzeFile(path.join(SHARED_PHOTOS, 'pexels_max_emotion/angry_man/angry.jpg'));
    const eyes = angry.faces[angry.selected!]!.eyes!;
    const shut = [eyes.left.aperture, eyes.right.aperture];
    console.log(`lid apertures: London frontal ${Math.min(...open).toFixed(3)}–${Math.max(...open).toFixed(3)}, angry ${shut.map((a) => a.toFixed(3)).join('/')} → eyeBlink ${shut.map((a) => blinkFromAperture(a).toFixed(2)).join('/')}`);
    for (const a of shut) {
      expect(a).toBeLessThan(0.6 * Math.min(...open));
      expect(blinkFromAperture(a)).toBeGreaterThanOrEqual(0.5);
    }
  });
});

describe('an open mouth read off the image', () => {
  it("moves the lower inner lip below the teeth on the surprised photo and leaves every London view's landmarks alone", async () => {
    // London views, closed-mouthed or smiling: nothing moves.
    for (const r of usable()) expect(only(r).mouth?.shift, `${r.person} ${r.view}`).toBe(0);
    // pexels surprised.jpeg: a round open mouth under a white moustache; both nets put the lower inner
    // lip on the tongue (gap 12.6 px, eye corners 184 px apart), the teeth end ~17 px lower.
    const surprised = await analyzer.analyzeFile(path.join(SHARED_PHOTOS, 'pexels_max_emotion/santa_man/surprised.jpeg'));
    const f = surprised.faces[surprised.selected!]!;
    const m = f.mouth!;
    console.log(`surprised.jpeg inner-lip gap: landmarks ${m.landmarkGap.toFixed(1)} px, measured ${m.measuredGap.toFixed(1)} px`);
    expect(m.landmarkGap).toBeLessThan(16);
    expect(m.measuredGap).toBeGreaterThan(2 * m.landmarkGap);
    expect(m.measuredGap).toBeLessThan(34); // the lower lip's outer edge (57) lies ~36 px under 62
    const lm = f.landmarks68!;
    expect(Math.hypot(lm[66]![0] - lm[62]![0], lm[66]![1] - lm[62]![1])).toBeCloseTo(m.measuredGap, 0);
    expect(f.mesh468![14]![1]).toBeGreaterThan(lm[62]![1] + 0.8 * m.measuredGap);
  });
});

describe('faces the landmark model cannot handle', () => {
  it('profiles are detected but get status "profile" and no points', () => {
    const profiles = [...results.values()].filter((r) => PROFILES.includes(r.view));
    expect(profiles).toHaveLength(8);
    for (const r of profiles) {
      expect(r.photo.faces).toHaveLength(1);
      // No usable face, so none is selected for the later stages.
      expect(r.photo.selected).toBeNull();
      const f = r.photo.faces[0]!;
      expect(f.status).toBe('profile');
      expect([f.landmarks68, f.mesh468, f.embedding, f.pose, f.decaCrop]).toEqual([null, null, null, null, null]);
      expect(Math.abs(f.detectorYaw)).toBeGreaterThan(60);
      expect(Math.sign(f.detectorYaw)).toBe(r.view.includes('_left_') ? 1 : -1);
    }
  });

  it('a photo without a face gives an empty list', async () => {
    // The studio's grey background, cut from a real photo, and a synthetic gradient.
    const background = await sharp(londonPhoto('p021', 'neutral_front')).extract({ left: 0, top: 0, width: 380, height: 380 }).jpeg().toBuffer();
    const gradient = Buffer.alloc(320 * 240 * 3);
    for (let i = 0; i < gradient.length; i++) gradient[i] = (i / 3) % 320;
    const synthetic = await sharp(gradient, { raw: { width: 320, height: 240, channels: 3 } }).png().toBuffer();
    for (const bytes of [background, synthetic]) {
      const photo = await analyzer.analyzeImage(await decodePhoto(bytes));
      expect(photo.faces).toEqual([]);
      expect(photo.selected).toBeNull();
    }
  });

  it('a face too small for the models gets no points', async () => {
    // 1350 → 90 px: the face is ~40 px across.
    const small = await sharp(londonPhoto('p002', 'neutral_front')).resize(90, 90).png().toBuffer();
    const photo = await analyzer.analyzeImage(await decodePhoto(small));
    for (const f of photo.faces) {
      expect(f.status).toBe('too_small');
      expect(f.landmarks68).toBeNull();
    }
  });
});

describe('photo handling', () => {
  it('applies EXIF orientation: a rotated file with orientation 6 gives the upright landmarks', async () => {
    const file = londonPhoto('p005', 'neutral_front');
    const upright = only(results.get(file)!).landmarks68!;
    const rotatedFile = path.join(tmp.dir, 'rotated.jpg');
    // Store the pixels turned 90° anticlockwise and tag them "rotate 90° clockwise to display".
    await sharp(file).rotate(270).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toFile(rotatedFile);
    const stored = await sharp(rotatedFile).metadata();
    expect(stored.orientation).toBe(6);
    const image: RgbImage = await decodePhoto(rotatedFile);
    expect([image.width, image.height]).toEqual([1350, 1350]);
    const photo = await analyzer.analyzeFile(rotatedFile);
    const lm = photo.faces[photo.selected!]!.landmarks68!;
    const worst = Math.max(...lm.map((p, i) => Math.hypot(p[0] - upright[i]![0], p[1] - upright[i]![1])));
    expect(worst).toBeLessThan(4);
  });

  it('finds every face of a group photo, largest first, and lets the caller pick another', async () => {
    const big = await sharp(londonPhoto('p002', 'neutral_front')).resize(700, 700).jpeg().toBuffer();
    const small = await sharp(londonPhoto('p021', 'neutral_front')).resize(420, 420).jpeg().toBuffer();
    const group = await sharp({ create: { width: 1500, height: 800, channels: 3, background: { r: 128, g: 128, b: 128 } } })
      .composite([
        { input: small, left: 1000, top: 200 },
        { input: big, left: 40, top: 50 },
      ])
      .jpeg({ quality: 92 })
      .toBuffer();
    const image = await decodePhoto(group);
    const photo = await analyzer.analyzeImage(image);
    expect(photo.faces.map((f) => f.status)).toEqual(['ok', 'ok']);
    expect(photo.selected).toBe(0);
    const [first, second] = photo.faces as [FaceResult, FaceResult];
    expect(first.box[2]).toBeGreaterThan(second.box[2]);
    expect(first.box[0] + first.box[2] / 2).toBeLessThan(750);
    expect(second.box[0] + second.box[2] / 2).toBeGreaterThan(1000);
    // Each face is its own person.
    const p002 = only(results.get(londonPhoto('p002', 'neutral_front'))!).embedding!;
    const p021 = only(results.get(londonPhoto('p021', 'neutral_front'))!).embedding!;
    expect(embeddingDistance(first.embedding!, p002)).toBeLessThan(0.4);
    expect(embeddingDistance(second.embedding!, p021)).toBeLessThan(0.4);
    expect((await analyzer.analyzeImage(image, 1)).selected).toBe(1);
  });

  it('lets the caller pick a face by index, and rejects one that does not exist', async () => {
    const image = await decodePhoto(londonPhoto('p025', 'neutral_front'));
    expect((await analyzer.analyzeImage(image, 0)).selected).toBe(0);
    await expect(analyzer.analyzeImage(image, 3)).rejects.toThrow(/Face 3 does not exist: the photo has 1 face/);
  });

  it('reports an unreadable file clearly', async () => {
    await expect(analyzer.analyzeFile(path.join(tmp.dir, 'missing.jpg'))).rejects.toThrow(/Cannot decode .*missing\.jpg/);
    await expect(decodePhoto(Buffer.from('not an image'))).rejects.toThrow(/Cannot decode image/);
  });
});
