import { deflateSync } from 'node:zlib';
import { buildHeadRig } from '../../core/expression/head-rig';
import { rigDetailTextures } from '../../core/export/rig-detail-textures';
import path from 'node:path';
import sharp from 'sharp';
import { renderHeadPreview } from '../../core/geometry/render-head-preview';
import { fitLandmarks } from '../../core/reconstruct/fit-photos';
import { poseHead } from '../../core/geometry/pose-head';
import { drawnTriangles } from '../../core/geometry/opaque-triangles';
import { triangleParts } from '../../core/head-model/triangle-parts';
import { DEFAULT_EYE_COLOURS, eyeballs } from '../../core/texture/eye-colours';
import { EYE_TEXTURE_DEFAULTS, eyeTexture as eyeTextureOf } from '../../core/texture/eye-texture';
import { renderFitOverlay } from '../../core/reconstruct/render-overlay';
import { renderShadedHead } from '../../core/reconstruct/render-shaded-head';
import { cornerTangents } from '../../core/export/vertex-tangents';
import { exportPackHead } from '../export/export-pack-head';
import { photoDetailTilt } from './detail-tasks';
import { evaluatePackMesh } from '../packs/pack-mesh';
import { PackStore } from '../packs/pack-store';
import { decodePhoto } from '../perception/decode-photo';
import type { ComputeTasks, TaskName } from './compute-tasks';
import { toShared } from './shared-data';
import type { TaskContext } from './task-context';
import type { WorkerState } from './worker-state';

type Handlers = { [K in TaskName]?: (req: ComputeTasks[K]['req'], ctx: TaskContext, state: WorkerState) => Promise<ComputeTasks[K]['res']> | ComputeTasks[K]['res'] };

