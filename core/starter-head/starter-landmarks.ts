import type { LandmarkSet } from '../head-model/head-model';

/**
 * The 68 iBUG (Multi-PIE) landmarks on MediaPipe's canonical face mesh, in iBUG order: a vertex, or
 * [vertex, weight, vertex, weight…] of one triangle's corners. Brows and eyes sit on the usual
 * MediaPipe → iBUG vertices. The jaw line (on the face's outer contour), nose and mouth are where a
 * 68-point detector marks them on the fitted head: each is the point of the face (on a contour
 * edge for the jaw, on the mid-line for the mid-line points, mirrored for symmetry) whose
 * projection best matched DECA Studio's detected landmarks over jointly fitted photos (London set,
 * front and 3/4 views; a jaw point only where it is on the side turned towards the camera). The
 * usual vertices put the jaw's angle (5, 11) too near the chin and 4, 12 too near the ear, the
 * upper lip's peaks (50, 52) and mid points (49, 53) apart, the lower lip's (55–59) too wide, the
 * nasion and subnasale (27, 33) 0.03–0.05 of the eye-corner distance off. Placed from two people,
 * the other two's fitted 3/4 views against dlib went 0.0594 → 0.0547 and 0.0529 → 0.0479
 * (their detections: 0.0536, 0.0452); placed from all four, the set's 0.0562 → 0.0509 with the
 * contour lines below (tests/unit/reconstruct/fit-dlib-reference.test.ts). The ridge's 28 and 29
 * are not placed from detections but by iBUG's rule, evenly spaced between 27 and 30 (1.18 cm
 * apart): placed from detections they took on the detector's bias, 0.025–0.03 low, and the fit
 * reproduced it (3/4 views' nose 0.044 against the detections' 0.043; now 0.041, frontal 0.019).
 */
export const STARTER_LANDMARKS_68: readonly (number | readonly number[])[] = [
  [127, 0.86, 162, 0.14], [234, 0.93, 93, 0.07], [93, 0.75, 132, 0.25], [132, 0.75, 58, 0.25], [58, 0.65, 172, 0.35], [136, 0.65, 172, 0.35],
  [150, 0.98, 149, 0.02], [176, 0.86, 149, 0.14], [152, 0.98, 148, 0.01, 171, 0.01], [400, 0.86, 378, 0.14], [379, 0.98, 378, 0.02],
  [365, 0.65, 397, 0.35], [288, 0.65, 397, 0.35], [361, 0.75, 288, 0.25], [323, 0.75, 361, 0.25], [454, 0.93, 323, 0.07], [356, 0.86, 389, 0.14],
  70, 63, 105, 66, 107, 336, 296, 334, 293, 300,
  [6, 0.5, 168, 0.5], [197, 0.94, 195, 0.06], [5, 0.8, 195, 0.2], [4, 0.69, 1, 0.31],
  [75, 0.85, 240, 0.12, 99, 0.03], [99, 0.8, 20, 0.17, 60, 0.03], [2, 0.57, 94, 0.43], [328, 0.8, 250, 0.17, 290, 0.03], [305, 0.85, 460, 0.12, 328, 0.03],
  33, 160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380,
  [76, 0.73, 61, 0.14, 185, 0.13], [39, 0.58, 40, 0.36, 92, 0.06], [37, 0.8, 167, 0.16, 39, 0.04], [0, 0.92, 164, 0.08],
  [267, 0.8, 393, 0.16, 269, 0.04], [269, 0.58, 270, 0.36, 322, 0.06], [306, 0.73, 291, 0.14, 409, 0.13],
  [405, 0.48, 321, 0.37, 406, 0.15], [314, 0.75, 406, 0.2, 313, 0.05], [17, 0.77, 18, 0.23], [84, 0.75, 182, 0.2, 83, 0.05], [181, 0.48, 91, 0.37, 182, 0.15],
  [78, 0.4, 62, 0.38, 191, 0.22], [82, 0.65, 41, 0.33, 81, 0.02], [13, 0.81, 12, 0.19], [312, 0.65, 271, 0.33, 311, 0.02],
  [308, 0.4, 292, 0.38, 415, 0.22], [317, 0.71, 402, 0.29], 14, [87, 0.71, 178, 0.29],
];

export interface StarterLandmarkOptions {
  /**
   * Heights of the jaw landmarks' contour candidate lines, in centimetres about each landmark's
   * rest height: ±6 mm every 2 mm. The band of ±4 mm the fitter's vertex candidates come from kept
   * the turned-away end (0 or 16, at the ear) 0.03–0.085 of the eye-corner distance off the
   * detected one on the London set's 3/4 views: the detector follows the visible outline there, on
   * the temple or the cheek, further from the ear's height than the jaw's other points.
   */
  lineHeights: readonly number[];
}

export const STARTER_LANDMARK_DEFAULTS: StarterLandmarkOptions = { lineHeights: [-0.6, -0.4, -0.2, 0, 0.2, 0.4, 0.6] };

