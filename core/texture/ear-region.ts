import type { HeadModel } from '../head-model/head-model';
import { HEAD_PART, triangleParts } from '../head-model/triangle-parts';
import { skinEdges } from './skin-edges';
import { surfaceDistance } from './surface-distance';
import { templateEyeSpan as eyeSpan, templateLandmark as landmark } from './template-landmarks';

export interface EarRegionOptions {
  /**
   * Candidates lie at least this share of landmark 0's / 16's distance from the mid-plane (|x|): the
   * ears are beside the jaw's top, the face's own folds (lips, nostrils, eyelids) far nearer the middle.
   */
  lateral: number;
  /** Candidates lie from this many eye-corner distances below the nose's base (landmark 33) … */
  below: number;
  /** … to this many above the brows (landmarks 19, 24) … */
  above: number;
  /** … and at most this many in front of the jaw's top (landmarks 0, 16): the ear is behind the cheek. */
  front: number;
  /** The rays' centre lies this many eye-corner distances behind the middle of landmarks 0 and 16 (inside the skull, between the ears). */
  centreBack: number;
  /** A crossing nearer than this (eye-corner distances) to the vertex along its ray is the vertex's own surface. */
  ownSurface: number;
  /** Morphological closing radius over the surface (eye-corner distances): takes in the concha, which the flap does not overhang. */
  closeRadius: number;
  /** Width (eye-corner distances) outside the closed region over which membership falls from 1 to 0: the ear's root, and the rim of skin round it. */
  ramp: number;
}

export const EAR_REGION_DEFAULTS: EarRegionOptions = { lateral: 0.75, below: 0.35, above: 0.3, front: 0.1, centreBack: 0.25, ownSurface: 0.004, closeRadius: 0.28, ramp: 0.08 };

const cache = new WeakMap<HeadModel, Float32Array>();

/**
 * Per vertex, how much it belongs to an ear (0…1): the skin beside the head, behind the jaw's top
 * (landmarks 0 and 16), that is not the outermost surface along the ray from a point between the
 * ears — the pinna sticks out of the skull, so a ray through it also crosses the skull (and one
 * through the skull under it crosses the pinna; both layers count) — closed over the surface so the
 * concha, which nothing overhangs, is in too: 1 there, falling smoothly to 0 over `ramp` round it
 * (the ear's root: ICT-FaceKit's ears are fitted ~2 cm behind most people's, their lobes and tragi
 * seen by no ray twice). (On ICT-FaceKit the ray test alone found only the pinna's back: its front and
 * concha lie no farther out than the cheek.) Found
 * from the template's geometry and its 68-landmark embedding only, so any pack with ears of its own
 * (ICT-FaceKit, FLAME) has them; a head whose ears are only painted on a star-shaped shell (the
 * starter head) or a model without the 68 landmarks has none (all 0). Cached per model for the defaults.
 *
 * ```ts
 * const ear = earRegion(model); // ear[v] === 1: vertex v is on a pinna
 * ```
 */
export function earRegion(model: HeadModel, options: Partial<EarRegionOptions> = {}): Float32Array {
  const defaults = Object.keys(options).length === 0;
  const hit = defaults ? cache.get(model) : undefined;
  if (hit) return hit;
  const o = { ...EAR_REGION_DEFAULTS, ...options };
  const V = model.template.length / 3;
  const out = new Float32Array(V);
  if (model.landmarks.faces.length >= 68) {
    const layered = layeredVertices(model, o);
    const closed = closeOverSurface(model, layered, o.closeRadius * eyeSpan(model));
    const { offset, neighbour, length } = skinEdges(model);
    const rampLength = o.ramp * eyeSpan(model);
    const d = surfaceDistance(offset, neighbour, length, closed, rampLength);
    for (let v = 0; v < V; v++) {
      const x = Math.min(1, d[v]! / rampLength);
      out[v] = 1 - x * x * (3 - 2 * x);
    }
  }
  if (defaults) cache.set(model, out);
  return out;
}

