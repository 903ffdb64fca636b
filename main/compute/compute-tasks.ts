import type { HeadRigArrays } from '../../core/expression/head-rig';
import type { RigDetailTextures } from '../../core/export/rig-detail-textures';
import type { EyeColours } from '../../core/texture/eye-colours';
import type { HeadMesh, HeadMeshRequest } from '../../core/api/contract';
import type { DecaCode } from '../../core/deca/deca-code';
import type { DecaDisplacementOptions } from '../../core/deca/deca-displacement';
import type { DecaInit } from '../../core/deca/deca-init';
import type { DetailMaps } from '../../core/detail/detail-maps';
import type { DetailPhoto, DetailStageOptions } from '../../core/detail/detail-stage';
import type { HeadModel } from '../../core/head-model/head-model';
import type { FaceJson } from '../../core/perception/face-json';
import type { Affine2D, RgbImage } from '../../core/perception/image-warp';
import type { FitInit, FitOptions, FitResult, PhotoObservation } from '../../core/reconstruct/fit-photos';
import type { FitPoints } from '../../core/reconstruct/fit-points';
import type { Pin } from '../../core/reconstruct/photo-pins';
import type { PinRefit } from '../../core/reconstruct/stages/pin-refit-stage';
import type { PhotoFit } from '../../core/geometry/ortho-camera';
import type { SurfacePoint } from '../../core/geometry/pick-surface';
import type { UvTexture } from '../../core/reconstruct/photometric-samples';
import type { LightAlbedoOptions } from '../../core/reconstruct/solve-light-albedo';
import type { StagePhoto } from '../../core/reconstruct/stages/light-albedo-stage';
import type { PhotometricPoints } from '../../core/reconstruct/stages/photometric-refine-stage';
import type { DecaDetailResult } from '../deca/deca-detail';
import type { ExportPackHeadOptions } from '../export/export-pack-head';

/**
 * A loaded head-model pack as it travels to the workers: its manifest hash (the cache key) and the
 * model, whose arrays live in SharedArrayBuffers (one copy per process).
 */
export interface PackRef {
  key: string;
  model: HeadModel;
}

/** What the fitter needs of a pack, built once per process (shared arrays). */
export interface FitTables {
  points: FitPoints;
  /** The fit points with the photometric block; null when the pack has no UVs. */
  photometric: PhotometricPoints | null;
}

/**
 * A subject's pins as they travel to a fit task: the pack whose mesh the surface pins name, and per
 * observation its pins (null: none). See core/reconstruct/fit-pin-points.ts.
 */
export interface FitPinsRequest {
  pack: PackRef;
  lists: (Pin[] | null)[];
}

/** A solved albedo as it travels back from the light/albedo stage. */
export interface AlbedoMaps {
  texture: UvTexture | null;
  vertexAlbedo: Float32Array | null;
  coverage: number;
  /** The person's sclera and iris colours from the photos (see `eyeColours`); null for a model without eyes. */
  eyes?: EyeColours | null;
}

/** A posed head rendered through a photo's camera. */
export interface FitRenderRequest {
  pack: PackRef;
  shape: number[];
  fit: PhotoFit;
  /** Output size (the photo's size times `k`). */
  width: number;
  height: number;
  k: number;
  /** 'grey': the preview shading with landmarks optional; 'shaded': albedo ⊙ the photo's SH lighting. */
  style: 'grey' | 'shaded';
  /** With 'shaded': the albedo and the photo's light. */
  albedo: AlbedoMaps | null;
  light: number[] | null;
  /** The pack's fit tables, for the model's landmark markers. */
  tables: FitTables | null;
  /** Draw over this image (photo pixels × k) instead of a transparent background. */
  background: RgbImage | null;
  /**
   * With 'shaded': the subject's detail layer (maps at `size`²), drawn with the photo's expression —
   * F(δ_subject, ψ, θ_jaw), DECA's detailed render; null: the coarse surface.
   */
  detail?: (StoredDetail & { size: number }) | null;
  /** Mix of render over background (1 = opaque render). */
  opacity: number;
  /** Landmarks to mark (photo pixels): the photo's (green) and the model's (red). */
  markers: { photo: number[] | null; model: boolean } | null;
}

