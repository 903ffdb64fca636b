import type { HeadModel } from '../head-model/head-model';
import type { DetailTexels } from './detail-texels';

/**
 * A group of expression modes whose wrinkles appear together (forehead lines when the brows go
 * up, crow's feet with a squint, …), the unit a wrinkle map belongs to. Its activation in a photo is
 * the weighted sum of its members' coefficients, plus the jaw's opening for the chin group.
 */
export interface ExpressionGroup {
  name: string;
  members: { mode: number; weight: number }[];
  /** Radians of jaw opening (rotation about x) that count as activation 1; 0: the jaw does not count. */
  jawOpening: number;
}

/**
 * Wrinkle groups for named (ARKit-style) expression modes, by the modes' names: the creases each
 * expression makes in the skin, after FACS. Patterns are case-insensitive.
 */
const NAMED_GROUPS: readonly { name: string; pattern: RegExp; jawOpening?: number }[] = [
  { name: 'forehead', pattern: /^brow(Inner|Outer)Up/i },
  { name: 'frown', pattern: /^browDown/i },
  { name: 'crowsFeet', pattern: /^(eyeSquint|cheekSquint)/i },
  { name: 'nasolabial', pattern: /^(mouthSmile|mouthDimple)/i },
  { name: 'noseSneer', pattern: /^noseSneer/i },
  { name: 'lips', pattern: /^mouth(Pucker|Funnel|Roll|Press)/i },
  { name: 'chin', pattern: /^(jawOpen|mouthShrug|mouthFrown|mouthStretch)/i, jawOpening: 0.35 },
  { name: 'eyelids', pattern: /^(eyeBlink|eyeWide)/i },
];

/** Unnamed (PCA) expression modes: the first ones each get a group of their own. */
const UNNAMED_GROUPS = 8;

/**
 * The model's wrinkle groups: by name for named expression modes (ICT-FaceKit, the starter head),
 * otherwise one group for each of the first 8 modes (FLAME's PCA expressions, activated by the
 * coefficient's sign and size).
 *
 * ```ts
 * const groups = expressionGroups(model);
 * ```
 */
export function expressionGroups(model: HeadModel): ExpressionGroup[] {
  const names = model.expression.names;
  if (names.length === model.expression.count && names.length > 0) {
    return NAMED_GROUPS.map((g) => ({
      name: g.name,
      members: names.flatMap((n, mode) => (g.pattern.test(n) ? [{ mode, weight: 1 }] : [])),
      jawOpening: g.jawOpening ?? 0,
    })).filter((g) => g.members.length > 0);
  }
  return Array.from({ length: Math.min(UNNAMED_GROUPS, model.expression.count) }, (_, mode) => ({ name: `mode${mode}`, members: [{ mode, weight: 1 }], jawOpening: mode === 0 ? 0.35 : 0 }));
}

/**
 * Each group's activation for an expression and jaw rotation (axis-angle): the members' weighted
 * sum (capped at 1.5 for named modes, where coefficients lie in [0, 1]) plus the jaw's opening.
 *
 * ```ts
 * const a = groupActivations(groups, fit.expression, fit.jaw);
 * ```
 */
export function groupActivations(groups: readonly ExpressionGroup[], expression: ArrayLike<number>, jaw: ArrayLike<number>): Float64Array {
  const out = new Float64Array(groups.length);
  groups.forEach((g, i) => {
    let a = 0;
    for (const m of g.members) a += m.weight * (expression[m.mode] ?? 0);
    if (g.jawOpening > 0) a += Math.max(0, jaw[0] ?? 0) / g.jawOpening;
    out[i] = g.name.startsWith('mode') ? a : Math.min(1.5, a);
  });
  return out;
}

export interface GroupSupportOptions {
  /** A texel is in a group's support where the skin there shrinks by at least this share of its area… */
  compression: number;
  /** …or moves at least this share of the group's largest movement. */
  movement: number;
}

export const GROUP_SUPPORT_DEFAULTS: GroupSupportOptions = { compression: 0.01, movement: 0.25 };

/**
 * Where each group's wrinkles can form, per detail texel: where its blendshapes (at weight 1)
 * compress the surface (the triangle area shrinks — skin bunches up into folds) or move it a lot.
 *
 * ```ts
 * const supports = groupSupports(model, texels, groups);
 * ```
 */
export function groupSupports(model: HeadModel, texels: DetailTexels, groups: readonly ExpressionGroup[], options: Partial<GroupSupportOptions> = {}): Uint8Array[] {
  const o = { ...GROUP_SUPPORT_DEFAULTS, ...options };
  const V = model.vertexCount, n = V * 3, tri = model.triangles, T = tri.length / 3, tpl = model.template;
  const area = (p: ArrayLike<number>, t: number) => {
    const a = tri[t * 3]! * 3, b = tri[t * 3 + 1]! * 3, c = tri[t * 3 + 2]! * 3;
    const ux = p[b]! - p[a]!, uy = p[b + 1]! - p[a + 1]!, uz = p[b + 2]! - p[a + 2]!;
    const vx = p[c]! - p[a]!, vy = p[c + 1]! - p[a + 1]!, vz = p[c + 2]! - p[a + 2]!;
    return Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx);
  };
  return groups.map((g) => {
    const moved = Float32Array.from(tpl);
    for (const m of g.members) {
      const d = model.expression.data;
      for (let i = 0; i < n; i++) moved[i] += m.weight * d[m.mode * n + i]!;
    }
    const compression = new Float32Array(V), movement = new Float32Array(V);
    for (let t = 0; t < T; t++) {
      const a0 = area(tpl, t);
      if (!(a0 > 0)) continue;
      const shrink = Math.max(0, 1 - area(moved, t) / a0);
      for (let k = 0; k < 3; k++) compression[tri[t * 3 + k]!] = Math.max(compression[tri[t * 3 + k]!]!, shrink);
    }
    let maxMove = 0;
    for (let v = 0; v < V; v++) {
      movement[v] = Math.hypot(moved[v * 3]! - tpl[v * 3]!, moved[v * 3 + 1]! - tpl[v * 3 + 1]!, moved[v * 3 + 2]! - tpl[v * 3 + 2]!);
      maxMove = Math.max(maxMove, movement[v]!);
    }
    const K = texels.texel.length;
    const support = new Uint8Array(K);
    for (let k = 0; k < K; k++) {
      const t = texels.triangle[k]!;
      for (let c = 0; c < 3; c++) {
        const v = tri[t * 3 + c]!;
        if (compression[v]! >= o.compression || (maxMove > 0 && movement[v]! >= o.movement * maxMove)) support[k] = 1;
      }
    }
    return support;
  });
}
