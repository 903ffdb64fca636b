import { rasterizeTriangles } from '../geometry/rasterize-triangles';
import { SH_CONSTANTS } from '../geometry/sh-basis';

export interface CastShadowTrustOptions {
  /** Longest side of each shadow map in pixels (about 1.5 mm per pixel on a 0.4 m head at 256). */
  mapSide: number;
  /**
   * How far (metres, along the light) a surface must lie behind what the light reaches first to be
   * in cast shadow: the under-jaw occluder is centimetres in front of the neck it shades, while a lit
   * surface differs from its own shadow map by under a pixel's slope.
   */
  bias: number;
  /**
   * Half-angle (radians) of the cone of light directions tested around the SH light's dominant one:
   * a studio's soft boxes cast penumbrae, and a fitted head is never exactly the person's, so the
   * lit fraction falls off over a band rather than along one line.
   */
  spread: number;
  /** Directions on the cone's rim, besides its axis. */
  rim: number;
  /** Trust left to a sample in full cast shadow (its weight is multiplied by it). */
  floor: number;
  /**
   * Share of the cone's directions that must be hidden for a sample to count as fully shadowed:
   * with half a soft box's light gone, its de-lit colour is already off by more than skin varies.
   */
  fullShadow: number;
  /**
   * Ratio of the light's directional (l = 1) to its ambient (l = 0) irradiance from which cast shadows
   * count fully: a single distant light is 2 (E ≈ ¼ + ½ n·d), an even sky 0. Below it the trust
   * lost in shadow shrinks in proportion — a softly lit photo casts faint shadows that de-light fine.
   */
  fullDirectional: number;
}

export const CAST_SHADOW_TRUST_DEFAULTS: CastShadowTrustOptions = { mapSide: 160, bias: 0.008, spread: 0.5, rim: 6, floor: 0.05, fullShadow: 0.5, fullDirectional: 0.35 };

/**
 * Per vertex of one posed view, how far its photo colour may be trusted as albedo given the view's
 * cast shadows: 1 where the light reaches it, down to `floor` where the head itself hides it from
 * the light — the jaw over the front of the neck, the nose over the cheek under a side light.
 * SH de-lighting divides by the shading of the surface normal alone, which knows no occlusion, so
 * such a sample de-lights to a dark (and, in the bounce light of the shadow, often olive) albedo.
 * Lowered trust lets a view that saw the place lit outweigh it, or, when every view saw it in
 * shadow, the surface fill from the person's lit skin around it take over (see `fillTextureHoles`).
 *
 * The light's dominant direction is its l = 1 band (summed over the colour channels; vertices,
 * normals and light in the view's camera frame). The posed mesh is rendered as depth along that
 * direction and along `rim` directions on a cone of `spread` around it; a vertex's lit fraction is
 * the share of them in which it is no more than `bias` behind the surface nearest the light. Only
 * surfaces facing the light lose trust: one facing away is dark by its normal, which SH shading
 * already explains. Returns null when the light is too even to cast shadows (nothing to lower).
 *
 * ```ts
 * const trust = castShadowTrust(view.vertices, view.normals, model.triangles, view.light, opaque);
 * // texel weight *= trust interpolated at the texel
 * ```
 */
export function castShadowTrust(
  vertices: ArrayLike<number>,
  normals: ArrayLike<number>,
  triangles: ArrayLike<number>,
  light: ArrayLike<number>,
  triangleMask: Uint8Array | null = null,
  options: Partial<CastShadowTrustOptions> = {},
): Float32Array | null {
  const o = { ...CAST_SHADOW_TRUST_DEFAULTS, ...options };
  if (light.length < 12) throw new Error(`castShadowTrust: light needs 27 SH coefficients, got ${light.length}`);
  // Irradiance's l = 0 and l = 1 parts (band-major, r g b per band), summed over the channels.
  let ambient = 0;
  const dir = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    ambient += light[c]! * SH_CONSTANTS[0]!;
    for (let k = 0; k < 3; k++) dir[k] += light[(k + 1) * 3 + c]! * SH_CONSTANTS[k + 1]!;
  }
  const strength = Math.hypot(dir[0]!, dir[1]!, dir[2]!);
  if (!(strength > 0) || !(ambient > 0)) return null;
  const share = Math.min(1, strength / ambient / o.fullDirectional);
  const drop = share * (1 - o.floor);
  if (!(drop > 1e-3)) return null;
  const d = [dir[0]! / strength, dir[1]! / strength, dir[2]! / strength] as const;
  const V = vertices.length / 3;
  const litCount = new Float32Array(V);
  const directions = coneDirections(d, o.spread, o.rim);
  for (const l of directions) addLit(vertices, triangles, triangleMask, l, o, litCount);
  const trust = new Float32Array(V);
  const n = directions.length;
  for (let v = 0; v < V; v++) {
    const nx = normals[v * 3]!, ny = normals[v * 3 + 1]!, nz = normals[v * 3 + 2]!;
    const len = Math.hypot(nx, ny, nz) || 1;
    // Facing the light fades the loss in (smoothstep over n·d ∈ [0, 0.25]): at grazing light the
    // depth test is least sure and the SH shading predicts the dark anyway.
    const x = Math.min(1, Math.max(0, ((nx * d[0] + ny * d[1] + nz * d[2]) / len) / 0.25));
    const facing = x * x * (3 - 2 * x);
    trust[v] = 1 - drop * facing * Math.min(1, (1 - litCount[v]! / n) / o.fullShadow);
  }
  return trust;
}