/** A face for DECA's detail networks: its crop and the coarse code's expression (50) and jaw pose (3, axis-angle). */
export interface DecaDetailCrop {
  image: RgbImage;
  toCrop: Affine2D;
  exp: ArrayLike<number>;
  jaw: ArrayLike<number>;
}

/**
 * A person's solved detail as stored (full maps in the pack's UV layout at the stage's size, metres):
 * what the pack's decoder is learned from.
 */
export interface StoredDetail {
  consensus: Float32Array;
  /** Per expression group, in the pack's group order (see `expressionGroups`). */
  wrinkles: Float32Array[];
  evidence: number[];
}

/** A photo for the swap instrument: its subject's shape and albedo with the photo's fit and light. */
export interface DetailSwapPhoto {
  photoId: number;
  shape: number[];
  photo: DetailPhoto;
  albedo: UvTexture;
  vertexAlbedo: Float32Array | null;
}

/** What the detail stage returns for one subject (maps full-size, metres). */
export interface DetailSolveResult {
  /** 1 where the map carries detail (the pack's detail region at this size). */
  mask: Uint8Array;
  consensus: Float32Array;
  wrinkles: Float32Array[];
  evidence: number[];
  groups: { name: string; drivers: { shape: string; weight: number }[]; jawOpening: number }[];
  /** Per photo: its detail code δ from that photo alone, and the subject's (its consensus encoded). */
  codes: number[][];
  subjectCode: number[];
  /** Per photo: photometric RMS with the coarse normals and with its own detail F(δ, ψ, θ_jaw). */
  rmsCoarse: number[];
  rmsDetail: number[];
  iterations: number;
  codeLength: number;
}

