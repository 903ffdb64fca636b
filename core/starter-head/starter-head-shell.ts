import type { CanonicalFaceMesh } from './canonical-face-mesh';

/**
 * The closed starter-head surface: MediaPipe's canonical face (its 468 vertices first, in their
 * order), a cranium-and-neck shell grown from the face's outer contour, a mouth cavity behind the
 * inner lips and two eyeballs. Units: centimetres, +Y up, face towards +Z.
 */
export interface StarterHeadSurface {
  positions: Float32Array;
  triangles: Uint32Array;
  /** Per-corner UVs (OBJ convention, v up): coords and one index per triangle corner. */
  uvCoords: Float32Array;
  uvTriangles: Uint32Array;
  /** Vertex ranges of each part. */
  parts: { face: [number, number]; shell: [number, number]; mouth: [number, number]; eyeL: [number, number]; eyeR: [number, number] };
  /** Eyeball centres (subject's left at +X). */
  eyeCentres: { left: [number, number, number]; right: [number, number, number] };
  /** Per-vertex "follows the lower lip" source for the mouth cavity (−1 elsewhere). */
  mouthSource: Int32Array;
}

export interface StarterHeadShellOptions {
  /** Shell columns per face-contour edge. */
  columnsPerEdge: number;
  /** Shell rings from the face contour to the back of the head. */
  rings: number;
  eyeballRadius: number;
}

export const STARTER_HEAD_SHELL_DEFAULTS: StarterHeadShellOptions = { columnsPerEdge: 5, rings: 36, eyeballRadius: 1.2 };

/** Inner lip contour (MediaPipe indices), corner to corner: upper then lower. */
export const INNER_LIP_UPPER = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308];
export const INNER_LIP_LOWER = [78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308];
/** Eye openings: upper and lower lid contours, corner to corner. Right = subject's right (−X). */
export const RIGHT_EYE_UPPER = [33, 246, 161, 160, 159, 158, 157, 173, 133];
export const RIGHT_EYE_LOWER = [33, 7, 163, 144, 145, 153, 154, 155, 133];
export const LEFT_EYE_UPPER = [263, 466, 388, 387, 386, 385, 384, 398, 362];
export const LEFT_EYE_LOWER = [263, 249, 390, 373, 374, 380, 381, 382, 362];

type Vec3 = [number, number, number];

/** Where rays for the shell start: inside the skull, behind the face, so the head is star-shaped. */
const HEAD_CENTRE: Vec3 = [0, 0.5, -4.5];

/** UV distance every chart keeps from the atlas's edges: 4 texels of a 1024² texture, the albedo's gutter (see `fillTextureHoles`). */
const ATLAS_MARGIN = 4 / 1024;

/** Distance from HEAD_CENTRE to the skull-and-neck surface along unit direction d. */
function skullRadius(d: Vec3): number {
  // Cranium: an ellipsoid around (0, 3, -5.4) with semi-axes of an adult head (cm).
  const c: Vec3 = [0 - HEAD_CENTRE[0], 3 - HEAD_CENTRE[1], -5.4 - HEAD_CENTRE[2]];
  const a: Vec3 = [8.0, 11.0, 10.0];
  const r1 = rayEllipsoid(d, c, a);
  // Neck: an elliptic cylinder below the skull, ending about 10 cm below the chin.
  const r2 = rayNeck(d, [0, -4.3 - HEAD_CENTRE[2]], [5.8, 5.3], -19.5 - HEAD_CENTRE[1]);
  // Smooth maximum (blend over ~1.5 cm) so the jaw and the nape flow into the neck.
  const k = 1.5;
  const h = Math.max(0, Math.min(1, 0.5 + (0.5 * (r1 - r2)) / k));
  return r2 + (r1 - r2) * h + k * h * (1 - h);
}

