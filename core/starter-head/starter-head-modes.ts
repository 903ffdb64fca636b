import { at, field, gauss, mean, mirror, smoothstep, type Vec3 } from './starter-head-fields';
import { LEFT_EYE_LOWER, LEFT_EYE_UPPER, RIGHT_EYE_LOWER, RIGHT_EYE_UPPER, type StarterHeadSurface } from './starter-head-shell';
import type { StarterRig } from './starter-head-rig';

export interface NamedField {
  name: string;
  /** V×3 offsets in centimetres per unit coefficient. */
  data: Float32Array;
}

/**
 * Identity modes of the starter head: smooth, mostly symmetric variations of skull, face
 * proportions and features, each scaled so that a coefficient of 1 is about one standard deviation
 * of adult variation (a few millimetres).
 *
 * ```ts
 * const modes = starterIdentityModes(surface); // 26 fields
 * ```
 */
export function starterIdentityModes(s: StarterHeadSurface): NamedField[] {
  const p = s.positions;
  const L = (i: number) => at(p, i);
  // A bump given on the subject's right (−X) and mirrored onto the left.
  const sym = (c: Vec3, sigma: number, d: Vec3) => (v: Vec3): Vec3 => {
    const left = v[0] >= 0;
    const w = gauss(v, left ? mirror(c) : c, sigma);
    return [(left ? -d[0] : d[0]) * w, d[1] * w, d[2] * w];
  };
  const noseTip = L(4), chin = L(152), glabella = L(168), browR = L(105), browInnerR = L(107), cheekR = L(123), mouthR = L(61);
  const eyeR = mean([...RIGHT_EYE_UPPER, ...RIGHT_EYE_LOWER].map(L));
  const mouth = mean([L(13), L(14)]);
  const defs: [string, (v: Vec3, i: number) => Vec3][] = [
    ['head_width', (v) => [0.045 * v[0], 0, 0]],
    ['head_height', (v) => [0, 0.04 * Math.max(0, v[1] - 1), 0]],
    ['head_length', (v) => [0, 0, 0.04 * Math.min(0, v[2] - 1)]],
    ['lower_face_length', (v) => [0, 0.045 * Math.min(0, v[1] + 2) * smoothstep(-12, -8, v[1]), 0]],
    ['jaw_width', (v) => [0.05 * v[0] * smoothstep(-1, -5, v[1]) * smoothstep(-13, -9, v[1]) * smoothstep(-6, -2, v[2]), 0, 0]],
    ['chin_projection', (v) => [0, 0, 0.4 * gauss(v, chin, 1.8)]],
    ['chin_height', (v) => [0, -0.35 * gauss(v, chin, 2.0), 0]],
    ['nose_projection', (v) => [0, 0, 0.35 * gauss(v, noseTip, 1.2)]],
    ['nose_width', sym([noseTip[0] - 1.6, noseTip[1] - 1.0, noseTip[2] - 1.5], 0.8, [-0.25, 0, 0])],
    ['nose_bridge', (v) => [0, 0, 0.25 * gauss(v, glabella, 1.0) + 0.15 * gauss(v, mean([glabella, noseTip]), 1.0)]],
    ['brow_ridge', sym(browR, 1.2, [0, 0.05, 0.25])],
    ['cheekbones', sym(cheekR, 1.4, [-0.3, 0.05, 0.15])],
    ['eye_spacing', sym(eyeR, 0.9, [-0.18, 0, 0])],
    ['eye_height', (v) => [0, 0.2 * (gauss(v, eyeR, 1.0) + gauss(v, mirror(eyeR), 1.0)), 0]],
    ['mouth_width', sym(mouthR, 0.9, [-0.25, 0, 0])],
    ['lip_fullness', (v) => [0, 0.08 * Math.sign(v[1] - mouth[1]) * gauss(v, mouth, 0.9), 0.2 * gauss(v, mouth, 0.9)]],
    ['mouth_height', (v) => [0, -0.3 * gauss(v, mouth, 1.4), 0]],
    ['forehead_slope', (v) => [0, 0, -0.05 * Math.max(0, v[1] - 4) * smoothstep(-4, 2, v[2])]],
    ['cheek_fullness', sym([mouthR[0] - 1.9, mouthR[1] + 0.6, mouthR[2] - 1.4], 1.5, [-0.3, 0, 0.12])],
    ['neck_thickness', (v) => {
      const w = 0.06 * (1 - smoothstep(-11, -7, v[1]));
      return [w * v[0], 0, w * (v[2] + 4.3)];
    }],
    ['skull_back', (v) => [0, 0.1 * smoothstep(-6, -12, v[2]), -0.3 * smoothstep(-6, -14, v[2])]],
    ['temple_width', sym([-6.8, 3.5, -0.5], 2.0, [-0.3, 0, 0])],
    ['face_asymmetry', (v) => [0, 0.18 * (v[0] / 7) * smoothstep(-8, 0, v[2]), 0]],
    ['jaw_angle', sym([-6.2, -6.5, -2.0], 1.8, [-0.15, -0.2, 0])],
    // Arched or level brows: the brow's middle up, its inner end down. Without it the fitted brows'
    // middle points (18, 19, 24, 25) sat 0.01–0.03 of the eye-corner distance under the detected
    // ones and their inner ends (21, 22) 0.02 over, the same on every London face.
    ['brow_arch', (v) => {
      const side = v[0] >= 0 ? mirror : (q: Vec3) => q;
      return [0, 0.2 * gauss(v, side(browR), 0.8) - 0.1 * gauss(v, side(browInnerR), 0.6), 0];
    }],
    // Deep-set or prominent eyes: lids, corners and eyeball back or forward together. Without it a
    // turned face's lids projected 0.015–0.02 of the eye-corner distance off towards the far side
    // (their depth against the outer corners'), which no other mode or expression could change.
    ['eye_depth', (v, i) => {
      const inEyeball = (r: [number, number]) => i >= r[0] && i < r[1];
      const c = v[0] >= 0 ? mirror(eyeR) : eyeR;
      return [0, 0, -0.2 * (inEyeball(s.parts.eyeL) || inEyeball(s.parts.eyeR) ? 1 : gauss(v, c, 1.0))];
    }],
  ];
  return defs.map(([name, fn]) => ({ name, data: field(p, fn) }));
}

