/**
 * The one API contract between the studio's services (main/) and its UI (renderer/).
 *
 * Every method is a typed request → response pair. The same contract is served over
 * Electron IPC (through preload's contextBridge) and over the browser-mode HTTP server,
 * so the renderer never knows which transport it talks to.
 */

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'tiff';
export const IMAGE_FORMATS: readonly ImageFormat[] = ['jpeg', 'png', 'webp', 'tiff'];

export type PhotoStatus = 'imported' | 'analyzed' | 'reconstructed' | 'failed';

export interface ProjectInfo {
  /** Absolute path of the project folder (e.g. `/home/ann/Portraits.decastudio`). */
  path: string;
  name: string;
  schemaVersion: number;
  subjectCount: number;
  photoCount: number;
  /** True when this process holds the project's write lock. */
  writable: boolean;
}

export interface SubjectSummary {
  id: number;
  name: string;
  notes: string;
  createdAt: string;
  photoCount: number;
  /** SHA-256 of the first photo, for a cover thumbnail; null when the subject is empty. */
  coverSha256: string | null;
}

export interface PhotoSummary {
  id: number;
  subjectId: number;
  sha256: string;
  originalName: string;
  /** Pixel size after EXIF orientation is applied. */
  width: number;
  height: number;
  format: ImageFormat;
  byteSize: number;
  importedAt: string;
  status: PhotoStatus;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
export type JobKind = 'import' | 'export' | 'analyze' | 'reconstruct' | 'detail' | 'clip';

export interface JobInfo {
  id: number;
  kind: JobKind;
  state: JobState;
  /** Items finished (any outcome) and items in total; total is 0 until known. */
  done: number;
  total: number;
  error: string | null;
  /** The subject the job works on, when it works on one. */
  subjectId: number | null;
  createdAt: string;
  updatedAt: string;
}

/** What a job item is about: a file given to an import, a photo, a stage of the work, or a written file. */
export type JobItemKind = 'file' | 'photo' | 'stage' | 'output';
export type JobItemOutcome = 'done' | 'skipped' | 'failed';

/**
 * One finished piece of a job, whatever the job's kind: an imported file ('done' = imported), a
 * photo analysed or fitted, a reconstruction stage (with its seconds), the file an export wrote.
 */
export interface JobItem {
  kind: JobItemKind;
  /** file: the path or upload name as given; photo: its file name; stage: the stage's name; output: the file written. */
  name: string;
  outcome: JobItemOutcome;
  subjectId: number | null;
  photoId: number | null;
  /** Machine-readable reason (an ImportErrorCode for files). */
  code: string | null;
  message: string | null;
  /** How long it took, for stages. */
  seconds: number | null;
}

export type ImportOutcome = 'imported' | 'skipped' | 'failed';

/** Machine-readable reasons a file was not imported. */
export type ImportErrorCode =
  | 'empty-file'
  | 'not-an-image'
  | 'unsupported-format'
  | 'too-many-pixels'
  | 'corrupt-image'
  | 'too-large'
  | 'unreadable'
  | 'disk-full'
  | 'duplicate';

/** One file's outcome in an import (a job item of kind 'file'; the CLI prints these). */
export interface ImportFileResult {
  /** The path or upload name the file came from, as the user gave it. */
  source: string;
  outcome: ImportOutcome;
  photoId: number | null;
  code: ImportErrorCode | null;
  message: string | null;
}

/** One detected face as the UI draws it over its photo (original-image pixels, EXIF applied). */
export interface FaceOverlay {
  /** [x, y, width, height]. */
  box: number[];
  score: number;
  /** 'ok', or why there are no points ('too_small', 'profile', 'landmarks_failed'). */
  status: string;
  landmarks68: number[][] | null;
  /** 468 × [x, y, z]. */
  mesh468: number[][] | null;
  pose: { yaw: number; pitch: number; roll: number } | null;
  /**
   * A profile's landmarks read off its silhouette ([iBUG index, x, y]); null for a profile whose
   * silhouette could not be read (it needs pins); absent on other faces.
   */
  profile?: { points: number[][] } | null;
}

export interface PhotoFaces {
  photoId: number;
  /** The face later stages use; null when no face is usable. */
  selectedFace: number | null;
  faces: FaceOverlay[];
  analyzedAt: string;
}

/** A subject's newest reconstruction on one pack (what the export dialog offers to export). */
export interface SubjectReconstruction {
  packId: string;
  reconstructionId: number;
  /** Photos it was solved from. */
  photoCount: number;
  createdAt: string;
}

/** A photo's coarse reconstruction as the viewer shows it. */
export interface ReconstructionView {
  photoId: number;
  packId: string;
  /** 68-landmark error ÷ outer-eye-corner distance, with the subject's shared shape and alone. */
  nme: number;
  nmeSingle: number;
  /** How many photos were solved together with one shared shape. */
  jointPhotoCount: number;
  /** The model's 68 landmarks projected into the photo (pixels). */
  modelLandmarks68: number[][];
  /** RMS of photo − albedo ⊙ shading in the face mask (0…1 colour units), when lighting was solved. */
  photometricRms: number | null;
  /** Face-recognition distance between the textured render and the photo (same person below 0.6), when measured. */
  identityDistance: number | null;
  /** After the detail stage: photometric RMS over the photo's detail texels, coarse and with its own detail; null before. */
  detail: { photometricRmsCoarse: number; photometricRmsDetail: number } | null;
  subjectId: number;
  createdAt: string;
}

/** Where a photo stands in its subject's review: not analysed yet, analysed, fitted on the pack, or left out of the fit and why. */
export type PhotoReviewState = 'imported' | 'analysed' | 'fitted' | 'rejected';

/** One photo in the subject review's filmstrip: its state on the reviewed pack and its error badges. */
export interface PhotoReview {
  photoId: number;
  state: PhotoReviewState;
  /** Why the photo is not fitted ('no face found', 'too far in profile', 'the fit failed: …'); null when fitted or not analysed. */
  reason: string | null;
  /** The fit's errors (see ReconstructionView), null unless fitted. */
  nme: number | null;
  photometricRms: number | null;
  identityDistance: number | null;
  /** Photometric RMS over the detail texels, coarse and with the photo's own detail, once the detail is solved. */
  detail: { photometricRmsCoarse: number; photometricRmsDetail: number } | null;
}

/** A photo of another person fitted (with detail) on the same pack: a control source for the detail swap. */
export interface SwapControl {
  photoId: number;
  subjectId: number;
  subjectName: string;
  originalName: string;
}

/** What the subject review shows of one pack's reconstruction (the newest on it). */
export interface SubjectReview {
  subjectId: number;
  /** The pack reviewed (the newest reconstructed one unless asked), null before any reconstruction. */
  packId: string | null;
  reconstructionId: number | null;
  /** The reconstruction has a detail layer: the detailed render and the detail swap are available. */
  hasDetail: boolean;
  /** Every photo of the subject, in the library's order. */
  photos: PhotoReview[];
  /** Other people's photos fitted with detail on the pack (controls for the swap), by subject. */
  controls: SwapControl[];
}

/** The detail-swap instrument's answer for the UI; the swapped render is at `ApiClient.swapUrl`. */
export interface DetailSwapView {
  photoId: number;
  fromPhotoId: number;
  packId: string;
  samePerson: boolean;
  /** RMS (0…1) over the photo's detail texels, the same mask and light for all three. */
  photometricRms: { coarse: number; own: number; swapped: number };
}

/** A detected landmark moved by the artist: iBUG landmark 0…67 belongs at pixel (x, y) of the upright photo. */
export interface LandmarkPin {
  landmark: number;
  x: number;
  y: number;
}

/**
 * A point of the head's surface (a triangle of the pack's mesh and barycentric weights, so it stays
 * the same skin point through refits) that belongs at pixel (x, y) of the upright photo.
 */
export interface SurfacePin {
  triangle: number;
  barycentric: [number, number, number];
  x: number;
  y: number;
}

export type Pin = LandmarkPin | SurfacePin;

/** A photo's pins and their undo state (`pins.get`, `pins.set`, `pins.undo`). */
export interface PhotoPinsView {
  photoId: number;
  /** The pack whose triangles the surface pins name (null with landmark pins only). */
  pack: string | null;
  pins: Pin[];
  /** The current revision (null: never pinned, or every change undone) and how many changes undo can take back. */
  revision: number | null;
  undoable: number;
  /** The photo's newest fit was made with other pins: `reconstruct` solves its subject again. */
  fitStale: boolean;
}

/**
 * A pinned photo refitted with its subject's shape held (`pins.refit`; not stored): the viewer's
 * fields for the new fit, and the fit itself.
 */
export interface PinRefitView extends ReconstructionView {
  fit: { rotation: number[]; jaw: number[]; expression: number[]; camera: { scale: number; tx: number; ty: number } };
  /** Pins of the photo that joined the refit (surface pins of another pack are left out). */
  pinCount: number;
  iterations: number;
  seconds: number;
}

/**
 * A reconstructed head ready to draw in a 3D view: per triangle corner (no index buffer, so UV seams
 * need no split), base64 of little-endian Float32 arrays; metres, +Y up, face towards +Z.
 */
export interface ReconstructedHeadMesh {
  packId: string;
  subjectId: number;
  /** The photo whose expression and jaw it wears; null for the subject's neutral shared head. */
  photoId: number | null;
  /** The reconstruction it comes from (its albedo is at `ApiClient.albedoUrl(reconstructionId)`). */
  reconstructionId: number;
  triangleCount: number;
  /** T×3 corners × 3. */
  positions: string;
  normals: string;
  /** T×3 corners × 2 (v up, image row 0 at v = 1), when the pack has UVs. */
  uvs: string | null;
  /**
   * T×3 corners × 4, with `hasDetail`: the tangent (+u) and handedness w (bitangent = cross(normal,
   * tangent)·w, along +v) the detail normal map was baked against.
   */
  tangents: string | null;
  /** The reconstruction has an albedo texture (see `ApiClient.albedoUrl`). */
  hasAlbedo: boolean;
  /** The reconstruction has a solved detail layer and the pack UVs: its normal map is at `ApiClient.detailNormalUrl`. */
  hasDetail: boolean;
  /**
   * Each drawn triangle's part (base64 of T bytes, `HEAD_PART`: skin, eyes, teeth, mouth), which
   * decides its material as in exports (`HEAD_MATERIALS`); absent: all skin.
   */
  parts?: string | null;
  /** The eyes' texture (sclera, the person's iris, pupil; see `eyeTexture`), base64 PNG in the pack's UV layout, when the pack has eyeballs and UVs. */
  eyeTexture?: string | null;
  /** For a photo's head: how it sits in the photo (the fit's head rotation and camera), to line a 3D view up with the photo. */
  photoView?: PhotoHeadView | null;
}

/**
 * Where a photo's fitted head sits in the photo: `R·x` (R the rotation's matrix, about the origin) turns
 * the forward-facing head into the photo's pose, and the orthographic camera maps it to pixels of the
 * upright photo (u = scale·x + tx, v = −scale·y + ty).
 */
export interface PhotoHeadView {
  /** Axis-angle (radians) of the head's turn in the photo. */
  rotation: [number, number, number];
  camera: { scale: number; tx: number; ty: number };
  /** The upright photo's size in pixels. */
  width: number;
  height: number;
}

/**
 * A subject's head as a rig the viewer poses by itself (see core/expression/head-rig.ts): arrays are
 * base64 of little-endian binary. `mesh` is the neutral head as drawn (per corner, with UVs and
 * tangents); `cornerVertices` says which rig vertex each drawn corner is, so a posed rig updates it.
 */
export interface HeadRig {
  mesh: ReconstructedHeadMesh;
  /** Drawn corners' rig vertex indices (mesh.triangleCount × 3, Uint32). */
  cornerVertices: string;
  /** V×3 Float32 rest vertices (the subject's shape, neutral). */
  neutral: string;
  /** F×3 Uint32, every triangle of the pack. */
  triangles: string;
  expressions: { name: string; indices: string; deltas: string; scale: number }[];
  /** 52 × K Float32 (ARKit order × expression shapes). */
  arkitToExpression: string;
  /** Whether every ARKit shape reaches the pack (named shapes, or a geometric transfer for PCA packs). */
  arkitMapped: boolean;
  joints: { names: string[]; parents: number[]; regressorRow: string; regressorCol: string; regressorValue: string };
  /** V×J Float32. */
  skinWeights: string;
  pose: { indices: string; deltas: string; scale: number }[] | null;
  /**
   * The subject's neutral on this pack (52 ARKit weights, `subjectNeutral`): the rest the viewer
   * poses from; an expression plays relative to its own person's neutral on top of it, as exports do
   * (`onSubjectNeutral`). Null when the subject has too few fitted photos (the pack's ψ = 0 is the rest).
   */
  arkitNeutral?: number[] | null;
  /**
   * The subject's detail layer, when solved (and the pack has UVs): the static detail normal map and
   * per expression group a wrinkle normal map (static + that group's wrinkles at activation 1), base64
   * PNGs in the mesh's UV layout against `mesh.tangents`, each group with what drives it (rig expression
   * indices; see core/export/rig-detail-textures.ts). The viewer blends them per pose itself.
   */
  detail: {
    normal: string;
    wrinkles: { group: string; normal: string; drivers: { expression: number; weight: number }[]; jawOpening: number }[];
  } | null;
}

/** An installed head-model pack, as the UI lists it. */
export interface PackInfo {
  id: string;
  name: string;
  license: string;
  vertexCount: number;
  triangleCount: number;
  shapeCount: number;
  expressionCount: number;
  jointNames: string[];
}

/** What the head-model viewer asks for: a pack head with coefficients and joint rotations. */
export interface HeadMeshRequest {
  packId: string;
  shape?: number[];
  expression?: number[];
  /** Axis-angle per joint (J×3, radians), the pack's joint order. */
  pose?: number[];
  /** Also send the triangles (first request per pack; they never change). */
  topology?: boolean;
}

/** An evaluated pack head. Arrays are base64 of little-endian binary (Float32 / Uint32). */
export interface HeadMesh {
  packId: string;
  vertexCount: number;
  /** V×3 float32 positions in metres (+Y up, face toward +Z). */
  positions: string;
  /** V×3 float32 unit normals. */
  normals: string;
  /** F×3 uint32 triangle indices (see-through overlays left out), when `topology` was asked for. */
  indices: string | null;
  /** L×3 float32 landmark positions. */
  landmarks: string;
  shapeCount: number;
  /** Identity mode names where the pack has them (the starter head does); empty otherwise. */
  shapeNames: string[];
  expressionNames: string[];
  jointNames: string[];
}

export type ExportFormat = 'glb' | 'fbx';
/** What an export job writes: a head (GLB, FBX), or a clip / one expression alone as an ARKit CSV (Live Link Face's layout). */
export type ExportFileFormat = ExportFormat | 'arkit-csv';

/** A stored animation clip without its keys (see core/expression/expression-clip.ts). */
export interface ClipSummary {
  id: number;
  name: string;
  /** The rate it plays and is written at (frames per second). */
  fps: number;
  keyCount: number;
  /** Seconds from the first key to the last. */
  duration: number;
  /** How it was made, for people: e.g. "photos 3,4,5 of p002". */
  source: string;
  createdAt: string;
  updatedAt: string;
}

/** One edit of a clip (see core/expression/edit-clip.ts). */
export type ClipEditRequest =
  | { op: 'drop'; index: number }
  | { op: 'retime'; index: number; time: number }
  | { op: 'respace'; fps: number }
  | { op: 'smooth'; radius: number };

/** What the export dialog asks for. */
export interface ExportHeadRequest {
  packId: string;
  /** Export this subject's reconstructed head: its shared shape on `packId` replaces `shape`. */
  subjectId?: number;
  /** `arkit-csv`: the `clip` (or the photo's or saved expression, one row) alone, no head; pack and subject do not change it. */
  format: ExportFileFormat;
  /** Identity coefficients β (baked into the mesh) and expression ψ (initial blendshape weights). */
  shape?: number[];
  expression?: number[];
  blendshapes?: boolean;
  animation?: 'none' | 'demo';
  /** A stored clip (by name) as the head's animation: morph weights and jaw/eye rotations; not with `animation: 'demo'`. */
  clip?: string;
  /** Pose the head with this fitted photo's expression (initial blendshape weights and jaw/eye rotations); not with `expression`. */
  expressionFromPhotoId?: number;
  /** Pose the head with this saved expression (by name: made by hand or kept from a photo), like `expressionFromPhotoId`; at most one of `clip`, `expressionFromPhotoId`, `savedExpression`. */
  savedExpression?: string;
  /** Embed the albedo and normal maps (default true). */
  textures?: boolean;
  textureSize?: number;
  /** Absolute file path to write; default: the project's (or app's) `exports/` folder. */
  outPath?: string;
  /** Absolute folder to write into under the default file name (the dialog's chosen folder); not with `outPath`. */
  outDir?: string;
}

export interface RecentProject {
  path: string;
  name: string;
}

export interface AppInfo {
  mode: 'electron' | 'browser' | 'cli';
  version: string;
  project: ProjectInfo | null;
  recentProjects: RecentProject[];
  /** Largest image accepted for import, in megapixels. */
  maxImportMegapixels: number;
}

/** A default texture size the settings page offers (pixels per side of the face texture). */
export type TextureSizeSetting = 512 | 1024 | 2048;

/** The user's studio settings (kept in the app's settings folder, shared by every project). */
export interface StudioSettings {
  /** onnxruntime execution provider: 'auto' picks the platform's accelerator, then the CPU. */
  executionProvider: 'auto' | 'cuda' | 'dml' | 'coreml' | 'cpu';
  /** Head model chosen first for reconstruction and export; null: the first installed. */
  defaultPackId: string | null;
  /** Default size of exported face textures. */
  textureSize: TextureSizeSetting;
}

/** What the settings page shows: the settings and what this machine can run. */
export interface SettingsInfo {
  settings: StudioSettings;
  /** Every provider with whether the installed onnxruntime offers it on this platform (CPU always). */
  providers: { name: StudioSettings['executionProvider']; label: string; available: boolean }[];
  /** The provider the perception models actually run on, once one was loaded in this session; null before. */
  activeProvider: string | null;
  /** Set when DECA_EXECUTION_PROVIDER overrides the saved provider for this process. */
  providerOverride: string | null;
}

/** An axis-angle rotation (radians). */
export type AxisAngle = [number, number, number];

/**
 * An expression as data on the wire: a fitted photo's (captured) or a saved one (made by hand or
 * kept from a photo). Weights are ARKit's 52 in ARKit's order (see core/expression/arkit-names.ts).
 */
export interface ExpressionView {
  kind: 'photo' | 'saved';
  /** A saved expression's id; null for a photo's. */
  id: number | null;
  /** The saved name, or the photo's file name. */
  name: string;
  arkit: number[];
  jawPose: AxisAngle;
  eyePose: { left: AxisAngle; right: AxisAngle } | null;
  /** The photo (and the pack it was fitted on) it came from; null when made by hand. */
  source: { photoId: number; packId: string | null } | null;
  /** A photo's subject. */
  subject: { id: number; name: string } | null;
  /**
   * The neutral it is relative to (52 ARKit weights): its photo's person's on the pack it was solved
   * on (`subjectNeutral`); null when made by hand or that person has too few fitted photos.
   */
  neutral?: number[] | null;
}

/** Request and response of every API method. */
export interface ApiMethods {
  'app.info': { req: Record<string, never>; res: AppInfo };
  'project.create': { req: { path: string; name: string }; res: ProjectInfo };
  'project.open': { req: { path: string }; res: ProjectInfo };
  'project.close': { req: Record<string, never>; res: null };
  'subjects.list': { req: Record<string, never>; res: SubjectSummary[] };
  'subjects.create': { req: { name: string; notes?: string }; res: SubjectSummary };
  'subjects.rename': { req: { id: number; name: string }; res: SubjectSummary };
  'subjects.delete': { req: { id: number }; res: null };
  'photos.list': { req: { subjectId?: number }; res: PhotoSummary[] };
  'photos.delete': { req: { id: number }; res: null };
  /** Starts an import job from server-side paths (files or folders) and/or staged uploads. */
  'import.start': {
    req: { subjectId: number; paths?: string[]; stagedIds?: string[] };
    res: { jobId: number };
  };
  /** Starts a face-analysis job (detection, landmarks, mesh, pose, embedding) over a subject or all photos. */
  'analyze.start': { req: { subjectId?: number; force?: boolean }; res: { jobId: number } };
  /** A photo's stored face analysis, or null before it was analysed. */
  'photos.faces': { req: { photoId: number }; res: PhotoFaces | null };
  /** Chooses which detected face of a photo later stages use. */
  'photos.selectFace': { req: { photoId: number; face: number }; res: PhotoFaces };
  /** Starts coarse reconstruction on a pack: one job per subject (or for `subjectId`). */
  'reconstruct.start': { req: { subjectId?: number; packId: string; force?: boolean }; res: { jobIds: number[] } };
  /**
   * Starts the detail stage on a pack (the coarse stage first, reused when current): one job per subject (or for `subjectId`).
   * `method`: 'fitted' (the studio's detail model) or 'deca' (DECA's detail networks); default: DECA's where it can run.
   */
  'detail.start': { req: { subjectId?: number; packId: string; force?: boolean; method?: 'fitted' | 'deca' }; res: { jobIds: number[] } };
  /** A photo's newest reconstruction (on `packId`, or any), or null. Its rendered head is at fitUrl(…). */
  'photos.reconstruction': { req: { photoId: number; packId?: string }; res: ReconstructionView | null };
  /** A photo's reconstructed head (its expression and jaw, facing forward; on `packId`, or the newest) for the 3D view, or null. */
  'photos.head': { req: { photoId: number; packId?: string }; res: ReconstructedHeadMesh | null };
  /** A photo's pins (landmark overrides and surface points) with their undo state. */
  'pins.get': { req: { photoId: number }; res: PhotoPinsView };
  /** Replaces a photo's pins (a new revision; `pins: []` clears them); its subject's fit becomes stale. */
  'pins.set': { req: { photoId: number; pins: Pin[]; pack?: string }; res: PhotoPinsView };
  /** The head's surface point under pixel (x, y) of the photo's fit (for a surface pin), or null off the head. */
  'pins.pick': { req: { photoId: number; x: number; y: number; packId?: string }; res: { pack: string; triangle: number; barycentric: [number, number, number] } | null };
  /** Takes back the photo's last pin change. */
  'pins.undo': { req: { photoId: number }; res: PhotoPinsView };
  /**
   * Refits the photo with its pins, the subject's shape held (fast: the viewer follows a drag); not
   * stored. With `pins` (and `pack` for surface pins) those pins are used instead of the stored ones:
   * a preview while a pin is being dragged.
   */
  'pins.refit': { req: { photoId: number; packId?: string; pins?: Pin[]; pack?: string }; res: PinRefitView };
  /** A subject's shared head (shape only, neutral) on a pack (the newest reconstructed one by default), or null. */
  'subjects.head': { req: { subjectId: number; packId?: string }; res: ReconstructedHeadMesh | null };
  /** A subject's head as a rig the viewer poses itself (expression sliders, retargeting, clips); null without a reconstruction. */
  'subjects.rig': { req: { subjectId: number; packId?: string }; res: HeadRig | null };
  /** A subject's newest reconstruction per pack, newest first (empty before any). */
  'subjects.reconstructions': { req: { subjectId: number }; res: SubjectReconstruction[] };
  /** The subject review on a pack (the newest reconstructed one by default): every photo's state and errors, and the swap's controls. */
  'subjects.review': { req: { subjectId: number; packId?: string }; res: SubjectReview };
  /**
   * DECA's detail swap: the photo re-rendered with `fromPhotoId`'s detail code and its own expression,
   * and the three photometric errors (coarse, own code, swapped code). Runs in a compute worker, a few
   * seconds; the render is then at `ApiClient.swapUrl` without work.
   */
  'detail.swap': { req: { photoId: number; fromPhotoId: number; packId?: string }; res: DetailSwapView };
  /** Triangles (index triples) of the 468-point face mesh, for drawing its wireframe. */
  'perception.meshTriangles': { req: Record<string, never>; res: number[] };
  'packs.list': { req: Record<string, never>; res: PackInfo[] };
  /**
   * Installs a head model from a file or folder on this machine (ICT-FaceKit zip or folder; FLAME .pkl with
   * optional landmark embedding, masks and DECA's head_template.obj for UVs); resolves when installed.
   * Progress arrives as `packs.progress` events, the new list as `packs.changed`.
   */
  'packs.install': { req: { path: string; flameLandmarks?: string; flameMasks?: string; flameUv?: string }; res: PackInfo };
  /** Removes an installed head model (refused while jobs run); the projects' reconstructions on it stay. */
  'packs.remove': { req: { id: string }; res: null };
  /** Evaluates a pack head (forward model) for the viewer. */
  'packs.evaluate': { req: HeadMeshRequest; res: HeadMesh };
  /** Starts an export job; its one result item's `source` is the written file. */
  'export.start': { req: ExportHeadRequest; res: { jobId: number } };
  /** The user's settings and the execution providers this machine offers. */
  'settings.get': { req: Record<string, never>; res: SettingsInfo };
  /** Saves some settings; a new execution provider applies to the next model loaded (no job may be running). */
  'settings.set': { req: Partial<StudioSettings>; res: SettingsInfo };
  /** Every fitted photo's expression (of one subject, or all), then every saved expression. */
  'expressions.list': { req: { subjectId?: number }; res: ExpressionView[] };
  /** Saves a named expression (unique name; 52 ARKit weights 0…1; the jaw's axis-angle). */
  'expressions.save': { req: { name: string; arkit: number[]; jawPose: AxisAngle; eyePose?: { left: AxisAngle; right: AxisAngle }; sourcePhotoId?: number }; res: ExpressionView };
  'expressions.delete': { req: { id: number }; res: null };
  /** The project's animation clips. */
  'clips.list': { req: Record<string, never>; res: ClipSummary[] };
  /** One clip with its keys, for playing it in the viewer (ARKit weights in ARKit's order and the jaw per key). */
  /** Each key's `neutral`: what its weights are relative to, as ExpressionView's. */
  'clips.get': { req: { id: number }; res: ClipSummary & { keys: { time: number; arkit: number[]; jawPose: AxisAngle; neutral?: number[] | null }[] } };
  /** A clip from fitted photos' expressions, one key per photo in the order given, `fps` keys per second (default 2). */
  'clips.create': { req: { name: string; photoIds: number[]; fps?: number; smooth?: number }; res: ClipSummary };
  /** Edits a clip's keys (applied in order) and/or renames it. */
  'clips.update': { req: { id: number; name?: string; edits?: ClipEditRequest[] }; res: ClipSummary };
  'clips.delete': { req: { id: number }; res: null };
  /**
   * Starts a `clip` job making a clip from a video's sampled frames: the renderer decodes the video
   * (Chromium's decoder), stages each sampled frame as a JPEG/PNG upload, and posts their ids in time
   * order; each frame is perceived and fitted with the subject's shape, one key per frame with a usable
   * face (`everyMs` apart). Progress: one step per frame; items: frames without a face, then the clip.
   */
  'clips.createFromFrames': { req: { name: string; subjectId: number; packId?: string; stagedIds: string[]; everyMs: number }; res: { jobId: number } };
  'jobs.list': { req: Record<string, never>; res: JobInfo[] };
  'jobs.get': { req: { id: number }; res: { job: JobInfo; items: JobItem[] } };
  'jobs.cancel': { req: { id: number }; res: null };
}

export type ApiMethod = keyof ApiMethods;
export type ApiRequest<M extends ApiMethod> = ApiMethods[M]['req'];
export type ApiResponse<M extends ApiMethod> = ApiMethods[M]['res'];

/** Events pushed from the services to every connected UI. */
export interface ApiEvents {
  'job.updated': { job: JobInfo; item: JobItem | null };
  'library.changed': { subjectId: number | null };
  'project.changed': { project: ProjectInfo | null };
  /** A head model is being installed: the reading's progress (0…1). */
  'packs.progress': { path: string; fraction: number };
  /** The installed head models changed (installed or removed): the new list. */
  'packs.changed': { packs: PackInfo[] };
}
export type ApiEventName = keyof ApiEvents;
/** An event on the wire: a union discriminated by `event`. */
export type ApiEventMessage = { [E in ApiEventName]: { event: E; payload: ApiEvents[E] } }[ApiEventName];

/** The services' side of the contract: one async handler per method. */
export type ApiHandlers = { [M in ApiMethod]: (req: ApiRequest<M>) => Promise<ApiResponse<M>> };

/** How a fitted head is drawn over its photo: grey preview, DECA's render (albedo ⊙ SH light), or that with the detail layer. */
export type FitStyle = 'grey' | 'shaded' | 'detail';

/** What the renderer calls, whatever the transport. */
export interface ApiClient {
  call<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<ApiResponse<M>>;
  /** Subscribes to service events; returns an unsubscribe function. */
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
  /** Hands a file's bytes to the services for a later `import.start`; returns its staged id. */
  stageUpload(name: string, bytes: ArrayBuffer): Promise<string>;
  /** URL under which the UI can show a photo's thumbnail or original. */
  mediaUrl(kind: 'thumb' | 'photo', sha256: string): string;
  /** URL of a photo's reconstructed head (on `packId`, or the newest), rendered with the photo's camera (transparent PNG): grey, albedo ⊙ lighting, or that with the detail layer. */
  fitUrl(photoId: number, style?: FitStyle, packId?: string | null): string;
  /**
   * URL of a photo re-rendered with another photo's detail code (`fromPhotoId`; itself for its own
   * code) over the photo (PNG at the photo's decoded size, at most 2048 px): the swap instrument's render.
   */
  swapUrl(photoId: number, fromPhotoId: number, packId?: string | null): string;
  /** URL of a reconstruction's albedo texture (PNG in its pack's UV layout). */
  albedoUrl(reconstructionId: number): string;
  /**
   * URL of a reconstruction's detail normal map (PNG in its pack's UV layout, tangent space, OpenGL
   * convention: +X along +u, +Y along +v): its static detail, or with `photoId` (a photo of that
   * reconstruction) plus the wrinkles of that photo's expression. 404 without a detail layer.
   */
  detailNormalUrl(reconstructionId: number, photoId?: number | null): string;
}

/** Channel names shared by main's IPC handlers and preload. */
export const IPC_CHANNELS = {
  call: 'deca:call',
  stage: 'deca:stage',
  event: 'deca:event',
  pickFolder: 'deca:pick-folder',
} as const;
