import { opaqueTriangles } from '../geometry/opaque-triangles';
import { photoDepth } from '../geometry/photo-depth';
import type { Raster } from '../geometry/rasterize-triangles';
import { foldShLight, shadeRgb } from '../geometry/sh-basis';
import type { HeadModel } from '../head-model/head-model';
import { bakePhotoTexture, type TextureView } from '../texture/bake-photo-texture';
import { bakeVertexAlbedo } from '../texture/bake-vertex-albedo';
import { bakeableTriangles } from '../texture/bakeable-triangles';
import { eyeballs, eyeColours, type EyeColours } from '../texture/eye-colours';
import { fillTextureHoles } from '../texture/fill-texture-holes';
import { faceTriangleMask, photometricRms, samplePhotometric, sampleUvTexture, type PhotometricSamples, type PhotometricView, type UvTexture } from './photometric-samples';
import { estimateShLighting } from './sh-lighting';

export interface LightAlbedoOptions {
  /** Size of the returned albedo texture (texels per side). */
  size: number;
  /**
   * Texture size of the alternation's intermediate albedos (at most `size`): the lighting is fitted
   * to the 224-pixel face samples, which see only the albedo's low frequencies, so only the final
   * albedo is baked at `size` — a 1024² texture for export costs one more bake, not a re-solve.
   */
  workingSize: number;
  /** Alternations of lighting (given albedo) and albedo (given lighting) after the constant-albedo start. */
  iterations: number;
  /** Ridge on the higher SH bands, relative to the samples' weight. */
  ridge: number;
  /** Raster size of each face window (DECA renders 224). */
  rasterSide: number;
}

export const LIGHT_ALBEDO_DEFAULTS: LightAlbedoOptions = { size: 512, workingSize: 256, iterations: 2, ridge: 1e-3, rasterSide: 224 };

export interface LightAlbedoResult {
  /** Filled albedo in the model's UV layout; null when the model has no UVs (lighting only). */
  albedo: UvTexture | null;
  /**
   * Per-vertex albedo (V×3, 0…1) for the parts that may not write into the texture (see
   * `bakeableTriangles`: e.g. ICT-FaceKit's eyes and teeth); null when every part has its own UVs.
   */
  vertexAlbedo: Float32Array | null;
  /** The person's sclera and iris colours measured on the eyeballs (see `eyeColours`); null for a model without eyes. */
  eyes: EyeColours | null;
  /** Share of the UV islands' texels some photo saw. */
  coverage: number;
  /** Per view: 27 SH coefficients such that photo ≈ albedo ⊙ shading. */
  lights: Float64Array[];
  /** Per view: RMS of photo − albedo ⊙ shading in the face mask (0…1 colour units). */
  rms: number[];
  /** Per view: the same with a constant albedo (the lighting-only baseline). */
  rmsConstantAlbedo: number[];
  /** Per view: the mask samples (raster, pixels, normals, colours, UVs). */
  samples: PhotometricSamples[];
}

/**
 * The linear half of DECA's coarse stage for a person's photos, with the head geometry fixed: SH
 * lighting per photo and one albedo shared by all of them, by alternating least squares in the face
 * mask. It starts from a constant albedo (lighting carries the skin colour), then bakes the photos
 * divided by their shading into UV space (fused by facing, mirrored, filled), re-solves each photo's
 * lighting against that albedo, and repeats; the last bake is at `size`, the others at `workingSize`.
 * Each photo's depth buffer is rasterised once and shared by every bake. The scale ambiguity between
 * albedo and light is fixed by the start: shading averages 1 over each photo's face, so the albedo
 * keeps the skin's colour.
 *
 * ```ts
 * const { albedo, lights, rms } = solveLightAndAlbedo(model, views, canonicalTriangles, { size: 512 });
 * ```
 */