/** Moves lid A towards lid B (corners excluded), with a soft falloff into the skin around lid A. */
function lidField(s: StarterHeadSurface, moving: number[], towards: number[], amount: number, falloff = 0.35): Float32Array {
  const p = s.positions;
  const pairs = moving.slice(1, -1).map((m, k) => ({ from: at(p, m), by: at(p, towards[k + 1]!).map((x, c) => (x - at(p, m)[c]!) * amount) as Vec3 }));
  const movingSet = new Set(moving.slice(1, -1));
  const fixed = new Set([...towards, moving[0]!, moving[moving.length - 1]!]);
  const faceEnd = s.parts.face[1];
  // Skin on the moving lid's side of the eye follows; the other lid stays.
  const lidY = mean(moving.map((i) => at(p, i)))[1] - mean(towards.map((i) => at(p, i)))[1];
  return field(p, (v, i) => {
    if (i >= faceEnd || fixed.has(i)) return null;
    let wsum = 0;
    const d: Vec3 = [0, 0, 0];
    let nearest = Infinity;
    for (const pair of pairs) {
      const d2 = (v[0] - pair.from[0]) ** 2 + (v[1] - pair.from[1]) ** 2 + (v[2] - pair.from[2]) ** 2;
      nearest = Math.min(nearest, d2);
      const w = 1 / (d2 + 1e-6);
      wsum += w;
      for (let c = 0; c < 3; c++) d[c]! += w * pair.by[c]!;
    }
    const onLid = movingSet.has(i);
    const side = Math.sign(v[1] - mean(pairs.map((q) => q.from))[1]) === Math.sign(lidY) || onLid;
    const f = onLid ? 1 : side ? Math.exp(-nearest / (2 * falloff * falloff)) : 0;
    return f > 1e-3 ? [(d[0] / wsum) * f, (d[1] / wsum) * f, (d[2] / wsum) * f] : null;
  });
}

/**
 * Expression shapes of the starter head with Apple ARKit names, so face-capture tools drive it
 * directly. The jaw opens about the same pivot and with the same weights as the jaw joint.
 *
 * ```ts
 * const shapes = starterExpressionShapes(surface, rig, jawPivot); // jawOpen, eyeBlinkLeft, …
 * ```
 */
