import { rasterizeTriangles } from '../geometry/rasterize-triangles';
import { SH_CONSTANTS } from '../geometry/sh-basis';

export interface CastShadowTrustOptions {
  /** Longest side of each shadow map in pixels (about 2.5 mm per pixel on a 0.4 m head at 160). */
  mapSide: number;
  /**
   * How far (metres, along the light) a surface must lie behind what the light reaches first to be
   * in cast shadow: the jaw is centimetres in front of the neck it shades, while a lit surface
   * differs from its own shadow map by under a pixel's slope.
   */
  bias: number;
  /**
   * How far (radians) above the SH light's direction the key light may be. The l = 1 band is the
   * mean direction of all the light, which bounce from below (a white collar, the chest) pulls
   * down, while a key light (sun, ceiling, soft box) sits above it: London p002's fitted lights
   * point 10–20° above the camera's axis, yet the jaw's shadow on her neck needs a light
   * 45° up on the fitted head. Directions from the SH one up to this much higher are tested.
   */
  lift: number;
  /** Directions tested above the SH one, evenly up to `lift`. */
  steps: number;
  /** Band of n·l (0 to this) over which a surface turning away from a tested direction goes dark. */
  terminator: number;
  /** Trust left to a sample in full shadow (its weight is multiplied by it). */
  floor: number;
  /**
   * Ratio of the light's directional (l = 1) to its ambient (l = 0) irradiance from which shadows
   * count fully: a single distant light is 2 (E ≈ ¼ + ½ n·d), an even sky 0. Below it the trust
   * lost in shadow shrinks in proportion — a softly lit photo casts faint shadows that de-light fine.
   */
  fullDirectional: number;
}

export const CAST_SHADOW_TRUST_DEFAULTS: CastShadowTrustOptions = { mapSide: 160, bias: 0.008, lift: 0.6, steps: 2, terminator: 0.2, floor: 0.02, fullDirectional: 0.35 };

/**
 * Per vertex of one posed view, how far its photo colour may be trusted as albedo given the view's
 * shadows: 1 where the light reaches it, down to `floor` where the SH light says it is lit but the
 * key light may not reach it — hidden by the head (the jaw over the front of the neck, the nose
 * over the lip) or turned away from it (the underside of the chin under a light from above).
 * SH de-lighting divides by a smooth function of the surface normal fitted on the face, which knows
 * no occlusion and only the face's normals, so such a sample de-lights to a dark (in the bounce
 * light of the shadow, often olive) albedo: London p002's under-chin V. Lowered trust lets a view
 * that saw the place lit outweigh it, or, where every view saw it in shadow, the surface fill from
 * the person's lit skin around it take over (see `fillTextureHoles`); where photos see the surface
 * squarely (the face) their weights stay far above the fill's threshold and the colour is theirs.
 *
 * The light's direction is its l = 1 band (summed over the colour channels; vertices, normals and
 * light in the view's camera frame); the key light may sit up to `lift` above it (see `lift`). For
 * each of `steps` + 1 directions from the SH one up to `lift` above, the posed mesh is rendered as
 * depth along it; a vertex is dark for it when more than `bias` behind the surface nearest the
 * light, or when turned away from it (n·l below `terminator`, smoothly). Its shadow is the darkest
 * over the directions, counted only where the SH light itself lights the vertex (n·d ≥ `terminator`,
 * smoothly): what faces away from the SH light is already dark by its shading. Returns null when
 * the light is too even to cast shadows (nothing to lower).
 *
 * ```ts
 * const trust = castShadowTrust(view.vertices, view.normals, model.triangles, view.light, opaque);
 * // texel weight ×= trust interpolated at the texel
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
  if (normals.length !== vertices.length) throw new Error(`castShadowTrust: ${normals.length / 3} normals for ${vertices.length / 3} vertices`);
  // Irradiance's l = 0 and l = 1 parts (band-major, r g b per band), summed over the channels.
  let ambient = 0;
  const dir = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    ambient += light[c]! * SH_CONSTANTS[0]!;
    for (let k = 0; k < 3; k++) dir[k] += light[(k + 1) * 3 + c]! * SH_CONSTANTS[k + 1]!;
  }
  const strength = Math.hypot(dir[0]!, dir[1]!, dir[2]!);
  if (!(strength > 0) || !(ambient > 0)) return null;
  const drop = Math.min(1, strength / ambient / o.fullDirectional) * (1 - o.floor);
  if (!(drop > 1e-3)) return null;
  const d: [number, number, number] = [dir[0]! / strength, dir[1]! / strength, dir[2]! / strength];
  const V = vertices.length / 3;
  const dark = darkness(vertices, normals, triangles, triangleMask, d, o);
  const trust = new Float32Array(V);
  for (let v = 0; v < V; v++) trust[v] = 1 - drop * dark[v]! * (1 - smoothTo(dot(normals, v, d), o.terminator));
  return trust;
}

/**
 * Each posed view's darkness by its vertices array: the alternation of `solveLightAndAlbedo` bakes
 * the same posed views under lights re-solved between bakes, which turn by a degree or so — within
 * `SAME_DIRECTION` the shadow maps are not rendered again. (The occluder mask is a function of the
 * triangles and the model's overlays, fixed with them: bakes rebuild it, so it is not compared.)
 */
