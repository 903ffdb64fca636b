/**
 * Derives which ICT-FaceKit vertex each of MediaPipe FaceMesh's 468 points lands on, from real photos:
 * every photo's face is analysed (68 landmarks + 468-point mesh), ICT is fitted to the 68 landmarks,
 * each mesh point is cast onto the posed head along the orthographic view, and the hits are pooled
 * in ICT's template space over the photos that see that part of the face squarely. The pooled point
 * snaps to the nearest face vertex. The table it prints is `core/head-model/ict-mediapipe468.ts`;
 * ICT-FaceKit itself has no such correspondence.
 *
 * Run: `node scripts/derive-ict-mediapipe468.mjs <ICT-FaceKit zip> <photo>…`
 */
import { readFileSync } from 'node:fs';
import { HeadModelEvaluator } from '../../core/head-model/head-model-evaluator';
import { importIctFaceKit, zipSourceFiles } from '../../core/head-model/ict-facekit-import';
import type { HeadModel } from '../../core/head-model/head-model';
import { readZip } from '../../core/head-model/zip-read';
import { fitPhotos } from '../../core/reconstruct/fit-photos';
import { buildFitPoints } from '../../core/reconstruct/fit-points';
import { poseHead } from '../../core/geometry/pose-head';
import { opaqueTriangles } from '../../core/geometry/opaque-triangles';
import { rasterizeFit } from '../../core/geometry/rasterize-fit';
import { FaceAnalyzer } from '../perception/face-analyzer';
import { faceToJson, type FaceJson } from '../../core/perception/face-json';
import { observationOf } from '../../core/reconstruct/stages/perceive-stage';
import { parseCanonicalFaceMesh, type CanonicalFaceMesh } from '../../core/starter-head/canonical-face-mesh';
import { readCanonicalFaceMeshAsset } from './starter-pack';

/** Where one photo's mesh point lands on the template: position, weight (facing²), the triangle's corners. */
interface Hit {
  pos: number[];
  w: number;
  /** Corners of the face triangle hit; null when the ray met something else first. */
  corners: number[] | null;
}

/** A hit counts when the surface there faces the camera at least this squarely (normal·view). */
const MIN_FACING = 0.55;

export interface DerivedEmbedding {
  /** ICT vertex per FaceMesh point (468). */
  vertices: number[];
  /** Per point: how many photos' hits were kept, and their RMS spread (metres) around the pooled point. */
  views: number[];
  spread: number[];
}

/**
 * Pools the 468 FaceMesh points of the photos onto ICT-FaceKit (see the file comment).
 *
 * ```ts
 * const { vertices } = await deriveIctMediapipe468('ICT-FaceKit-master.zip', photos);
 * ```
 */
export async function deriveIctMediapipe468(zipPath: string, photos: readonly string[], rounds = 3): Promise<DerivedEmbedding> {
  const { model } = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(zipPath)))));
  const analyzer = new FaceAnalyzer();
  const faces: { width: number; height: number; face: FaceJson }[] = [];
  try {
    for (const file of photos) {
      const result = await analyzer.analyzeFile(file);
      if (result.selected !== null) faces.push({ width: result.width, height: result.height, face: faceToJson(result.faces[result.selected]!) });
    }
  } finally {
    await analyzer.dispose();
  }
  // Round 1 fits the 68 landmarks alone; later rounds add the dense term with the embedding so far,
  // so the posed heads follow the meshes more closely and the hits spread less.
  let embedding: DerivedEmbedding | null = null;
  const mirrorOf = canonicalMirrorPartners(parseCanonicalFaceMesh(await readCanonicalFaceMeshAsset()));
  for (let r = 0; r < rounds; r++) embedding = poolHits(model, faces, embedding && Uint32Array.from(embedding.vertices), mirrorOf);
  return embedding!;
}