/** The cone's axis and `rim` unit directions at `spread` from it. */
function coneDirections(d: readonly [number, number, number], spread: number, rim: number): [number, number, number][] {
  const out: [number, number, number][] = [[d[0], d[1], d[2]]];
  if (!(spread > 0) || rim < 1) return out;
  const [e1, e2] = basis(d);
  const c = Math.cos(spread), s = Math.sin(spread);
  for (let k = 0; k < rim; k++) {
    const a = (2 * Math.PI * k) / rim, ca = Math.cos(a) * s, sa = Math.sin(a) * s;
    out.push([c * d[0] + ca * e1[0] + sa * e2[0], c * d[1] + ca * e1[1] + sa * e2[1], c * d[2] + ca * e1[2] + sa * e2[2]]);
  }
  return out;
}

/** Two unit vectors completing unit `d` to an orthonormal frame. */
function basis(d: readonly [number, number, number]): [[number, number, number], [number, number, number]] {
  // Cross with the axis d is least aligned with, so the first vector is never degenerate.
  const a = Math.abs(d[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  let e1: [number, number, number] = [d[1] * a[2]! - d[2] * a[1]!, d[2] * a[0]! - d[0] * a[2]!, d[0] * a[1]! - d[1] * a[0]!];
  const l = Math.hypot(...e1);
  e1 = [e1[0] / l, e1[1] / l, e1[2] / l];
  const e2: [number, number, number] = [d[1] * e1[2] - d[2] * e1[1], d[2] * e1[0] - d[0] * e1[2], d[0] * e1[1] - d[1] * e1[0]];
  return [e1, e2];
}

/**
 * Renders the mesh's depth along light direction `l` (orthographic, larger is nearer the light) and
 * adds 1 to every vertex no more than `bias` behind the depth at its own pixel.
 */
function addLit(vertices: ArrayLike<number>, triangles: ArrayLike<number>, mask: Uint8Array | null, l: readonly number[], o: CastShadowTrustOptions, lit: Float32Array): void {
  const [e1, e2] = basis([l[0]!, l[1]!, l[2]!]);
  const V = vertices.length / 3;
  const points = new Float64Array(V * 2), depth = new Float32Array(V);
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let v = 0; v < V; v++) {
    const px = vertices[v * 3]!, py = vertices[v * 3 + 1]!, pz = vertices[v * 3 + 2]!;
    const x = px * e1[0] + py * e1[1] + pz * e1[2], y = px * e2[0] + py * e2[1] + pz * e2[2];
    (points[v * 2] = x), (points[v * 2 + 1] = y);
    depth[v] = px * l[0]! + py * l[1]! + pz * l[2]!;
    (x0 = Math.min(x0, x)), (y0 = Math.min(y0, y)), (x1 = Math.max(x1, x)), (y1 = Math.max(y1, y));
  }
  if (!(x1 >= x0)) return;
  // One pixel of margin, so vertices on the map's border sample a pixel of their own surface.
  const step = Math.max(x1 - x0, y1 - y0, 1e-6) / (o.mapSide - 2);
  const grid = { width: Math.ceil((x1 - x0) / step) + 2, height: Math.ceil((y1 - y0) / step) + 2, step, originX: x0 - step, originY: y0 - step };
  const map = rasterizeTriangles(points, depth, triangles, grid, { triangleMask: mask });
  const z = map.depth!, W = grid.width;
  for (let v = 0; v < V; v++) {
    const px = Math.floor((points[v * 2]! - grid.originX) / step), py = Math.floor((points[v * 2 + 1]! - grid.originY) / step);
    // A vertex on the light's silhouette may fall in a pixel whose centre no triangle covers: nothing hides it.
    const front = z[py * W + px]!;
    if (!(front > -Infinity) || depth[v]! >= front - o.bias) lit[v] += 1;
  }
}
