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
 * Export names for a model's expression basis: ARKit names where a shape has one, the model's own
 * name otherwise, `exp_00…` for unnamed PCA modes; always unique.
 *
 * ```ts
 * exportShapeNames(['eyeBlink_L', 'custom'], 2); // ['eyeBlinkLeft', 'custom']
 * exportShapeNames([], 3);                         // ['exp_00', 'exp_01', 'exp_02']
 * ```
 */
export function exportShapeNames(names: readonly string[], count: number): string[] {
  const used = new Set<string>();
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const own = names[k];
    let name = own ? (arkitName(own) ?? own) : `exp_${String(k).padStart(2, '0')}`;
    while (used.has(name)) name = `${name}_${k}`;
    used.add(name);
    out.push(name);
  }
  return out;
}