export function starterExpressionShapes(s: StarterHeadSurface, rig: StarterRig, jawPivot: Vec3): NamedField[] {
  const p = s.positions;
  const L = (i: number) => at(p, i);
  const face = s.parts.face;
  const inFace = (i: number) => i < face[1] || (i >= s.parts.mouth[0] && i < s.parts.mouth[1]) || (i >= s.parts.shell[0] && i < s.parts.shell[1]);
  const jawRotation = (angle: number) =>
    field(p, (v, i) => {
      const w = rig.jaw[i]! * rig.head[i]!;
      if (w === 0 || !inFace(i)) return null;
      const y = v[1] - jawPivot[1], z = v[2] - jawPivot[2];
      const c = Math.cos(angle), sn = Math.sin(angle);
      return [0, w * (y * c - z * sn - y), w * (y * sn + z * c - z)];
    });
  const jawShift = (d: Vec3) => field(p, (_v, i) => (inFace(i) && rig.jaw[i]! > 0 ? [d[0] * rig.jaw[i]! * rig.head[i]!, d[1] * rig.jaw[i]! * rig.head[i]!, d[2] * rig.jaw[i]! * rig.head[i]!] : null));
  const bump = (c: Vec3, sigma: number, d: Vec3) => field(p, (v, i) => (i < face[1] || (i >= s.parts.shell[0] && i < s.parts.shell[1]) ? [d[0] * gauss(v, c, sigma), d[1] * gauss(v, c, sigma), d[2] * gauss(v, c, sigma)] : null));
  const sum = (...fields: Float32Array[]) => fields.reduce((a, b) => a.map((x, k) => x + b[k]!));
  const mouth = mean([L(13), L(14)]);
  const lips = (fn: (v: Vec3) => Vec3) => field(p, (v, i) => {
    if (!(i < face[1] || (i >= s.parts.mouth[0] && i < s.parts.mouth[1]))) return null;
    const w = gauss(v, mouth, 1.3);
    const d = fn(v);
    return [d[0] * w, d[1] * w, d[2] * w];
  });
  const cornerR = L(61), cornerL = L(291);
  const browR = [70, 63, 105, 66, 107].map(L), browL = [300, 293, 334, 296, 336].map(L);
  const side = (corner: Vec3) => Math.sign(corner[0]);
  // A full smile lifts the corner 8 mm: with 5.5 mm the London set's broad smiles held mouthSmile
  // at its bound of 1 with the fitted corners still 0.012 of the eye-corner distance low.
  const smile = (corner: Vec3) => sum(bump(corner, 1.1, [0.5 * side(corner), 0.8, -0.3]), bump([corner[0] + 1.3 * side(corner), corner[1] + 2.1, corner[2] - 0.6], 1.3, [0, 0.3, 0.1]));
  const browDown = (brow: Vec3[]) => sum(...brow.map((b) => bump(b, 0.9, [-0.15 * Math.sign(b[0]), -0.45 / brow.length * 2.2, 0])));
  const shapes: [string, Float32Array][] = [
    ['jawOpen', jawRotation(0.3)],
    ['jawForward', jawShift([0, 0, 0.5])],
    ['jawLeft', jawShift([0.6, 0, 0])],
    ['jawRight', jawShift([-0.6, 0, 0])],
    ['eyeBlinkLeft', lidField(s, LEFT_EYE_UPPER, LEFT_EYE_LOWER, 0.92)],
    ['eyeBlinkRight', lidField(s, RIGHT_EYE_UPPER, RIGHT_EYE_LOWER, 0.92)],
    ['eyeWideLeft', lidField(s, LEFT_EYE_UPPER, LEFT_EYE_LOWER, -0.35)],
    ['eyeWideRight', lidField(s, RIGHT_EYE_UPPER, RIGHT_EYE_LOWER, -0.35)],
    ['eyeSquintLeft', lidField(s, LEFT_EYE_LOWER, LEFT_EYE_UPPER, 0.3)],
    ['eyeSquintRight', lidField(s, RIGHT_EYE_LOWER, RIGHT_EYE_UPPER, 0.3)],
    ['mouthSmileLeft', smile(cornerL)],
    ['mouthSmileRight', smile(cornerR)],
    ['mouthFrownLeft', bump(cornerL, 1.0, [0.05, -0.5, 0])],
    ['mouthFrownRight', bump(cornerR, 1.0, [-0.05, -0.5, 0])],
    ['mouthFunnel', lips((v) => [-(v[0] - mouth[0]) * 0.2, 0.25 * Math.sign(v[1] - mouth[1]), 0.5])],
    ['mouthPucker', lips((v) => [-(v[0] - mouth[0]) * 0.35, -(v[1] - mouth[1]) * 0.1, 0.6])],
    ['mouthLeft', lips(() => [0.5, 0, 0])],
    ['mouthRight', lips(() => [-0.5, 0, 0])],
    ['browInnerUp', sum(bump(L(107), 0.9, [0, 0.55, 0]), bump(L(336), 0.9, [0, 0.55, 0]))],
    ['browDownLeft', browDown(browL)],
    ['browDownRight', browDown(browR)],
    ['browOuterUpLeft', bump(L(300), 1.0, [0, 0.55, 0])],
    ['browOuterUpRight', bump(L(70), 1.0, [0, 0.55, 0])],
    ['cheekPuff', sum(bump([cornerL[0] + 1.8, cornerL[1] + 0.4, cornerL[2] - 1.6], 1.5, [0.45, 0, 0.25]), bump([cornerR[0] - 1.8, cornerR[1] + 0.4, cornerR[2] - 1.6], 1.5, [-0.45, 0, 0.25]))],
    ['noseSneerLeft', bump([L(4)[0] + 1.5, L(4)[1] - 0.6, L(4)[2] - 1.6], 0.8, [0, 0.3, 0])],
    ['noseSneerRight', bump([L(4)[0] - 1.5, L(4)[1] - 0.6, L(4)[2] - 1.6], 0.8, [0, 0.3, 0])],
  ];
  return shapes.map(([name, data]) => ({ name, data }));
}