function poolHits(model: HeadModel, faces: readonly { width: number; height: number; face: FaceJson }[], dense: Uint32Array | null, mirrorOf: readonly number[]): DerivedEmbedding {
  const fitModel: HeadModel = dense ? { ...model, regions: { ...model.regions, mediapipe468: dense } } : model;
  const points = buildFitPoints(fitModel);
  const ev = new HeadModelEvaluator(model);
  const opaque = opaqueTriangles(model.triangles, model.regions.overlays);
  const inFace = new Uint8Array(model.template.length / 3);
  for (const v of model.regions.face!) inFace[v] = 1;
  const skin = Uint8Array.from({ length: model.triangles.length / 3 }, (_, t) => inFace[model.triangles[t * 3]!]! & inFace[model.triangles[t * 3 + 1]!]! & inFace[model.triangles[t * 3 + 2]!]!);
  const hits: Hit[][] = Array.from({ length: 468 }, () => []);
  {
    for (const { width, height, face } of faces) {
      const obs = observationOf(face);
      if (!obs || !face.mesh468) continue;
      const fit = fitPhotos(points, [obs]);
      const photoFit = fit.photos[0]!;
      const out = poseHead(ev, model, fit.shape, photoFit);
      const raster = rasterizeFit(out.vertices, model.triangles, photoFit.camera, width, height, { maxSide: Math.max(width, height), triangleMask: opaque });
      face.mesh468.forEach(([x, y], k) => {
        const px = Math.floor((x! - raster.originX) / raster.step), py = Math.floor((y! - raster.originY) / raster.step);
        if (px < 0 || py < 0 || px >= raster.width || py >= raster.height) return;
        const t = raster.triangle[py * raster.width + px]!;
        if (t < 0) return;
        const hit = castOnto(model, out.vertices, out.normals, photoFit.camera, t, x!, y!);
        // Teeth behind parted lips or lashes over an eyelid are not the face: such hits only count
        // for points that never land on skin (the eyelid margins), and snap to the nearest face vertex.
        const corners = skin[t] ? [model.triangles[t * 3]!, model.triangles[t * 3 + 1]!, model.triangles[t * 3 + 2]!] : null;
        if (hit.facing >= MIN_FACING) hits[k]!.push({ pos: hit.template, w: hit.facing ** 2, corners });
      });
    }
  }
  const pooled = hits.map((all) => {
    const onSkin = all.filter((h) => h.corners);
    const list = onSkin.length ? onSkin : all;
    if (list.length === 0) throw new Error('a FaceMesh point was seen squarely by no photo: add frontal photos');
    const { mean, kept } = robustMean(list);
    return { mean, kept, corners: onSkin.length ? [...new Set(kept.flatMap((h) => h.corners!))] : null };
  });
  const faceVertices = Array.from(model.regions.face!);
  const mirrorVertex = (v: number) => nearestVertex(model, faceVertices, [-model.template[v * 3]!, model.template[v * 3 + 1]!, model.template[v * 3 + 2]!]);
  const vertices: number[] = [], views: number[] = [], spread: number[] = [];
  pooled.forEach((p, i) => {
    // ICT is left/right symmetric (within 1 mm): average each point with its MediaPipe mirror
    // partner's mirror image, which halves the photos' noise and keeps pairs symmetric.
    const q = pooled[mirrorOf[i]!]!;
    const target = [(p.mean[0]! - q.mean[0]!) / 2, (p.mean[1]! + q.mean[1]!) / 2, (p.mean[2]! + q.mean[2]!) / 2];
    // Snap among the corners of the triangles actually hit (and their mirror images), so a point keeps
    // its surface: upper and lower inner lip lie a hair apart in the closed-mouth template.
    const candidates = p.corners && q.corners ? [...p.corners, ...q.corners.map(mirrorVertex)] : p.corners ?? faceVertices;
    vertices.push(nearestVertex(model, candidates, target));
    views.push(p.kept.length);
    spread.push(Math.sqrt(p.kept.reduce((s, h) => s + dist2(h.pos, p.mean), 0) / p.kept.length));
  });
  return { vertices, views, spread };
}