/** Decoding, pack loading, renders, 3D-view meshes and exports as worker tasks. */
export const MEDIA_TASKS: Handlers = {
  'photo.decode': async ({ path: file, maxSide, width, height }) => {
    const image = await decodePhoto(file, maxSide);
    // The camera scales by the mean of the two axes' factors; rounding makes them differ by < 1 pixel.
    if (maxSide !== null && !(width && height)) throw new Error('photo.decode: a downscaled decode needs the photo\'s size');
    return { image: toShared(image), k: width && height ? (image.width / width + image.height / height) / 2 : 1 };
  },

  'pack.load': async ({ dir, id }) => toShared(await new PackStore(path.resolve(dir)).load(id)),

  'render.fit': async (req, _ctx, state) => {
    const p = state.pack(req.pack);
    const { model, evaluator } = p;
    const { vertices, normals } = poseHead(evaluator, model, req.shape, req.fit);
    const c = req.fit.camera, k = req.k;
    const camera = { scale: c.scale * k, tx: c.tx * k, ty: c.ty * k };
    const W = req.width, H = req.height;
    const raw = (data: Uint8Array, channels: 3 | 4) => sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width: W, height: H, channels } }).png().toBuffer();
    if (req.style === 'shaded' && req.light) {
      const base = req.background ?? { width: W, height: H, data: new Uint8Array(W * H * 3) };
      const detailTilt = req.detail ? photoDetailTilt(state, req.pack, req.detail, req.fit, vertices, normals) : null;
      const { rgb, mask } = renderShadedHead(model, vertices, normals, camera, base, req.albedo?.texture ?? null, req.light, { detailTilt }, req.albedo?.vertexAlbedo ?? null);
      if (req.background) {
        const a = req.opacity;
        return raw(a === 1 ? rgb : rgb.map((v, i) => Math.round(a * v + (1 - a) * base.data[i]!)), 3);
      }
      const rgba = new Uint8Array(W * H * 4);
      for (let i = 0; i < W * H; i++) {
        rgba.set(rgb.subarray(i * 3, i * 3 + 3), i * 4);
        rgba[i * 4 + 3] = mask[i] ? 255 : 0;
      }
      return raw(rgba, 4);
    }
    if (req.background) {
      const model68 = req.markers?.model && req.tables ? fitLandmarks(req.tables.points, req.shape, req.fit).map((x) => x * k) : undefined;
      const photo68 = req.markers?.photo?.map((x) => x * k);
      return raw(renderFitOverlay(model, vertices, normals, camera, req.background, { photo: photo68, model: model68 }, { opacity: req.opacity }), 4);
    }
    return raw(renderHeadPreview(model, vertices, normals, { width: W, height: H, view: { scale: camera.scale, offsetX: camera.tx, offsetY: camera.ty }, transparent: true }), 4);
  },

  'head.rig': ({ pack, shape, arkitToExpression, detail, textureSize }, _ctx, state) => {
    const { model } = state.pack(pack);
    const keep = drawnTriangles(model);
    const corners: number[] = [];
    for (let t = 0; t < keep.length; t++) if (keep[t]) corners.push(model.triangles[t * 3]!, model.triangles[t * 3 + 1]!, model.triangles[t * 3 + 2]!);
    // The detail layer's maps as the export bakes them (native zlib at level 1, as the export's PNGs).
    const textures = detail && model.uv ? rigDetailTextures(model, shape, detail, { textureSize, deflate: (b) => deflateSync(b, { level: 1 }) }) : null;
    return { rig: buildHeadRig(model, shape, { arkitToExpression }), cornerVertices: Uint32Array.from(corners), detail: textures };
  },

  'head.mesh': async ({ pack, shape, expression, jaw, eyeColours }, _ctx, state) => {
    const { model, evaluator } = state.pack(pack);
    const psi = expression ? Float64Array.from(expression) : new Float64Array(model.expression.count);
    // Facing forward: the photo's head turn is left to the viewer's orbit camera.
    const out = poseHead(evaluator, model, shape, { rotation: [0, 0, 0], jaw: (jaw ?? [0, 0, 0]) as [number, number, number], expression: psi });
    const keep = drawnTriangles(model);
    let T = 0;
    for (let t = 0; t < keep.length; t++) T += keep[t]!;
    const positions = new Float32Array(T * 9), normals = new Float32Array(T * 9);
    const uvs = model.uv ? new Float32Array(T * 6) : null;
    // The frame the detail normal map was baked in: Babylon's own, from screen derivatives, is
    // scaled by the UV layout's stretch and would weaken the detail across stretched UVs.
    const allTangents = model.uv ? cornerTangents(out.vertices, out.normals, model.triangles, model.uv.triangles, model.uv.coords) : null;
    const tangents = allTangents ? new Float32Array(T * 12) : null;
    // Each drawn triangle's part: the views give eyes, teeth and mouth the exports' materials.
    const allParts = triangleParts(model), parts = new Uint8Array(T);
    let n = 0;
    for (let t = 0; t < keep.length; t++) {
      if (!keep[t]) continue;
      parts[n / 3] = allParts[t]!;
      for (let c = 0; c < 3; c++, n++) {
        const v = model.triangles[t * 3 + c]!;
        for (let d = 0; d < 3; d++) (positions[n * 3 + d] = out.vertices[v * 3 + d]!), (normals[n * 3 + d] = out.normals[v * 3 + d]!);
        if (uvs && model.uv) {
          const u = model.uv.triangles[t * 3 + c]!;
          uvs[n * 2] = model.uv.coords[u * 2]!;
          uvs[n * 2 + 1] = model.uv.coords[u * 2 + 1]!;
        }
        if (tangents && allTangents) tangents.set(allTangents.subarray((t * 3 + c) * 4, (t * 3 + c) * 4 + 4), n * 4);
      }
    }
    // The exports' eye texture (same builder, same size), for the eyes' material.
    const size = EYE_TEXTURE_DEFAULTS.size;
    const eyeTexture = model.uv && eyeballs(model).length
      ? new Uint8Array(await sharp(Buffer.from(eyeTextureOf(model, eyeColours ?? DEFAULT_EYE_COLOURS, { size })), { raw: { width: size, height: size, channels: 3 } }).png().toBuffer())
      : null;
    return { triangleCount: T, positions, normals, uvs, tangents, parts, eyeTexture };
  },

  'pack.evaluate': ({ pack, request }, _ctx, state) => evaluatePackMesh(state.pack(pack), request),

  'pack.render': ({ pack, shape, expression, pose, size, yawDeg, pitchDeg }, _ctx, state) => {
    const { model, evaluator } = state.pack(pack);
    const out = evaluator.evaluate({ shape, expression, pose });
    const rgba = renderHeadPreview(model, out.vertices, out.normals, { width: size, height: size, yawDeg, pitchDeg });
    return sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width: size, height: size, channels: 4 } }).png().toBuffer();
  },

  'export.head': ({ pack, options }) => exportPackHead(pack.model, options),
};
