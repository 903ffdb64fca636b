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
  format: ExportFormat;
  /** Identity coefficients β (baked into the mesh) and expression ψ (initial blendshape weights). */
  shape?: number[];
  expression?: number[];
  blendshapes?: boolean;
  animation?: 'none' | 'demo';
  /** A stored clip (by name) as the head's animation: morph weights and jaw/eye rotations; not with `animation: 'demo'`. */
  clip?: string;
  /** Pose the head with this fitted photo's expression (initial blendshape weights and jaw/eye rotations); not with `expression`. */
  expressionFromPhotoId?: number;
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
  /** Starts the detail stage on a pack (the coarse stage first, reused when current): one job per subject (or for `subjectId`). */
  'detail.start': { req: { subjectId?: number; packId: string; force?: boolean }; res: { jobIds: number[] } };
  /** A photo's newest reconstruction, or null. Its rendered head is at mediaUrl('fit', …). */
  'photos.reconstruction': { req: { photoId: number }; res: ReconstructionView | null };
  /** A photo's reconstructed head (its expression and jaw, facing forward) for the 3D view, or null. */
  'photos.head': { req: { photoId: number }; res: ReconstructedHeadMesh | null };
  /** A subject's shared head (shape only, neutral) on a pack (the newest reconstructed one by default), or null. */
  'subjects.head': { req: { subjectId: number; packId?: string }; res: ReconstructedHeadMesh | null };
  /** A subject's newest reconstruction per pack, newest first (empty before any). */
  'subjects.reconstructions': { req: { subjectId: number }; res: SubjectReconstruction[] };
  /** Triangles (index triples) of the 468-point face mesh, for drawing its wireframe. */
  'perception.meshTriangles': { req: Record<string, never>; res: number[] };
  'packs.list': { req: Record<string, never>; res: PackInfo[] };
  /** Evaluates a pack head (forward model) for the viewer. */
  'packs.evaluate': { req: HeadMeshRequest; res: HeadMesh };
  /** Starts an export job; its one result item's `source` is the written file. */
  'export.start': { req: ExportHeadRequest; res: { jobId: number } };
  /** Every fitted photo's expression (of one subject, or all), then every saved expression. */
  'expressions.list': { req: { subjectId?: number }; res: ExpressionView[] };
  /** Saves a named expression (unique name; 52 ARKit weights 0…1; the jaw's axis-angle). */
  'expressions.save': { req: { name: string; arkit: number[]; jawPose: AxisAngle; eyePose?: { left: AxisAngle; right: AxisAngle }; sourcePhotoId?: number }; res: ExpressionView };
  'expressions.delete': { req: { id: number }; res: null };
  /** The project's animation clips. */
  'clips.list': { req: Record<string, never>; res: ClipSummary[] };
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
  /** URL of a photo's reconstructed head, rendered with the photo's camera (transparent PNG): grey, albedo ⊙ lighting, or that with the detail layer. */
  fitUrl(photoId: number, style?: FitStyle): string;
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