export function solveLightAndAlbedo(model: HeadModel, views: readonly PhotometricView[], meshTriangles: ArrayLike<number> | null, options: Partial<LightAlbedoOptions> = {}): LightAlbedoResult {
  const o = { ...LIGHT_ALBEDO_DEFAULTS, ...options };
  // Samples need an albedo texel: parts outside the texture (see bakeableTriangles) are left out.
  const faceTris = faceTriangleMask(model);
  if (model.uv) {
    const bakeable = bakeableTriangles(model);
    for (let t = 0; t < faceTris.length; t++) faceTris[t]! &= bakeable[t]!;
  }
  const samples = views.map((v) => samplePhotometric(model, v, faceTris, meshTriangles, { rasterSide: o.rasterSide }));
  const constant = samples.map((s) => estimateShLighting(s.normals, s.colors, o.ridge));
  const rmsConstantAlbedo = constant.map((e) => e.rms);
  if (!model.uv || views.length === 0) return { albedo: null, vertexAlbedo: null, eyes: null, coverage: 0, lights: constant.map((e) => e.light), rms: rmsConstantAlbedo, samples, rmsConstantAlbedo };
  // Shading normalised to a mean of 1 over the face: dividing by it removes the light's direction and
  // fall-off but leaves the mean colour (skin tone) in the albedo.
  let lights = constant.map((e, k) => normaliseLight(e.light, samples[k]!));
  // Visibility does not change while the geometry is fixed: one depth buffer per photo for every bake.
  const opaque = opaqueTriangles(model.triangles, model.regions.overlays);
  const depths = views.map((v) => photoDepth(v.vertices, model.triangles, v.camera, v.photo.width, v.photo.height, { triangleMask: opaque }));
  const textureViews = (light: readonly Float64Array[]) => views.map((v, k) => textureView(v, light[k]!, depths[k]!));
  let albedo: UvTexture = { size: o.size, rgb: new Uint8Array(0) };
  let coverage = 0;
  let rms: number[] = rmsConstantAlbedo;
  const iterations = Math.max(1, o.iterations);
  for (let it = 0; it < iterations; it++) {
    const size = it === iterations - 1 ? o.size : Math.min(o.workingSize, o.size);
    const baked = bakePhotoTexture(model, textureViews(lights), { size });
    coverage = coverageOf(baked.covered, baked.weight);
    albedo = { size, rgb: fillTextureHoles(baked, model) };
    const next = samples.map((s) => {
      const a = sampleUvTexture(albedo, s.uv!);
      return { light: estimateShLighting(s.normals, s.colors, o.ridge, a).light, albedo: a };
    });
    lights = next.map((n) => n.light);
    rms = samples.map((s, k) => photometricRms(s, next[k]!.albedo, lights[k]!));
  }
  const wanted = verticesOutsideTexture(model);
  const perVertex = wanted ? bakeVertexAlbedo(model, textureViews(lights), wanted) : null;
  const eyes = perVertex && eyeballs(model).length ? eyeColours(model, perVertex.albedo, perVertex.seen) : null;
  return { albedo, vertexAlbedo: perVertex?.albedo ?? null, eyes, coverage, lights, rms, rmsConstantAlbedo, samples };
}

function textureView(v: PhotometricView, light: Float64Array, depth: Raster): TextureView {
  return { photo: v.photo, vertices: v.vertices, normals: v.normals, camera: v.camera, light, depth };
}

/** Vertices of drawn (non-overlay) triangles that may not bake into the texture; null when there are none. */
function verticesOutsideTexture(model: HeadModel): Uint8Array | null {
  const bakeable = bakeableTriangles(model);
  const opaque = opaqueTriangles(model.triangles, model.regions.overlays);
  const wanted = new Uint8Array(model.template.length / 3);
  let any = false;
  for (let t = 0; t < bakeable.length; t++) {
    if (bakeable[t] || !opaque[t]) continue;
    for (let k = 0; k < 3; k++) wanted[model.triangles[t * 3 + k]!] = 1;
    any = true;
  }
  return any ? wanted : null;
}

/** Divides a constant-albedo light by its mean shading over the samples, per channel. */
function normaliseLight(light: Float64Array, s: PhotometricSamples): Float64Array {
  const M = s.normals.length / 3;
  const mean = [0, 0, 0];
  const f = foldShLight(light), shade = new Float64Array(3);
  for (let i = 0; i < M; i++) {
    shadeRgb(f, s.normals[i * 3]!, s.normals[i * 3 + 1]!, s.normals[i * 3 + 2]!, shade);
    for (let c = 0; c < 3; c++) mean[c] += shade[c]! / M;
  }
  const out = Float64Array.from(light);
  for (let k = 0; k < 9; k++) for (let c = 0; c < 3; c++) out[k * 3 + c] = light[k * 3 + c]! / Math.max(mean[c]!, 1e-3);
  return out;
}

function coverageOf(covered: Uint8Array, weight: Float32Array): number {
  let n = 0, seen = 0;
  for (let i = 0; i < covered.length; i++) {
    if (!covered[i]) continue;
    n++;
    if (weight[i]! > 0) seen++;
  }
  return n ? seen / n : 0;
}
