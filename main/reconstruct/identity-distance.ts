import { embeddingDistance } from '../../core/perception/face-analysis';
import type { RgbImage } from '../../core/perception/image-warp';
import type { FaceAnalyzer } from '../perception/face-analyzer';

/**
 * How much the fitted head still looks like the person (DECA's identity check): the head rendered
 * with albedo and lighting and pasted over the photo (see `renderShadedHead`) goes through
 * perception's recognition net, and the result is the embedding distance to the photo's own face
 * (dlib/face-api scale: same person below 0.6). Null when no face is recognised where the photo's was.
 *
 * ```ts
 * const { rgb } = renderShadedHead(model, v, n, camera, photo, albedo, light);
 * const d = await renderedIdentityDistance(analyzer, { ...photo, data: rgb }, face.embedding, face.box);
 * ```
 */
export async function renderedIdentityDistance(analyzer: FaceAnalyzer, render: RgbImage, photoEmbedding: readonly number[], photoBox: readonly number[]): Promise<number | null> {
  const result = await analyzer.analyzeImage(render);
  // The rendered face is the one where the photo's face was.
  const cx = photoBox[0]! + photoBox[2]! / 2, cy = photoBox[1]! + photoBox[3]! / 2;
  let best: number[] | null = null, bestD = Infinity;
  for (const f of result.faces) {
    if (!f.embedding) continue;
    const d = Math.hypot(f.box[0] + f.box[2] / 2 - cx, f.box[1] + f.box[3] / 2 - cy);
    if (d < bestD) (bestD = d), (best = f.embedding);
  }
  if (!best || bestD > photoBox[2]! / 2) return null;
  return embeddingDistance(best, photoEmbedding);
}
