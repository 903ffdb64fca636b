import type { HeadModel } from '../head-model/head-model';
import { templateEyeSpan, templateLandmark } from './template-landmarks';

export interface NeckRegionOptions {
  /**
   * Depth (eye-corner distances) under the jaw line from which the neck begins: above it the jaw's
   * underside, where a beard or a shadow is the person's own (≈ 3 cm on an adult head)…
   */
  below: number;
  /** …with membership rising smoothly from 0 to 1 over this many eye-corner distances further down. */
  ramp: number;
}

export const NECK_REGION_DEFAULTS: NeckRegionOptions = { below: 0.35, ramp: 0.25 };

/**
 * Per vertex, how much it is the neck and what lies below it (0…1): its depth under the jaw line —
 * the polyline through landmarks 2…14 at the vertex's x (held level past its ends, round the nape)
 * — past `below`, rising to 1 over `ramp`. There the photos see the person's collar, shirt, scarf or
 * the hair falling over their shoulders on a head model's bare neck and shoulders, which the
 * person's own neck does not fill (the starter head's neck is long; ICT-FaceKit's reaches the
 * shoulders). All 0 for a model without the 68 landmarks.
 *
 * ```ts
 * const neck = neckRegion(model); // neck[v] === 1: v is well below the jaw
 * ```
 */
export function neckRegion(model: HeadModel, options: Partial<NeckRegionOptions> = {}): Float32Array {
  const o = { ...NECK_REGION_DEFAULTS, ...options };
  const V = model.template.length / 3, P = model.template;
  const out = new Float32Array(V);
  if (model.landmarks.faces.length < 68) return out;
  const s = templateEyeSpan(model);
  const jaw = Array.from({ length: 13 }, (_, k) => templateLandmark(model, k + 2)).sort((a, b) => a[0] - b[0]);
  for (let v = 0; v < V; v++) {
    const x = P[v * 3]!;
    let jy: number;
    if (x <= jaw[0]![0]) jy = jaw[0]![1];
    else if (x >= jaw[12]![0]) jy = jaw[12]![1];
    else {
      let k = 0;
      while (jaw[k + 1]![0] < x) k++;
      const f = (x - jaw[k]![0]) / Math.max(1e-9, jaw[k + 1]![0] - jaw[k]![0]);
      jy = jaw[k]![1] + f * (jaw[k + 1]![1] - jaw[k]![1]);
    }
    const t = Math.min(1, Math.max(0, ((jy - P[v * 3 + 1]!) / s - o.below) / o.ramp));
    out[v] = t * t * (3 - 2 * t);
  }
  return out;
}