export interface EarSurroundingsOptions {
  /** Width (eye-corner distances) of the ring of skin round a pinna whose photo colour is not trusted… */
  ring: number;
  /** …after which trust comes back smoothly over this width. */
  fade: number;
}

export const EAR_SURROUNDINGS_DEFAULTS: EarSurroundingsOptions = { ring: 0.25, fade: 0.12 };

const surroundingsCache = new WeakMap<HeadModel, Float32Array>();

/**
 * Per vertex, how much it lies in the ring of skin round a pinna (see `earRegion`; 0 on the pinna,
 * 1 within `ring` of it over the surface, falling smoothly to 0 over `fade`). The fitted pinna sits
 * where the head model's prior puts it (on ICT-FaceKit ~1–2 cm behind most people's ear), so the
 * photos paint the person's ear on the side of the head in front of or round it — a second, flat ear
 * (London p002, p005, p021 in profile). Photo colour in the ring is therefore not trusted: the
 * surface fill carries the colours round it (hair above, cheek in front, the ear's skin) across it
 * instead. All 0 on a head without pinnae of its own (the starter head paints the ear there on purpose).
 * Cached per model for the defaults.
 *
 * ```ts
 * const ring = earSurroundings(model); // ring[v] === 1: v's photo colour may be the person's misplaced ear
 * ```
 */
export function earSurroundings(model: HeadModel, options: Partial<EarSurroundingsOptions> = {}): Float32Array {
  const defaults = Object.keys(options).length === 0;
  const hit = defaults ? surroundingsCache.get(model) : undefined;
  if (hit) return hit;
  const o = { ...EAR_SURROUNDINGS_DEFAULTS, ...options };
  const ear = earRegion(model);
  const V = ear.length;
  const out = new Float32Array(V);
  const core = new Uint8Array(V);
  let any = false;
  for (let v = 0; v < V; v++) if (ear[v]! > 0) (core[v] = 1), (any = true);
  if (any) {
    const s = eyeSpan(model);
    const { offset, neighbour, length } = skinEdges(model);
    const d = surfaceDistance(offset, neighbour, length, core, (o.ring + o.fade) * s);
    for (let v = 0; v < V; v++) {
      if (core[v] || !Number.isFinite(d[v]!)) continue;
      const x = Math.min(1, Math.max(0, (d[v]! / s - o.ring) / o.fade));
      out[v] = 1 - x * x * (3 - 2 * x);
    }
  }
  if (defaults) surroundingsCache.set(model, out);
  return out;
}

export interface PaintedEarOptions {
  /** The ear's centre behind the jaw's top (landmarks 0, 16), in eye-corner distances… */
  back: number;
  /** …and below it. */
  down: number;
  /** Semi-axes (eye-corner distances) of the ellipse round it over the side of the head: height… */
  height: number;
  /** …and depth (front to back). */
  depth: number;
  /** Share of the ellipse's radius from which membership falls smoothly to 0 at its edge. */
  core: number;
}

export const PAINTED_EAR_DEFAULTS: PaintedEarOptions = { back: 0.5, down: 0.15, height: 0.45, depth: 0.5, core: 0.6 };

/**
 * Per vertex, how much it lies where the photos paint a person's ear on a head without pinnae of its
 * own (see `earRegion`; the starter head's star-shaped shell): an ellipse over each side of the head
 * round the ear's usual place behind and below the jaw's top (landmarks 0 and 16), membership 1 in
 * its `core` and falling smoothly to 0 at its edge. All 0 for a model without the 68 landmarks.
 *
 * ```ts
 * const painted = earRegion(model).some((m) => m > 0) ? null : paintedEarRegion(model);
 * ```
 */