/** Every task a compute worker runs: name → request and result. */
export interface ComputeTasks {
  /** Decodes a photo (EXIF applied; `width`×`height` upright, when known) to RGB, downscaled to `maxSide` when given; k = scale applied. */
  'photo.decode': { req: { path: string; maxSide: number | null; width?: number; height?: number }; res: { image: RgbImage; k: number } };
  /** Reads a pack's files, checks their SHA-256 against the manifest, decodes it into shared arrays. */
  'pack.load': { req: { dir: string; id: string; key: string }; res: HeadModel };
  /** The pack's fitter tables (fit points with and without the photometric block). */
  'pack.tables': { req: { pack: PackRef }; res: FitTables };
  /** Reads a user's head-model download (ICT-FaceKit zip or folder, FLAME .pkl with its extras) and saves it as a pack in `packsDir`; progress is the reading's fraction. */
  'pack.install': { req: { packsDir: string; source: string; flameLandmarks?: string; flameMasks?: string; flameUv?: string }; res: { id: string; name: string } };
  /** The execution providers this machine's onnxruntime offers, and those the loaded sessions run on (inference lane). */
  'inference.providers': { req: Record<string, never>; res: { usable: string[]; active: string[] } };
  /** The face pipeline on a decoded photo (inference lane); `faceIndex` picks the selected face, `mesh: false` skips FaceMesh. */
  'face.analyze': { req: { image: RgbImage; faceIndex?: number; mesh?: boolean }; res: { width: number; height: number; faces: FaceJson[]; selected: number | null } };
  /** DECA's coarse encoder on face crops, its raw codes (inference lane). */
  'deca.code': { req: { encoderFile: string; crops: { image: RgbImage; toCrop: Affine2D }[] }; res: DecaCode[] };
  /** DECA's coarse encoder on each face's crop, mapped onto the pack (inference lane). */
  'deca.encode': { req: { pack: PackRef; encoderFile: string; crops: { image: RgbImage; toCrop: Affine2D }[] }; res: DecaInit[] };
  /**
   * DECA's detail networks installed at `detailDir` on face crops (inference lane): per crop E_detail's
   * code, D_detail's uv_z and DECA's displacement (256², row 0 = v = 1; see DecaDetailResult), and with
   * a FLAME-topology pack that displacement per vertex along the normals (decaDisplacementOnPack).
   */
  'deca.detail': {
    req: { detailDir: string; pack: PackRef | null; crops: DecaDetailCrop[]; options?: Partial<DecaDisplacementOptions> };
    res: (DecaDetailResult & { vertexDisplacement: Float32Array | null })[];
  };
  /** DECA's E_detail (installed at `detailDir`) on face crops (inference lane): a 128-value detail code each. */
  'deca.detail.encode': { req: { detailDir: string; crops: { image: RgbImage; toCrop: Affine2D }[] }; res: Float32Array[] };
  /**
   * DECA's D_detail (installed at `detailDir`) on codes and their expression (50) and jaw (3) (inference lane):
   * per item DECA's displacement (256², row 0 = v = 1, metres; see `decaDisplacement`), and the installed mask.
   */
  'deca.detail.decode': {
    req: { detailDir: string; items: { code: ArrayLike<number>; exp: ArrayLike<number>; jaw: ArrayLike<number> }[]; options?: Partial<DecaDisplacementOptions> };
    res: { displacement: Float32Array[]; mask: Float32Array };
  };
  /** The joint landmark fit (one shared β). */
  'fit.joint': { req: { tables: FitTables; observations: PhotoObservation[]; init: FitInit | null; options: Partial<FitOptions>; pins?: FitPinsRequest | null }; res: FitResult };
  /** Each photo fitted alone, with its landmark error (for the shared shape's cost). */
  'fit.alone': { req: { tables: FitTables; observations: PhotoObservation[]; inits: (FitInit | null)[] | null; options: Partial<FitOptions>; pins?: FitPinsRequest | null }; res: { fits: FitResult[]; nme: number[] } };
  /** The surface point (triangle, barycentric) a photo's fitted head shows at pixel (x, y); null off the head. */
  'fit.pick': { req: { pack: PackRef; shape: number[]; fit: PhotoFit; width: number; height: number; x: number; y: number }; res: SurfacePoint | null };
  /** One pinned photo refitted with the subject's shape held, from its current fit or (null) the rigid guess (the pins' fast path). */
  'fit.refit': { req: { pack: PackRef; tables: FitTables; observation: PhotoObservation; pins: Pin[]; shape: number[]; start: PhotoFit | null; options: Partial<FitOptions> }; res: PinRefit };
  /** Per-photo SH lighting and the shared albedo for a fit. */
  'light.albedo': {
    req: { pack: PackRef; shape: number[]; photos: StagePhoto[]; options: Partial<LightAlbedoOptions> };
    res: AlbedoMaps & { lights: number[][]; rms: number[]; rmsConstantAlbedo: number[] };
  };
  /** DECA's photometric term on the geometry, from the landmark fit (with its own working albedo). */
  'fit.photometric': {
    req: { pack: PackRef; tables: FitTables; observations: PhotoObservation[]; photos: StagePhoto[]; start: FitResult; options: Partial<FitOptions>; pins?: FitPinsRequest | null };
    res: FitResult;
  };
  /** Landmark errors of the final fit and its projected 68 landmarks. */
  'fit.metrics': {
    req: { tables: FitTables; observations: PhotoObservation[]; fit: FitResult; pins?: FitPinsRequest | null };
    res: { nme: number[]; landmarks68: number[][][] };
  };
  /** Identity distance of each photo's textured render to its face (render here, recognition on the inference lane). */
  'fit.identity': {
    req: { pack: PackRef; shape: number[]; photos: (StagePhoto & { light: number[]; box: number[]; embedding: number[] })[]; albedo: AlbedoMaps };
    res: (number | null)[];
  };
  /** A head posed by a fit and rendered through the photo's camera, as PNG bytes. */
  'render.fit': { req: FitRenderRequest; res: Uint8Array };
  /** The reconstructed head for a 3D view: per-corner positions, normals and UVs (see ReconstructedHeadMesh). */
  /** A subject's head as a rig (their shape baked in) the viewer poses itself, with the drawn corners' rig vertices. */
  'head.rig': {
    req: { pack: PackRef; shape: number[]; arkitToExpression: Float32Array | null; detail?: DetailMaps | null; textureSize?: number };
    res: { rig: HeadRigArrays; cornerVertices: Uint32Array; detail?: RigDetailTextures | null };
  };
  /** A head for the 3D views, per drawn corner, with each drawn triangle's part and the eyes' texture (PNG; `eyeColours` or the default eyes). */
  'head.mesh': {
    req: { pack: PackRef; shape: number[]; expression: number[] | null; jaw: number[] | null; eyeColours?: EyeColours | null };
    res: { triangleCount: number; positions: Float32Array; normals: Float32Array; uvs: Float32Array | null; tangents: Float32Array | null; parts: Uint8Array; eyeTexture: Uint8Array | null };
  };
  /** A pack head evaluated and rendered by the preview rasteriser, as PNG bytes. */
  'pack.render': { req: { pack: PackRef; shape: number[]; expression: number[]; pose: number[]; size: number; yawDeg: number; pitchDeg: number }; res: Uint8Array };
  /** The forward model for the head-model page's sliders. */
  'pack.evaluate': { req: { pack: PackRef; request: HeadMeshRequest }; res: Omit<HeadMesh, 'positions' | 'normals' | 'indices' | 'landmarks'> & { positions: Float32Array; normals: Float32Array; indices: Uint32Array | null; landmarks: Float32Array } };
  /**
   * The detail stage for one subject: the joint solve of its photos, then the pack's decoder from it
   * and the other people solved on the pack (`others`), and each photo's code and error.
   */
  'detail.solve': {
    req: { pack: PackRef; size: number; shape: number[]; photos: DetailPhoto[]; albedo: UvTexture; others: StoredDetail[]; options: Partial<Omit<DetailStageOptions, 'shouldStop'>> };
    res: DetailSolveResult;
  };
  /**
   * The swap instrument: the target photo's photometric error with the coarse surface, its own code
   * and the source photo's code (each estimated from its photo alone with the decoder of `people`),
   * and optionally the swapped render over the photo as PNG.
   */
  'detail.swap': {
    req: { pack: PackRef; size: number; people: StoredDetail[]; target: DetailSwapPhoto; source: DetailSwapPhoto; render: boolean };
    res: { coarse: number; own: number; swapped: number; codeLength: number; png: Uint8Array | null };
  };
  /**
   * The detail stage's photometric measure for given detail maps (full, in the pack's UV layout at
   * `size`²): each photo's RMS over its detail texels with the coarse surface and with each of its
   * maps, and optionally one photo rendered with one of its maps (PNG) — what the DECA method's stage
   * and swap measure with.
   */
  'detail.measure': {
    req: { pack: PackRef; size: number; shape: number[]; photos: DetailPhoto[]; albedo: UvTexture; vertexAlbedo: Float32Array | null; maps: Float32Array[][]; render: { photo: number; map: number } | null };
    res: { coarse: number[]; detail: number[][]; png: Uint8Array | null };
  };
  /**
   * A subject's detail normal map for the 3D views as PNG (`textureSize²`, tangent space, OpenGL
   * convention), baked on their neutral head (`shape`); with an expression and jaw, the wrinkles of
   * the groups it activates are added to the static detail, as the photo's detailed render has them.
   */
  'detail.normal': {
    req: { pack: PackRef; shape: number[]; detail: DetailMaps; expression: number[] | null; jaw: number[] | null; textureSize: number };
    res: Uint8Array;
  };
  /** A rigged head as GLB or FBX bytes. */
  'export.head': { req: { pack: PackRef; options: ExportPackHeadOptions }; res: { bytes: Uint8Array; summary: string } };
  /** The 52 ARKit weights of fitted expressions on one pack (through `ict`'s ARKit shapes when given and the pack is not ICT). */
  'expression.arkit': { req: { pack: PackRef; ict: PackRef | null; photos: { shape: number[]; expression: number[]; jaw: number[]; eyeApertures?: { left: number; right: number } | null }[] }; res: { method: string; weights: Float32Array[] } };
}

export type TaskName = keyof ComputeTasks;
