import { rasterizeUv } from '../../core/geometry/rasterize-uv';
import { interpolateAt } from '../../core/geometry/rasterize-triangles';
import type { HeadModel } from '../../core/head-model/head-model';
import { HEAD_PART, triangleParts } from '../../core/head-model/triangle-parts';
import type { UvTexture } from '../../core/reconstruct/photometric-samples';
import { bakeableTriangles } from '../../core/texture/bakeable-triangles';
import { EYE_PROPORTIONS, eyeballs, eyePlace } from '../../core/texture/eye-colours';

/** Colours 0…1 of the synthetic face's features. */
const SKIN = [0.8, 0.6, 0.5], LIPS = [0.6, 0.3, 0.3], BROWS = [0.22, 0.15, 0.11], LID_LINE = [0.3, 0.2, 0.16];
const SCLERA = [0.88, 0.86, 0.82], IRIS = [0.35, 0.23, 0.14], PUPIL = [0.04, 0.03, 0.03];
const TEETH = [0.9, 0.88, 0.8], MOUTH = [0.35, 0.12, 0.12], LASHES = [0.08, 0.06, 0.05];

/**
 * A plausible face's albedo for a pack without one (ICT-FaceKit ships none), so that renders of it
 * look like a face to the perception networks: skin with a faint pattern, red lips inside the outer
 * lip landmarks (48–59), dark brows along the brow landmarks (17–26), a dark line along the upper
 * lids, eyeballs with sclera, iris and pupil, white teeth, a dark mouth and lashes. Features are
 * placed on the template by its 68 landmarks, so they move with every expression. Returns the UV
 * texture (skin) and the per-vertex albedo (the other parts), as `renderShadedHead` takes them.
 *
 * ```ts
 * const { texture, vertexAlbedo } = syntheticFaceAlbedo(ict);
 * renderShadedHead(ict, v, n, camera, background, texture, light, {}, vertexAlbedo);
 * ```
 */
export function syntheticFaceAlbedo(model: HeadModel, size = 512): { texture: UvTexture; vertexAlbedo: Float32Array } {
  const V = model.vertexCount, P = model.template;
  const parts = triangleParts(model);
  const vertexPart = new Uint8Array(V).fill(HEAD_PART.skin);
  // A vertex takes a non-skin part when some triangle of that part uses it.
  for (let t = 0; t < parts.length; t++) if (parts[t] !== HEAD_PART.skin) for (let k = 0; k < 3; k++) vertexPart[model.triangles[t * 3 + k]!] = parts[t]!;
  const L = model.landmarks.faces.length;
  const lm = new Float64Array(L * 3);
  for (let l = 0; l < L; l++) {
    const f = model.landmarks.faces[l]!;
    for (let c = 0; c < 3; c++) {
      const v = model.triangles[f * 3 + c]!, w = model.landmarks.barycentric[l * 3 + c]!;
      for (let d = 0; d < 3; d++) lm[l * 3 + d] += w * P[v * 3 + d]!;
    }
  }
  const pt = (l: number) => [lm[l * 3]!, lm[l * 3 + 1]!, lm[l * 3 + 2]!] as const;
  // The face's size: outer eye corners' distance (≈ 9 cm on an adult).
  const eyeSpan = Math.hypot(lm[36 * 3]! - lm[45 * 3]!, lm[36 * 3 + 1]! - lm[45 * 3 + 1]!);
  const mm = eyeSpan / 90;
  const outerLip = Array.from({ length: 12 }, (_, i) => pt(48 + i));
  const brows = [[17, 18, 19, 20, 21], [22, 23, 24, 25, 26]].map((ids) => ids.map(pt));
  const lids = [[36, 37, 38, 39], [42, 43, 44, 45]].map((ids) => ids.map(pt));
  const eyes = eyeballs(model);
  const out = new Float32Array(V * 3);
  const mix = (a: readonly number[], b: readonly number[], s: number) => a.map((x, i) => x + (b[i]! - x) * Math.max(0, Math.min(1, s)));
  for (let v = 0; v < V; v++) {
    const x = P[v * 3]!, y = P[v * 3 + 1]!, z = P[v * 3 + 2]!;
    let c: readonly number[];
    switch (vertexPart[v]) {
      case HEAD_PART.eyes: {
        const eye = eyes.reduce((a, b) => (Math.hypot(x - a.center[0], y - a.center[1], z - a.center[2]) < Math.hypot(x - b.center[0], y - b.center[1], z - b.center[2]) ? a : b));
        const { r, front } = eyePlace(eye, x, y, z);
        c = !front || r > EYE_PROPORTIONS.iris ? SCLERA : r > EYE_PROPORTIONS.pupil ? IRIS : PUPIL;
        break;
      }
      case HEAD_PART.teeth: c = TEETH; break;
      case HEAD_PART.mouth: c = MOUTH; break;
      case HEAD_PART.lashes: c = LASHES; break;
      default: {
        const k = 1 + 0.04 * Math.sin(x / (7 * mm)) * Math.cos(y / (11 * mm));
        c = SKIN.map((s) => s * k);
        // Only the front of the face takes features (not the back of the head behind them).
        const front = (p: readonly number[]) => z > p[2]! - 15 * mm;
        const inLip = pointInPolygon(x, y, outerLip);
        const lipEdge = polylineDistance(x, y, [...outerLip, outerLip[0]!]);
        if (front(outerLip[3]!)) c = mix(c, LIPS, inLip ? 0.5 + lipEdge / (2 * mm) : 1 - lipEdge / (1.5 * mm));
        for (const b of brows) {
          const d = polylineDistance(x, y, b);
          if (front(b[2]!)) c = mix(c, BROWS, 1.6 - d / (4 * mm));
        }
        for (const l of lids) {
          const d = polylineDistance(x, y, l);
          if (front(l[1]!)) c = mix(c, LID_LINE, 1 - d / (1.2 * mm));
        }
      }
    }
    out.set(c, v * 3);
  }
  // The skin into the UV texture: each texel's point on the mesh, its vertices' colours interpolated.
  const raster = rasterizeUv(model.uv!, size, { triangleMask: bakeableTriangles(model), grow: 0.01 });
  const rgb = new Uint8Array(size * size * 3);
  const at = new Float64Array(3);
  for (let i = 0; i < size * size; i++) {
    // Texels no skin triangle owns stay skin (a render's bilinear sample may reach them).
    if (!interpolateAt(raster, model.triangles, out, 3, i, at)) at.set(SKIN);
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.round(Math.max(0, Math.min(1, at[c]!)) * 255);
  }
  return { texture: { size, rgb }, vertexAlbedo: out };
}

function pointInPolygon(x: number, y: number, poly: readonly (readonly number[])[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!, [xj, yj] = poly[j]!;
    if (yi! > y !== yj! > y && x < ((xj! - xi!) * (y - yi!)) / (yj! - yi!) + xi!) inside = !inside;
  }
  return inside;
}

/** Distance in the x–y plane from (x, y) to a polyline. */
function polylineDistance(x: number, y: number, line: readonly (readonly number[])[]): number {
  let best = Infinity;
  for (let i = 0; i + 1 < line.length; i++) {
    const [ax, ay] = line[i]!, [bx, by] = line[i + 1]!;
    const dx = bx! - ax!, dy = by! - ay!;
    const t = Math.max(0, Math.min(1, ((x - ax!) * dx + (y - ay!) * dy) / (dx * dx + dy * dy || 1)));
    best = Math.min(best, Math.hypot(x - ax! - t * dx, y - ay! - t * dy));
  }
  return best;
}