const darkCache = new WeakMap<object, { normals: ArrayLike<number>; triangles: ArrayLike<number>; d: readonly number[]; key: string; dark: Float32Array }>();

/** Cosine of the largest turn of the light for which a view's darkness is reused (about 1.5°). */
const SAME_DIRECTION = 0.9997;

/** Per vertex, how dark the key light may leave it: the maximum over the directions tested (see `castShadowTrust`). */
function darkness(vertices: ArrayLike<number>, normals: ArrayLike<number>, triangles: ArrayLike<number>, mask: Uint8Array | null, d: [number, number, number], o: CastShadowTrustOptions): Float32Array {
  const key = `${o.mapSide} ${o.bias} ${o.lift} ${o.steps} ${o.terminator}`;
  const hit = typeof vertices === 'object' ? darkCache.get(vertices) : undefined;
  if (hit && hit.normals === normals && hit.triangles === triangles && hit.key === key && hit.d[0]! * d[0] + hit.d[1]! * d[1] + hit.d[2]! * d[2] >= SAME_DIRECTION) return hit.dark;
  const dark = new Float32Array(vertices.length / 3);
  const steps = Math.max(0, Math.round(o.steps));
  for (let k = 0; k <= steps; k++) addDark(vertices, normals, triangles, mask, lifted(d, steps ? (o.lift * k) / steps : 0), o, dark);
  if (typeof vertices === 'object') darkCache.set(vertices, { normals, triangles, d, key, dark });
  return dark;
}

/** 0 at or below 0, rising smoothly to 1 at `edge`. Dark = 1 − this. */
function smoothTo(x: number, edge: number): number {
  const t = Math.min(1, Math.max(0, x / Math.max(edge, 1e-6)));
  return 1 - t * t * (3 - 2 * t);
}

/** n·l of vertex v's normal (normalised) with unit l. */
function dot(normals: ArrayLike<number>, v: number, l: readonly number[]): number {
  const nx = normals[v * 3]!, ny = normals[v * 3 + 1]!, nz = normals[v * 3 + 2]!;
  return (nx * l[0]! + ny * l[1]! + nz * l[2]!) / (Math.hypot(nx, ny, nz) || 1);
}

/** Unit `d` turned by `angle` (radians) towards +y (the photo's up), stopping at straight up. */
function lifted(d: readonly [number, number, number], angle: number): [number, number, number] {
  const h = Math.hypot(d[0], d[2]);
  if (!(angle > 0) || !(h > 1e-9)) return [d[0], d[1], d[2]];
  const to = Math.min(Math.PI / 2, Math.asin(Math.max(-1, Math.min(1, d[1]))) + angle);
  const c = Math.cos(to) / h;
  return [d[0] * c, Math.sin(to), d[2] * c];
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
 * raises each vertex's `dark` to 1 where it is more than `bias` behind the depth at its own pixel,
 * or to how far it is turned away from `l` (see `terminator`).
 */
function addDark(
  vertices: ArrayLike<number>,
  normals: ArrayLike<number>,
  triangles: ArrayLike<number>,
  mask: Uint8Array | null,
  l: [number, number, number],
  o: CastShadowTrustOptions,
  dark: Float32Array,
): void {
  const [e1, e2] = basis(l);
  const V = vertices.length / 3;
  const points = new Float64Array(V * 2), depth = new Float32Array(V);
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let v = 0; v < V; v++) {
    const px = vertices[v * 3]!, py = vertices[v * 3 + 1]!, pz = vertices[v * 3 + 2]!;
    const x = px * e1[0] + py * e1[1] + pz * e1[2], y = px * e2[0] + py * e2[1] + pz * e2[2];
    (points[v * 2] = x), (points[v * 2 + 1] = y);
    depth[v] = px * l[0] + py * l[1] + pz * l[2];
    (x0 = Math.min(x0, x)), (y0 = Math.min(y0, y)), (x1 = Math.max(x1, x)), (y1 = Math.max(y1, y));
  }
  if (!(x1 >= x0)) return;
  // One pixel of margin, so vertices on the map's border sample a pixel of their own surface.
  const step = Math.max(x1 - x0, y1 - y0, 1e-6) / Math.max(1, o.mapSide - 2);
  const grid = { width: Math.ceil((x1 - x0) / step) + 2, height: Math.ceil((y1 - y0) / step) + 2, step, originX: x0 - step, originY: y0 - step };
  const map = rasterizeTriangles(points, depth, triangles, grid, { triangleMask: mask });
  const z = map.depth!, W = grid.width;
  for (let v = 0; v < V; v++) {
    let k = smoothTo(dot(normals, v, l), o.terminator);
    if (k < 1) {
      const px = Math.floor((points[v * 2]! - grid.originX) / step), py = Math.floor((points[v * 2 + 1]! - grid.originY) / step);
      // A vertex on the light's silhouette may fall in a pixel whose centre no triangle covers: nothing hides it.
      const front = z[py * W + px]!;
      if (front > -Infinity && depth[v]! < front - o.bias) k = 1;
    }
    if (k > dark[v]!) dark[v] = k;
  }
}
