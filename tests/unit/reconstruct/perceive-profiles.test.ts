import { describe, expect, it } from 'vitest';
import type { FaceJson } from '../../../core/perception/face-json';
import { faceToJson } from '../../../core/perception/face-json';
import { PROFILE_MIN_PINS, usablePhotos } from '../../../core/reconstruct/stages/perceive-stage';

/** A stored profile face (BlazeFace box, looking to the image's left), with or without silhouette points. */
function profileFace(points: number[][] | null): FaceJson {
  return {
    box: [278, 514, 470, 470], score: 0.84, status: 'profile', landmarks68: null, mesh468: null, pose: null, embedding: null, decaCrop: null, detectorYaw: 84.4,
    ...(points ? { profile: { points, eyeDistancePx: 310 } } : {}),
  };
}

const SILHOUETTE = [[27, 339, 608], [30, 270, 760], [33, 338, 818], [51, 335, 838], [57, 355, 896], [8, 402, 1000]];

describe('profiles in the perceive stage', () => {
  it('takes a profile from its silhouette: the points it shows, masked, a full profile to start, the eye scale it implies', () => {
    const { usable, rejected } = usablePhotos([{ photoId: 1, analysis: { selectedFace: null, faces: [profileFace(SILHOUETTE)] } }]);
    expect(rejected).toEqual([]);
    const u = usable[0]!;
    expect(u).toMatchObject({ photoId: 1, faceIndex: 0, profile: 'silhouette' });
    const o = u.observation;
    expect(Array.from(o.landmarkMask!).flatMap((m, l) => (m ? [l] : []))).toEqual([8, 27, 30, 33, 51, 57]);
    expect([o.landmarks[60], o.landmarks[61]]).toEqual([270, 760]);
    expect(o.yawDeg).toBe(90);
    expect(o.eyeDistancePx).toBe(310);
    expect(o.mesh).toBeNull();
    expect(o.silhouette).toBeUndefined();
    // With its silhouette curve (newer analyses), the curve joins and only its ends stay landmarks.
    const curve = [339, 608, 300, 700, 270, 760, 338, 818, 402, 1000];
    const withCurve = usablePhotos([{ photoId: 1, analysis: { selectedFace: null, faces: [{ ...profileFace(SILHOUETTE), profile: { points: SILHOUETTE, eyeDistancePx: 310, curve } }] } }]).usable[0]!.observation;
    expect(Array.from(withCurve.silhouette!)).toEqual(curve);
    expect(Array.from(withCurve.landmarkMask!).flatMap((m, l) => (m ? [l] : []))).toEqual([8, 27]);
  });

  it('takes a profile whose silhouette was not read from its pins (landmark and surface pins), and otherwise says it needs pins', () => {
    const face = profileFace(null);
    const pins = [{ landmark: 30, x: 270, y: 760 }, { landmark: 8, x: 402, y: 1000 }, { triangle: 12, barycentric: [0.2, 0.3, 0.5] as [number, number, number], x: 340, y: 610 }];
    const withPins = usablePhotos([{ photoId: 2, analysis: { selectedFace: null, faces: [face] }, pins }]);
    expect(withPins.usable[0]).toMatchObject({ photoId: 2, profile: 'pins' });
    const o = withPins.usable[0]!.observation;
    expect(Array.from(o.landmarkMask!).flatMap((m, l) => (m ? [l] : []))).toEqual([8, 30]);
    // The scale from the landmark pins' and surface pins' extent (no sellion–chin pair).
    expect(o.eyeDistancePx).toBeCloseTo(0.5 * Math.hypot(402 - 270, 1000 - 610), 6);
    const few = usablePhotos([{ photoId: 3, analysis: { selectedFace: null, faces: [face] }, pins: pins.slice(0, PROFILE_MIN_PINS - 1) }]);
    expect(few.usable).toEqual([]);
    expect(few.rejected[0]).toMatchObject({ photoId: 3, code: 'no-usable-face' });
    expect(few.rejected[0]!.message).toMatch(/profile whose silhouette could not be read: place 3 or more pins/);
  });

  it("stores a profile's silhouette points with the face, and none on other faces", () => {
    const base = { box: [1, 2, 3, 4] as [number, number, number, number], score: 0.9, landmarks68: null, mesh468: null, pose: null, embedding: null, decaCrop: null, detectorYaw: 80 };
    const json = faceToJson({ ...base, status: 'profile', profile: { points: [{ landmark: 30, x: 10.123, y: 20 }], eyeDistancePx: 99.999, curve: [10.123, 20, 11.456, 21.004] } });
    expect(json.profile).toEqual({ points: [[30, 10.12, 20]], eyeDistancePx: 100, curve: [10.12, 20, 11.46, 21] });
    expect(faceToJson({ ...base, status: 'profile', profile: null }).profile).toBeNull();
    expect('profile' in faceToJson({ ...base, status: 'too_small' })).toBe(false);
  });
});