/** For each canonical FaceMesh point, the point at its mirror position (x → −x); midline points are their own. */
function canonicalMirrorPartners(mesh: CanonicalFaceMesh): number[] {
  const P = mesh.positions;
  return Array.from({ length: 468 }, (_, i) => {
    let best = i, bestD = Infinity;
    for (let k = 0; k < 468; k++) {
      const d = (P[k * 3]! + P[i * 3]!) ** 2 + (P[k * 3 + 1]! - P[i * 3 + 1]!) ** 2 + (P[k * 3 + 2]! - P[i * 3 + 2]!) ** 2;
      if (d < bestD) (bestD = d), (best = k);
    }
    return best;
  });
}

function nearestVertex(model: HeadModel, candidates: readonly number[], p: readonly number[]): number {
  let best = -1, bestD = Infinity;
  for (const v of candidates) {
    const d = (model.template[v * 3]! - p[0]!) ** 2 + (model.template[v * 3 + 1]! - p[1]!) ** 2 + (model.template[v * 3 + 2]! - p[2]!) ** 2;
    if (d < bestD) (bestD = d), (best = v);
  }
  return best;
}

/** The template-space point under a photo position on triangle t, and how squarely it faces the camera. */
function castOnto(model: HeadModel, vertices: Float32Array, normals: Float32Array, camera: { scale: number; tx: number; ty: number }, t: number, x: number, y: number) {
  const c = [0, 1, 2].map((k) => model.triangles[t * 3 + k]!);
  const P = c.map((v) => [camera.scale * vertices[v * 3]! + camera.tx, -camera.scale * vertices[v * 3 + 1]! + camera.ty]);
  const area = (P[1]![0]! - P[0]![0]!) * (P[2]![1]! - P[0]![1]!) - (P[1]![1]! - P[0]![1]!) * (P[2]![0]! - P[0]![0]!);
  const wb = ((x - P[0]![0]!) * (P[2]![1]! - P[0]![1]!) - (y - P[0]![1]!) * (P[2]![0]! - P[0]![0]!)) / area;
  const wc = ((P[1]![0]! - P[0]![0]!) * (y - P[0]![1]!) - (P[1]![1]! - P[0]![1]!) * (x - P[0]![0]!)) / area;
  const w = [1 - wb - wc, wb, wc].map((v) => Math.min(1, Math.max(0, v)));
  const template = [0, 1, 2].map((d) => c.reduce((s, v, k) => s + w[k]! * model.template[v * 3 + d]!, 0));
  const n = [0, 1, 2].map((d) => c.reduce((s, v, k) => s + w[k]! * normals[v * 3 + d]!, 0));
  return { template, facing: n[2]! / (Math.hypot(n[0]!, n[1]!, n[2]!) || 1) };
}

/**
 * Weighted mean, then again without hits more than 2.5× the median distance (and 1 mm) away: a
 * photo where FaceMesh slipped (seen on a 3/4 view) must not drag the point.
 */
function robustMean(list: readonly Hit[]): { mean: number[]; kept: Hit[] } {
  const mean = (l: readonly Hit[]) => {
    const W = l.reduce((s, h) => s + h.w, 0);
    return [0, 1, 2].map((d) => l.reduce((s, h) => s + h.w * h.pos[d]!, 0) / W);
  };
  const m = mean(list);
  const d = list.map((h) => Math.sqrt(dist2(h.pos, m)));
  const median = [...d].sort((a, b) => a - b)[Math.floor(d.length / 2)]!;
  const kept = list.filter((_, i) => d[i]! <= Math.max(2.5 * median, 0.001));
  return kept.length ? { mean: mean(kept), kept } : { mean: m, kept: [...list] };
}

const dist2 = (a: readonly number[], b: readonly number[]) => (a[0]! - b[0]!) ** 2 + (a[1]! - b[1]!) ** 2 + (a[2]! - b[2]!) ** 2;
