/** Apple ARKit's 52 blendshape locations, the names face-capture tools bind to. */
export const ARKIT_BLENDSHAPES = [
  'eyeBlinkLeft', 'eyeLookDownLeft', 'eyeLookInLeft', 'eyeLookOutLeft', 'eyeLookUpLeft', 'eyeSquintLeft', 'eyeWideLeft',
  'eyeBlinkRight', 'eyeLookDownRight', 'eyeLookInRight', 'eyeLookOutRight', 'eyeLookUpRight', 'eyeSquintRight', 'eyeWideRight',
  'jawForward', 'jawLeft', 'jawRight', 'jawOpen', 'mouthClose', 'mouthFunnel', 'mouthPucker', 'mouthLeft', 'mouthRight',
  'mouthSmileLeft', 'mouthSmileRight', 'mouthFrownLeft', 'mouthFrownRight', 'mouthDimpleLeft', 'mouthDimpleRight',
  'mouthStretchLeft', 'mouthStretchRight', 'mouthRollLower', 'mouthRollUpper', 'mouthShrugLower', 'mouthShrugUpper',
  'mouthPressLeft', 'mouthPressRight', 'mouthLowerDownLeft', 'mouthLowerDownRight', 'mouthUpperUpLeft', 'mouthUpperUpRight',
  'browDownLeft', 'browDownRight', 'browInnerUp', 'browOuterUpLeft', 'browOuterUpRight', 'cheekPuff', 'cheekSquintLeft',
  'cheekSquintRight', 'noseSneerLeft', 'noseSneerRight', 'tongueOut',
] as const;

const CANONICAL = new Map(ARKIT_BLENDSHAPES.map((n) => [n.toLowerCase(), n]));

/**
 * The ARKit name of a model's expression shape, or null when it has none. Handles ICT-FaceKit's
 * `eyeBlink_L` / `mouthSmile_R` suffixes and case differences; FLAME's PCA modes have no ARKit name.
 *
 * ```ts
 * arkitName('eyeBlink_L'); // 'eyeBlinkLeft'
 * arkitName('jawOpen');    // 'jawOpen'
 * ```
 */
export function arkitName(name: string): string | null {
  const suffixed = /^(.*?)[_.-]?(L|R|Left|Right)$/.exec(name);
  const candidates = [name];
  if (suffixed) candidates.push(`${suffixed[1]}${suffixed[2]!.startsWith('L') ? 'Left' : 'Right'}`);
  for (const c of candidates) {
    const hit = CANONICAL.get(c.toLowerCase());
    if (hit) return hit;
  }
  return null;
}

/**
 * ARKit shapes that have no sides, which some packs (ICT-FaceKit) split into a left and a right
 * half. An export sums the two halves' deltas into ARKit's one shape: browInnerUp = browInnerUp_L +
 * browInnerUp_R, cheekPuff = cheekPuff_L + cheekPuff_R. Blendshapes add linearly, so the summed
 * shape at weight w is exactly the pack's two halves both at w: the whole brow raise / cheek puff.
 */
export const SIDELESS_SPLIT_SHAPES = ['browInnerUp', 'cheekPuff'] as const;

/** One exported blendshape: its name and the model's expression modes whose deltas it sums. */
export interface ExportShape {
  name: string;
  /** Expression mode indices; two for a sideless ARKit shape a pack splits into halves. */
  sources: number[];
}

/**
 * The blendshapes an export carries for a model's expression basis: ARKit names where a shape has
 * one (each ARKit name at most once, split halves of a sideless ARKit shape summed, see
 * {@link SIDELESS_SPLIT_SHAPES}), the model's own name for its other shapes (a lone half keeps it,
 * e.g. `cheekPuff_L`), `exp_00…` for unnamed PCA modes; names are always unique.
 *
 * ```ts
 * exportShapes(['eyeBlink_L', 'cheekPuff_L', 'cheekPuff_R'], 3);
 * // [{ name: 'eyeBlinkLeft', sources: [0] }, { name: 'cheekPuff', sources: [1, 2] }]
 * exportShapes([], 2); // [{ name: 'exp_00', sources: [0] }, { name: 'exp_01', sources: [1] }]
 * ```
 */
export function exportShapes(names: readonly string[], count: number): ExportShape[] {
  const own = Array.from({ length: count }, (_, k) => names[k] ?? '');
  const merged = new Map<number, number[]>();
  const absorbed = new Set<number>();
  for (const base of SIDELESS_SPLIT_SHAPES) {
    // A pack with the whole shape keeps it; halves are merged only when both are there.
    if (own.some((n) => arkitName(n) === base)) continue;
    const left = own.findIndex((n) => splitHalf(n, base) === 'L');
    const right = own.findIndex((n) => splitHalf(n, base) === 'R');
    if (left < 0 || right < 0) continue;
    merged.set(Math.min(left, right), [left, right]);
    absorbed.add(Math.max(left, right));
  }
  const used = new Set<string>();
  const out: ExportShape[] = [];
  for (let k = 0; k < count; k++) {
    if (absorbed.has(k)) continue;
    const sources = merged.get(k);
    let name = sources ? arkitSidelessName(own[k]!) : own[k] ? (arkitName(own[k]!) ?? own[k]!) : `exp_${String(k).padStart(2, '0')}`;
    while (used.has(name)) name = `${name}_${k}`;
    used.add(name);
    out.push({ name, sources: sources ?? [k] });
  }
  return out;
}

/** 'L' or 'R' when `name` is a side of the sideless ARKit shape `base` (`cheekPuff_L`, `cheekPuffRight`). */
function splitHalf(name: string, base: string): 'L' | 'R' | null {
  const m = /^(.*?)[_.-]?(L|R|Left|Right)$/.exec(name);
  return m && m[1]!.toLowerCase() === base.toLowerCase() ? (m[2]!.startsWith('L') ? 'L' : 'R') : null;
}

function arkitSidelessName(half: string): string {
  return SIDELESS_SPLIT_SHAPES.find((base) => splitHalf(half, base) !== null)!;
}