/** Ray from the origin along d against an axis-aligned ellipsoid containing the origin. */
function rayEllipsoid(d: Vec3, c: Vec3, a: Vec3): number {
  const dx = d[0] / a[0], dy = d[1] / a[1], dz = d[2] / a[2];
  const ox = -c[0] / a[0], oy = -c[1] / a[1], oz = -c[2] / a[2];
  const A = dx * dx + dy * dy + dz * dz;
  const B = 2 * (ox * dx + oy * dy + oz * dz);
  const C = ox * ox + oy * oy + oz * oz - 1;
  return (-B + Math.sqrt(B * B - 4 * A * C)) / (2 * A);
}

/** Ray from the origin along d against a vertical elliptic cylinder (axis at x=0, z=zc) capped at y=bottom. */
function rayNeck(d: Vec3, axis: [number, number], r: [number, number], bottom: number): number {
  const dx = d[0] / r[0], dz = d[2] / r[1];
  const ox = -axis[0] / r[0], oz = -axis[1] / r[1];
  const A = dx * dx + dz * dz;
  const B = 2 * (ox * dx + oz * dz);
  const C = ox * ox + oz * oz - 1;
  let t = A > 1e-12 ? (-B + Math.sqrt(B * B - 4 * A * C)) / (2 * A) : Infinity;
  if (d[1] < 0) t = Math.min(t, bottom / d[1]);
  // Above the centre the neck does not exist: let the cranium win.
  if (d[1] > 0) t = Math.min(t, 0);
  return Math.max(t, 0);
}

