import type { Affine2D } from './image-warp';
import { applyAffine, invertAffine } from './image-warp';

/** A detected face in image pixels. */
export interface FaceDetection {
  /** [x, y, width, height] in image pixels (continuous coordinates). */
  box: [number, number, number, number];
  /** Detector confidence 0..1. */
  score: number;
  /** BlazeFace's six key points in image pixels: two eyes, nose tip, mouth, two ear tragions. */
  keypoints: [number, number][];
}

export interface BlazeFaceDecodeOptions {
  /** Faces scoring below this are dropped. */
  minScore?: number;
  /** Overlap (intersection over union) above which the weaker of two boxes is dropped. */
  iouThreshold?: number;
  maxFaces?: number;
}

export const BLAZEFACE_DECODE_DEFAULTS = { minScore: 0.5, iouThreshold: 0.3, maxFaces: 20 };

/** BlazeFace (full-range, 256×256 input) anchors: a 16×16 grid with 2 per cell, then 8×8 with 6. */
export function blazeFaceAnchors(inputSize = 256): [number, number][] {
  const anchors: [number, number][] = [];
  for (const [stride, perCell] of [
    [inputSize / 16, 2],
    [inputSize / 8, 6],
  ] as const) {
    const cells = Math.ceil(inputSize / stride);
    for (let gy = 0; gy < cells; gy++)
      for (let gx = 0; gx < cells; gx++) for (let n = 0; n < perCell; n++) anchors.push([stride * (gx + 0.5), stride * (gy + 0.5)]);
  }
  return anchors;
}

/** Intersection over union of two [x, y, w, h] boxes. */
export function boxIou(p: readonly number[], q: readonly number[]): number {
  const x0 = Math.max(p[0]!, q[0]!);
  const y0 = Math.max(p[1]!, q[1]!);
  const x1 = Math.min(p[0]! + p[2]!, q[0]! + q[2]!);
  const y1 = Math.min(p[1]! + p[3]!, q[1]! + q[3]!);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = p[2]! * p[3]! + q[2]! * q[3]! - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Turns BlazeFace's raw outputs (score logits and 16 regressors per anchor, the 512 fine anchors
 * first, then the 384 coarse ones) into face detections in image pixels. `toInput` is the map from
 * image pixels to the model's 256×256 input (the letterbox).
 *
 * ```ts
 * const faces = decodeBlazeFace(scores, boxes, squareCrop(w / 2, h / 2, Math.max(w, h), 256));
 * ```
 */
export function decodeBlazeFace(scores: Float32Array, boxes: Float32Array, toInput: Affine2D, options: BlazeFaceDecodeOptions = {}): FaceDetection[] {
  const { minScore, iouThreshold, maxFaces } = { ...BLAZEFACE_DECODE_DEFAULTS, ...options };
  const anchors = blazeFaceAnchors(256);
  if (scores.length !== anchors.length || boxes.length !== anchors.length * 16) {
    throw new Error(`decodeBlazeFace: expected ${anchors.length} scores and ${anchors.length * 16} regressors, got ${scores.length} and ${boxes.length}`);
  }
  const toImage = invertAffine(toInput);
  const scale = Math.sqrt(Math.abs(toImage.a * toImage.d - toImage.b * toImage.c));
  const candidates: FaceDetection[] = [];
  for (let i = 0; i < anchors.length; i++) {
    // Clamp the logit as MediaPipe does, so an extreme value cannot overflow exp().
    const logit = Math.max(-100, Math.min(100, scores[i]!));
    const score = 1 / (1 + Math.exp(-logit));
    if (score < minScore) continue;
    const [ax, ay] = anchors[i]!;
    const r = boxes.subarray(i * 16, i * 16 + 16);
    const [cx, cy] = applyAffine(toImage, ax + r[0]!, ay + r[1]!);
    const w = r[2]! * scale;
    const h = r[3]! * scale;
    const keypoints: [number, number][] = [];
    for (let k = 0; k < 6; k++) keypoints.push(applyAffine(toImage, ax + r[4 + 2 * k]!, ay + r[5 + 2 * k]!));
    candidates.push({ box: [cx - w / 2, cy - h / 2, w, h], score, keypoints });
  }
  candidates.sort((p, q) => q.score - p.score);
  const kept: FaceDetection[] = [];
  for (const c of candidates) {
    if (kept.length >= maxFaces) break;
    if (kept.every((k) => boxIou(k.box, c.box) <= iouThreshold)) kept.push(c);
  }
  return kept;
}