export function paintedEarRegion(model: HeadModel, options: Partial<PaintedEarOptions> = {}): Float32Array {
  const o = { ...PAINTED_EAR_DEFAULTS, ...options };
  const V = model.template.length / 3, P = model.template;
  const out = new Float32Array(V);
  if (model.landmarks.faces.length < 68) return out;
  const s = eyeSpan(model);
  const l0 = landmark(model, 0), l16 = landmark(model, 16);
  const mid = (l0[0] + l16[0]) / 2;
  for (const jaw of [l0, l16]) {
    const side = Math.sign(jaw[0] - mid) || 1;
    const cy = jaw[1] - o.down * s, cz = jaw[2] - o.back * s, minX = EAR_REGION_DEFAULTS.lateral * Math.abs(jaw[0] - mid);
    for (let v = 0; v < V; v++) {
      if (side * (P[v * 3]! - mid) < minX) continue;
      const r = Math.hypot((P[v * 3 + 1]! - cy) / (o.height * s), (P[v * 3 + 2]! - cz) / (o.depth * s));
      const x = Math.min(1, Math.max(0, (r - o.core) / (1 - o.core)));
      out[v] = Math.max(out[v]!, 1 - x * x * (3 - 2 * x));
    }
  }
  return out;
}

type Vec3 = [number, number, number];

/** Angular bins per side and axis for the ray–triangle search. */
const BINS = 64;

/**
 * Candidate vertices (see the options) whose ray from the centre crosses skin elsewhere than at the
 * vertex. Rays are binned by their direction's two angles seen from each side (continuous there:
 * a side's rays all point away from the mid-plane), so each is tested only against the triangles
 * whose angular box holds it.
 */
function layeredVertices(model: HeadModel, o: EarRegionOptions): Uint8Array {
  const V = model.template.length / 3, P = model.template, tri = model.triangles, T = tri.length / 3;
  const parts = triangleParts(model);
  const s = eyeSpan(model);
  const l0 = landmark(model, 0), l16 = landmark(model, 16), l33 = landmark(model, 33), l19 = landmark(model, 19), l24 = landmark(model, 24);
  const C: Vec3 = [(l0[0] + l16[0]) / 2, (l0[1] + l16[1]) / 2, (l0[2] + l16[2]) / 2 - o.centreBack * s];
  const xMin = o.lateral * (Math.abs(l0[0]) + Math.abs(l16[0])) / 2;
  const yLo = l33[1] - o.below * s, yHi = Math.max(l19[1], l24[1]) + o.above * s, zHi = Math.max(l0[2], l16[2]) + o.front * s;
  const skinVertex = new Uint8Array(V);
  for (let t = 0; t < T; t++) if (parts[t] === HEAD_PART.skin) for (let k = 0; k < 3; k++) skinVertex[tri[t * 3 + k]!] = 1;
  const candidate = (v: number) => skinVertex[v] && Math.abs(P[v * 3]! - C[0]) >= xMin && P[v * 3 + 1]! >= yLo && P[v * 3 + 1]! <= yHi && P[v * 3 + 2]! <= zHi;
  const out = new Uint8Array(V);
  const half = Math.PI / 2, scale = BINS / Math.PI;
  const angles = (x: number, y: number, z: number, side: number, a: number[]) => {
    const lx = side * (x - C[0]);
    a[0] = Math.atan2(y - C[1], lx);
    a[1] = Math.atan2(z - C[2], lx);
  };
  const bin = (a: number) => Math.min(BINS - 1, Math.max(0, Math.floor((a + half) * scale)));
  const ang = [0, 0];
  for (const side of [-1, 1]) {
    // Bins of the skin triangles wholly on this side's half (a triangle across the mid-plane is no ear's).
    const cells: number[][] = Array.from({ length: BINS * BINS }, () => []);
    for (let t = 0; t < T; t++) {
      if (parts[t] !== HEAD_PART.skin) continue;
      let lo0 = Infinity, hi0 = -Infinity, lo1 = Infinity, hi1 = -Infinity, ok = true;
      for (let k = 0; k < 3; k++) {
        const v = tri[t * 3 + k]! * 3;
        if (side * (P[v]! - C[0]) <= 0) ok = false;
        angles(P[v]!, P[v + 1]!, P[v + 2]!, side, ang);
        (lo0 = Math.min(lo0, ang[0]!)), (hi0 = Math.max(hi0, ang[0]!)), (lo1 = Math.min(lo1, ang[1]!)), (hi1 = Math.max(hi1, ang[1]!));
      }
      if (!ok) continue;
      for (let i = bin(lo0); i <= bin(hi0); i++) for (let j = bin(lo1); j <= bin(hi1); j++) cells[i * BINS + j]!.push(t);
    }
    for (let v = 0; v < V; v++) {
      if (!candidate(v) || side * (P[v * 3]! - C[0]) <= 0) continue;
      const dx = P[v * 3]! - C[0], dy = P[v * 3 + 1]! - C[1], dz = P[v * 3 + 2]! - C[2];
      const r = Math.hypot(dx, dy, dz);
      angles(P[v * 3]!, P[v * 3 + 1]!, P[v * 3 + 2]!, side, ang);
      for (const t of cells[bin(ang[0]!) * BINS + bin(ang[1]!)]!) {
        const a = tri[t * 3]!, b = tri[t * 3 + 1]!, c = tri[t * 3 + 2]!;
        if (a === v || b === v || c === v) continue;
        const hit = rayTriangle(C, dx / r, dy / r, dz / r, P, a, b, c);
        // Both layers are the ear's: the crossed triangle too (the pinna's front over the skull, its back over the concha's rim).
        if (hit > 0 && Math.abs(hit - r) > o.ownSurface * s) (out[v] = 1), (out[a] = 1), (out[b] = 1), (out[c] = 1);
      }
    }
  }
  return out;
}