/**
 * The starter head's landmark set: the 68 points of {@link STARTER_LANDMARKS_68} as (triangle,
 * barycentric), and contour candidates for the jaw landmarks on the side turned away (1–7 and 10–16;
 * not the chin's 7–9, which stay): where horizontal lines at {@link StarterLandmarkOptions.lineHeights}
 * about the landmark cross the face's edges, between it and the mid-line and not behind it. They
 * replace the fitter's default, the face's vertices within that band: MediaPipe's face has ~1 cm
 * between vertices on the cheek, so bands of vertices left gaps in the traced silhouette and a
 * turned-away landmark between two bands matched a point a tenth of the eye-corner distance off.
 *
 * ```ts
 * const landmarks = starterLandmarkSet(surface.positions, surface.triangles, 468);
 * ```
 */
export function starterLandmarkSet(positions: Float32Array, triangles: Uint32Array, faceVertices: number, options: Partial<StarterLandmarkOptions> = {}): LandmarkSet {
  const o = { ...STARTER_LANDMARK_DEFAULTS, ...options };
  // Triangles by corner set, so a landmark's vertices find the one triangle they share.
  const byVertex = new Map<number, number[]>();
  for (let t = 0; t < triangles.length; t++) {
    const v = triangles[t]!;
    byVertex.set(v, [...(byVertex.get(v) ?? []), Math.floor(t / 3)]);
  }
  const faces = new Uint32Array(68);
  const barycentric = new Float32Array(68 * 3);
  const place = (l: number, entry: number | readonly number[]) => {
    const pairs = typeof entry === 'number' ? [[entry, 1]] : Array.from({ length: entry.length / 2 }, (_, k) => [entry[k * 2]!, entry[k * 2 + 1]!]);
    const f = byVertex.get(pairs[0]![0]!)?.find((t) => pairs.every(([v]) => [0, 1, 2].some((c) => triangles[t * 3 + c] === v)));
    if (f === undefined) throw new Error(`starter landmark ${l}: vertices ${pairs.map((p) => p[0]).join(', ')} share no triangle`);
    faces[l] = f;
    for (const [v, w] of pairs) barycentric[l * 3 + [0, 1, 2].find((c) => triangles[f * 3 + c] === v)!] = w!;
  };
  STARTER_LANDMARKS_68.forEach((entry, l) => place(l, entry));
  return { faces, barycentric, dynamicContour: null, contourCandidates: contourLines(positions, triangles, faceVertices, faces, barycentric, o.lineHeights) };
}

/** Edge crossings of horizontal lines about each side jaw landmark (see {@link starterLandmarkSet}). */
function contourLines(positions: Float32Array, triangles: Uint32Array, faceVertices: number, faces: Uint32Array, barycentric: Float32Array, heights: readonly number[]): NonNullable<LandmarkSet['contourCandidates']> {
  const P = (v: number, d: number) => positions[v * 3 + d]!;
  // Each face edge once, with a triangle it belongs to.
  const edges: [number, number, number][] = [];
  const seen = new Set<number>();
  for (let t = 0; t < triangles.length / 3; t++) {
    for (let k = 0; k < 3; k++) {
      const a = triangles[t * 3 + k]!, b = triangles[t * 3 + ((k + 1) % 3)]!;
      const key = Math.min(a, b) * faceVertices + Math.max(a, b);
      if (a >= faceVertices || b >= faceVertices || seen.has(key)) continue;
      seen.add(key);
      edges.push([a, b, t]);
    }
  }
  const outFaces: number[] = [], outBary: number[] = [], outLandmark: number[] = [];
  for (let l = 0; l < 17; l++) {
    if (l >= 7 && l <= 9) continue;
    const pos = [0, 1, 2].map((d) => [0, 1, 2].reduce((s, c) => s + barycentric[l * 3 + c]! * P(triangles[faces[l]! * 3 + c]!, d), 0));
    const [x, y, z] = pos as [number, number, number];
    for (const h of heights) {
      for (const [a, b, t] of edges) {
        const ya = P(a, 1), yb = P(b, 1);
        if (ya === yb || (ya - (y + h)) * (yb - (y + h)) > 0) continue;
        const s = (y + h - ya) / (yb - ya);
        const px = P(a, 0) + s * (P(b, 0) - P(a, 0)), pz = P(a, 2) + s * (P(b, 2) - P(a, 2));
        if (px * x <= 0 || Math.abs(px) > Math.abs(x) || pz < z) continue;
        const w = [0, 0, 0];
        for (let c = 0; c < 3; c++) w[c] = triangles[t * 3 + c] === a ? 1 - s : triangles[t * 3 + c] === b ? s : 0;
        outFaces.push(t);
        outBary.push(...w);
        outLandmark.push(l);
      }
    }
  }
  return { faces: Uint32Array.from(outFaces), barycentric: Float32Array.from(outBary), landmark: Uint32Array.from(outLandmark) };
}