const sub = (a: ArrayLike<number>, b: ArrayLike<number>): Vec3 => [a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!];
const len = (a: Vec3) => Math.hypot(a[0], a[1], a[2]);
const smoothstep = (e0: number, e1: number, x: number) => {
  const t = Math.max(0, Math.min(1, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

/**
 * Builds the closed head surface from the canonical face.
 *
 * ```ts
 * const surface = buildStarterHeadSurface(parseCanonicalFaceMesh(bytes));
 * ```
 */
export function buildStarterHeadSurface(face: CanonicalFaceMesh, options: Partial<StarterHeadShellOptions> = {}): StarterHeadSurface {
  const o = { ...STARTER_HEAD_SHELL_DEFAULTS, ...options };
  const pos: number[] = Array.from(face.positions);
  const tris: number[] = [];
  const uv: number[] = [];
  const uvTris: number[] = [];
  const nFace = face.positions.length / 3;
  const P = (i: number): Vec3 => [pos[i * 3]!, pos[i * 3 + 1]!, pos[i * 3 + 2]!];

  // Face: its own UVs squeezed into the left half of the atlas (MediaPipe's v runs downwards).
  for (let i = 0; i < nFace; i++) uv.push(face.uvs[i * 2]! * 0.5, 1 - face.uvs[i * 2 + 1]!);
  const opening = new Set([...INNER_LIP_UPPER, ...INNER_LIP_LOWER]);
  const eyeR = new Set([...RIGHT_EYE_UPPER, ...RIGHT_EYE_LOWER]);
  const eyeL = new Set([...LEFT_EYE_UPPER, ...LEFT_EYE_LOWER]);
  for (let t = 0; t < face.triangles.length; t += 3) {
    const [a, b, c] = [face.triangles[t]!, face.triangles[t + 1]!, face.triangles[t + 2]!];
    // Cut the mouth and eye openings: triangles spanning only contour vertices of one opening.
    if ([a, b, c].every((v) => opening.has(v)) || [a, b, c].every((v) => eyeR.has(v)) || [a, b, c].every((v) => eyeL.has(v))) continue;
    tris.push(a, b, c);
    uvTris.push(a, b, c);
  }

  // Shell: the face's outer contour, ordered, then rings along meridians of a pole through the face.
  const contour = outerContour(face.triangles, nFace);
  const shellStart = pos.length / 3;
  const B = contour.length;
  const cols = B * o.columnsPerEdge;
  const polar = contour.map((v) => {
    const d = sub(P(v), HEAD_CENTRE);
    return { r: len(d), alpha: Math.acos(d[2] / len(d)), psi: Math.atan2(d[1], d[0]) };
  });
  // Unwrap azimuths so interpolation between neighbours never crosses ±π the short way round wrongly.
  for (let i = 1; i < B; i++) {
    while (polar[i]!.psi - polar[i - 1]!.psi > Math.PI) polar[i]!.psi -= 2 * Math.PI;
    while (polar[i]!.psi - polar[i - 1]!.psi < -Math.PI) polar[i]!.psi += 2 * Math.PI;
  }
  const ringIndex = (ring: number, col: number) => (ring === 0 ? -1 : shellStart + (ring - 1) * cols + (((col % cols) + cols) % cols));
  for (let ring = 1; ring <= o.rings; ring++) {
    const t = ring / (o.rings + 1);
    for (let col = 0; col < cols; col++) {
      const j = Math.floor(col / o.columnsPerEdge);
      const f = (col % o.columnsPerEdge) / o.columnsPerEdge;
      const a = polar[j]!, b = polar[(j + 1) % B]!;
      // The contour winds once around the pole: its last edge closes the turn.
      const bPsi = j + 1 === B ? polar[0]!.psi + Math.sign(polar[B - 1]!.psi - polar[0]!.psi) * 2 * Math.PI : b.psi;
      const psi = a.psi + (bPsi - a.psi) * f;
      const alpha0 = a.alpha + (b.alpha - a.alpha) * f;
      const r0 = a.r + (b.r - a.r) * f;
      const alpha = alpha0 + (Math.PI - alpha0) * t;
      const d: Vec3 = [Math.sin(alpha) * Math.cos(psi), Math.sin(alpha) * Math.sin(psi), Math.cos(alpha)];
      const w = smoothstep(0, 0.42, t);
      const r = r0 + (skullRadius(d) - r0) * w;
      pos.push(HEAD_CENTRE[0] + d[0] * r, HEAD_CENTRE[1] + d[1] * r, HEAD_CENTRE[2] + d[2] * r);
    }
  }
  const backPole = pos.length / 3;
  const back: Vec3 = [0, 0, -1];
  pos.push(HEAD_CENTRE[0], HEAD_CENTRE[1], HEAD_CENTRE[2] - skullRadius(back));

  // Shell UVs: a cylinder-like chart in the right half (u = column, v = ring), with a seam column.
  // It keeps ATLAS_MARGIN off the atlas's edges: exports sample with wrapping (glTF's default), so a
  // chart edge on the border filters with the opposite border's texels — the face chart's, which drew
  // a light line from the ear across the back of the head along the seam column at u = 1.
  const shellUv = (ring: number, col: number) => {
    const index = uv.length / 2;
    uv.push(0.5 + ATLAS_MARGIN + ((0.5 - 2 * ATLAS_MARGIN) * col) / cols, 0.16 + (0.84 - ATLAS_MARGIN) * (1 - ring / (o.rings + 1)));
    return index;
  };
  const shellUvIndex = new Map<number, number>();
  const uvOf = (ring: number, col: number) => {
    const key = ring * (cols + 1) + col;
    let index = shellUvIndex.get(key);
    if (index === undefined) shellUvIndex.set(key, (index = shellUv(ring, col)));
    return index;
  };
  const poleUv = uv.length / 2;
  uv.push(0.75, 0.16);
  // Orientation: faces must wind counter-clockwise seen from outside; decide once from the first quad.
  const faceNormalOut = (a: number, b: number, c: number) => {
    const pa = P(a), pb = P(b), pc = P(c);
    const n = cross(sub(pb, pa), sub(pc, pa));
    const centroid = sub([(pa[0] + pb[0] + pc[0]) / 3, (pa[1] + pb[1] + pc[1]) / 3, (pa[2] + pb[2] + pc[2]) / 3], HEAD_CENTRE);
    return n[0] * centroid[0] + n[1] * centroid[1] + n[2] * centroid[2] > 0;
  };
  const shellTris: [number, number, number, number, number, number][] = [];
  // Bridge from the contour (ring 0) to ring 1: a fan per contour edge.
  for (let j = 0; j < B; j++) {
    const v0 = contour[j]!, v1 = contour[(j + 1) % B]!;
    // The contour's corners take UVs in the shell's chart (ring 0), so no triangle spans two charts.
    const c0 = j * o.columnsPerEdge, c1 = (j + 1) * o.columnsPerEdge;
    for (let s = 0; s < o.columnsPerEdge; s++) {
      const col = c0 + s;
      shellTris.push([v0, ringIndex(1, col), ringIndex(1, col + 1), uvOf(0, c0), uvOf(1, col), uvOf(1, col + 1)]);
    }
    shellTris.push([v0, ringIndex(1, c1), v1, uvOf(0, c0), uvOf(1, c1), uvOf(0, c1)]);
  }
  for (let ring = 1; ring < o.rings; ring++) {
    for (let col = 0; col < cols; col++) {
      const a = ringIndex(ring, col), b = ringIndex(ring, col + 1), c = ringIndex(ring + 1, col + 1), d = ringIndex(ring + 1, col);
      shellTris.push([a, d, c, uvOf(ring, col), uvOf(ring + 1, col), uvOf(ring + 1, col + 1)]);
      shellTris.push([a, c, b, uvOf(ring, col), uvOf(ring + 1, col + 1), uvOf(ring, col + 1)]);
    }
  }
  for (let col = 0; col < cols; col++) {
    shellTris.push([ringIndex(o.rings, col), backPole, ringIndex(o.rings, col + 1), uvOf(o.rings, col), poleUv, uvOf(o.rings, col + 1)]);
  }
  const flip = !faceNormalOut(shellTris[B * (o.columnsPerEdge + 1) + 1]![0], shellTris[B * (o.columnsPerEdge + 1) + 1]![1], shellTris[B * (o.columnsPerEdge + 1) + 1]![2]);
  for (const [a, b, c, ua, ub, uc] of shellTris) {
    if (flip) {
      tris.push(a, c, b);
      uvTris.push(ua, uc, ub);
    } else {
      tris.push(a, b, c);
      uvTris.push(ua, ub, uc);
    }
  }
  const shellEnd = pos.length / 3;
  relaxSeam(pos, tris, shellStart, shellStart + cols * Math.min(o.rings, 10));

  // Mouth cavity: the inner-lip loop extruded back and narrowed, closed at the throat.
  const mouthStart = pos.length / 3;
  const loop = [...INNER_LIP_UPPER, ...INNER_LIP_LOWER.slice(1, -1).reverse()];
  const L = loop.length;
  const lipCentre = loop.map(P).reduce((s, p) => [s[0] + p[0] / loop.length, s[1] + p[1] / loop.length, s[2] + p[2] / loop.length] as Vec3, [0, 0, 0] as Vec3);
  const mouthRings = [
    { back: 0.8, shrink: 0.85 },
    { back: 2.2, shrink: 0.7 },
    { back: 3.6, shrink: 0.45 },
  ];
  const sources: number[] = [];
  for (const ring of mouthRings) {
    for (const v of loop) {
      const p = P(v);
      pos.push(lipCentre[0] + (p[0] - lipCentre[0]) * ring.shrink, lipCentre[1] + (p[1] - lipCentre[1]) * ring.shrink * 1.6, p[2] - ring.back);
      sources.push(v);
    }
  }
  const throat = pos.length / 3;
  pos.push(lipCentre[0], lipCentre[1] - 0.3, lipCentre[2] - 4.3);
  sources.push(-1);
  // The cavity gets its own grid in the atlas (its lip rim included, a seam column at k = L), so
  // no triangle spans two charts or wraps across its own chart.
  const R = mouthRings.length;
  const cavityUv = (r: number, k: number) => uvGridStart + r * (L + 1) + k;
  const uvGridStart = uv.length / 2;
  for (let r = 0; r <= R; r++) for (let k = 0; k <= L; k++) uv.push(0.52 + (0.2 * k) / L, 0.145 - (0.04 * r) / R);
  const throatUv = uv.length / 2;
  uv.push(0.62, 0.1);
  const ringVert = (r: number, k: number) => (r === 0 ? loop[k % L]! : mouthStart + (r - 1) * L + (k % L));
  // Corners as [vertex, uv] pairs.
  const cavity: [number, number][][] = [];
  for (let r = 0; r < R; r++) {
    for (let k = 0; k < L; k++) {
      const a: [number, number] = [ringVert(r, k), cavityUv(r, k)], b: [number, number] = [ringVert(r + 1, k), cavityUv(r + 1, k)];
      const c: [number, number] = [ringVert(r + 1, k + 1), cavityUv(r + 1, k + 1)], d: [number, number] = [ringVert(r, k + 1), cavityUv(r, k + 1)];
      cavity.push([a, b, c], [a, c, d]);
    }
  }
  for (let k = 0; k < L; k++) cavity.push([[ringVert(R, k), cavityUv(R, k)], [throat, throatUv], [ringVert(R, k + 1), cavityUv(R, k + 1)]]);
  // The cavity is seen from inside the mouth: wind it so its normals point into the cavity.
  const inward = (() => {
    const [a, b, c] = cavity[L * 2 + 1]!.map(([v]) => v) as [number, number, number];
    const n = cross(sub(P(b), P(a)), sub(P(c), P(a)));
    const toCentre = sub([lipCentre[0], lipCentre[1], lipCentre[2] - 2], P(a));
    return n[0] * toCentre[0] + n[1] * toCentre[1] + n[2] * toCentre[2] > 0;
  })();
  for (const [a, b, c] of cavity) {
    const tri = inward ? [a!, b!, c!] : [a!, c!, b!];
    tris.push(...tri.map(([v]) => v));
    uvTris.push(...tri.map(([, u]) => u));
  }
  const mouthEnd = pos.length / 3;

  // Eyeballs: spheres behind each eye opening.
  const eyeball = (upper: number[], lower: number[], uOffset: number): { range: [number, number]; centre: Vec3 } => {
    const rim = [...upper, ...lower].map(P);
    const c = rim.reduce((s, p) => [s[0] + p[0] / rim.length, s[1] + p[1] / rim.length, s[2] + p[2] / rim.length] as Vec3, [0, 0, 0] as Vec3);
    const centre: Vec3 = [c[0], c[1], c[2] - o.eyeballRadius + 0.25];
    const start = pos.length / 3;
    const uvStart = uv.length / 2;
    const rings = 12, segs = 16;
    // Vertex 0 is the front pole (the cornea, +Z), then rings 1…rings−1, then the back pole.
    const vertex = (th: number, ph: number, u: number, v: number) => {
      pos.push(centre[0] + o.eyeballRadius * Math.sin(th) * Math.cos(ph), centre[1] + o.eyeballRadius * Math.sin(th) * Math.sin(ph), centre[2] + o.eyeballRadius * Math.cos(th));
      uv.push(uOffset + 0.2 * u, 0.01 + 0.06 * v);
    };
    vertex(0, 0, 0.5, 0);
    for (let i = 1; i < rings; i++) for (let k = 0; k < segs; k++) vertex((Math.PI * i) / rings, (2 * Math.PI * k) / segs, k / segs, i / rings);
    vertex(Math.PI, 0, 0.5, 1);
    const ringVertex = (i: number, k: number) => 1 + (i - 1) * segs + (k % segs);
    const last = 1 + (rings - 1) * segs;
    // A seam column (u = 1) so the triangles closing each ring do not stretch across the chart.
    const seamUvStart = uv.length / 2 - uvStart;
    for (let i = 1; i < rings; i++) uv.push(uOffset + 0.2, 0.01 + (0.06 * i) / rings);
    const uvOfCorner = (local: number, k: number) => (k === segs ? seamUvStart + Math.floor((local - 1) / segs) : local);
    const add = (a: number, b: number, c: number, ka = -1, kb = -1, kc = -1) => {
      tris.push(start + a, start + b, start + c);
      uvTris.push(uvStart + uvOfCorner(a, ka), uvStart + uvOfCorner(b, kb), uvStart + uvOfCorner(c, kc));
    };
    for (let k = 0; k < segs; k++) {
      add(0, ringVertex(1, k), ringVertex(1, k + 1), -1, k, k + 1);
      for (let i = 1; i < rings - 1; i++) {
        add(ringVertex(i, k), ringVertex(i + 1, k), ringVertex(i + 1, k + 1), k, k, k + 1);
        add(ringVertex(i, k), ringVertex(i + 1, k + 1), ringVertex(i, k + 1), k, k + 1, k + 1);
      }
      add(ringVertex(rings - 1, k), last, ringVertex(rings - 1, k + 1), k, -1, k + 1);
    }
    return { range: [start, pos.length / 3], centre };
  };
  const right = eyeball(RIGHT_EYE_UPPER, RIGHT_EYE_LOWER, 0.52);
  const left = eyeball(LEFT_EYE_UPPER, LEFT_EYE_LOWER, 0.76);

  const mouthSource = new Int32Array(pos.length / 3).fill(-1);
  sources.forEach((v, i) => (mouthSource[mouthStart + i] = v));
  return {
    positions: Float32Array.from(pos),
    triangles: Uint32Array.from(tris),
    uvCoords: Float32Array.from(uv),
    uvTriangles: Uint32Array.from(uvTris),
    parts: { face: [0, nFace], shell: [shellStart, shellEnd], mouth: [mouthStart, mouthEnd], eyeL: left.range, eyeR: right.range },
    eyeCentres: { left: left.centre, right: right.centre },
    mouthSource,
  };
}

/**
 * Rounds off the crease where the face meets the grown shell: a few Laplacian passes over the
 * shell's first rings. The face, its contour included, stays exactly as MediaPipe made it.
 */
function relaxSeam(pos: number[], tris: number[], from: number, to: number): void {
  const movable = new Set<number>();
  for (let v = from; v < to; v++) movable.add(v);
  const neighbours = new Map<number, Set<number>>();
  for (let t = 0; t < tris.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const a = tris[t + k]!, b = tris[t + ((k + 1) % 3)]!;
      if (movable.has(a)) (neighbours.get(a) ?? neighbours.set(a, new Set()).get(a)!).add(b);
      if (movable.has(b)) (neighbours.get(b) ?? neighbours.set(b, new Set()).get(b)!).add(a);
    }
  }
  for (let pass = 0; pass < 8; pass++) {
    const next = new Map<number, Vec3>();
    for (const [v, ns] of neighbours) {
      const m: Vec3 = [0, 0, 0];
      for (const n of ns) for (let c = 0; c < 3; c++) m[c]! += pos[n * 3 + c]! / ns.size;
      const w = 0.5;
      next.set(v, [pos[v * 3]! + (m[0] - pos[v * 3]!) * w, pos[v * 3 + 1]! + (m[1] - pos[v * 3 + 1]!) * w, pos[v * 3 + 2]! + (m[2] - pos[v * 3 + 2]!) * w]);
    }
    for (const [v, p] of next) for (let c = 0; c < 3; c++) pos[v * 3 + c] = p[c]!;
  }
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** The face mesh's outer boundary loop (the longest one), ordered along its edges. */
function outerContour(triangles: Uint32Array, n: number): number[] {
  const count = new Map<number, number>();
  const next = new Map<number, number>();
  for (let t = 0; t < triangles.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const a = triangles[t + k]!, b = triangles[t + ((k + 1) % 3)]!;
      const key = Math.min(a, b) * n + Math.max(a, b);
      count.set(key, (count.get(key) ?? 0) + 1);
    }
  }
  for (let t = 0; t < triangles.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const a = triangles[t + k]!, b = triangles[t + ((k + 1) % 3)]!;
      if (count.get(Math.min(a, b) * n + Math.max(a, b)) === 1) next.set(a, b);
    }
  }
  let best: number[] = [];
  const seen = new Set<number>();
  for (const start of next.keys()) {
    if (seen.has(start)) continue;
    const loop: number[] = [];
    for (let v = start; !seen.has(v); v = next.get(v)!) {
      seen.add(v);
      loop.push(v);
    }
    if (loop.length > best.length) best = loop;
  }
  return best;
}
