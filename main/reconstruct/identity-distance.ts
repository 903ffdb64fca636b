import type { HeadModel } from '../../core/head-model/head-model';
import { embeddingDistance } from '../../core/perception/face-analysis';
import type { RgbImage } from '../../core/perception/image-warp';
import type { OrthoCamera } from '../../core/reconstruct/ortho-camera';
import { renderFitOverlay } from '../../core/reconstruct/render-overlay';
import type { FaceAnalyzer } from '../perception/face-analyzer';

/**
 * How much the fitted head still looks like the person: the head is rendered (shaded, untextured)
 * over the photo in place of the face, the rendered face goes through perception's recognition
 * net, and the result is the embedding distance to the photo's own face (dlib/face-api scale:
 * same person below ~0.6). Null when no face is recognised in the render.
 *
 * ```ts
 * const d = await renderedIdentityDistance(analyzer, model, out.vertices, out.normals, camera, image, face.embedding, face.box);
 * ```
 */
export async function renderedIdentityDistance(
  analyzer: FaceAnalyzer,
  model: HeadModel,
  vertices: Float32Array,
  normals: Float32Array,
  camera: OrthoCamera,
  image: RgbImage,
  photoEmbedding: readonly number[],
  photoBox: readonly number[],
): Promise<number | null> {
  const rgba = renderFitOverlay(model, vertices, normals, camera, image, {}, { opacity: 1, markerRadius: 0 });
  const rgb = new Uint8Array(image.width * image.height * 3);
  for (let i = 0; i < image.width * image.height; i++) rgb.set(rgba.subarray(i * 4, i * 4 + 3), i * 3);
  const result = await analyzer.analyzeImage({ width: image.width, height: image.height, data: rgb });
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