/** Distance along the unit ray from `o` to triangle (a, b, c) of P (Möller–Trumbore), or −1 when it misses. */
function rayTriangle(o: Vec3, dx: number, dy: number, dz: number, P: Float32Array, a: number, b: number, c: number): number {
  const ax = P[a * 3]!, ay = P[a * 3 + 1]!, az = P[a * 3 + 2]!;
  const e1x = P[b * 3]! - ax, e1y = P[b * 3 + 1]! - ay, e1z = P[b * 3 + 2]! - az;
  const e2x = P[c * 3]! - ax, e2y = P[c * 3 + 1]! - ay, e2z = P[c * 3 + 2]! - az;
  const px = dy * e2z - dz * e2y, py = dz * e2x - dx * e2z, pz = dx * e2y - dy * e2x;
  const det = e1x * px + e1y * py + e1z * pz;
  if (Math.abs(det) < 1e-14) return -1;
  const inv = 1 / det;
  const sx = o[0] - ax, sy = o[1] - ay, sz = o[2] - az;
  const u = (sx * px + sy * py + sz * pz) * inv;
  if (u < 0 || u > 1) return -1;
  const qx = sy * e1z - sz * e1y, qy = sz * e1x - sx * e1z, qz = sx * e1y - sy * e1x;
  const w = (dx * qx + dy * qy + dz * qz) * inv;
  if (w < 0 || u + w > 1) return -1;
  return (e2x * qx + e2y * qy + e2z * qz) * inv;
}

/** Closing over the skin's surface: the vertices within `radius` of the set, less those within `radius` of what that leaves out. */
function closeOverSurface(model: HeadModel, set: Uint8Array, radius: number): Uint8Array {
  const { offset, neighbour, length } = skinEdges(model);
  const V = set.length;
  const grown = surfaceDistance(offset, neighbour, length, set, radius);
  const outside = new Uint8Array(V);
  for (let v = 0; v < V; v++) outside[v] = grown[v]! <= radius ? 0 : 1;
  // Only vertices near the grown set can be eroded: the rest stay outside.
  const shrink = surfaceDistance(offset, neighbour, length, outside, radius);
  const out = new Uint8Array(V);
  for (let v = 0; v < V; v++) out[v] = !outside[v] && shrink[v]! > radius ? 1 : 0;
  return out;
}
