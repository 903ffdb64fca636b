import { decaDisplacement } from '../../core/deca/deca-displacement';
import { decaDisplacementOnPack } from '../../core/deca/deca-displacement-on-pack';
import { decaCodeToFit } from '../../core/deca/deca-init';
import { faceToJson } from '../../core/perception/face-json';
import { poseViews } from '../../core/reconstruct/stages/light-albedo-stage';
import { renderShadedHead } from '../../core/reconstruct/render-shaded-head';
import { DecaDetail, decaDetail } from '../deca/deca-detail';
import { DecaEncoder, decaCropTensor } from '../deca/deca-encoder';
import { readDetailInstall } from '../deca/detail-store';
import { usableProviders } from '../inference/inference-engine';
import { renderedIdentityDistance } from '../reconstruct/identity-distance';
import type { ComputeTasks, TaskName } from './compute-tasks';
import type { TaskContext } from './task-context';
import type { WorkerState } from './worker-state';

/** D_detail items per run. */
const DECODE_BATCH = 4;

type Handlers = { [K in TaskName]?: (req: ComputeTasks[K]['req'], ctx: TaskContext, state: WorkerState) => Promise<ComputeTasks[K]['res']> | ComputeTasks[K]['res'] };

/** Tasks that run ONNX models: they go to the inference worker, which owns every session. */
export const INFERENCE_TASKS: Handlers = {
  'inference.providers': async (_req, _ctx, state) => ({ usable: await usableProviders(), active: state.inference().activeProviders() }),

  'face.analyze': async ({ image, faceIndex, mesh }, _ctx, state) => {
    const result = await state.faceAnalyzer(mesh !== false).analyzeImage(image, faceIndex);
    return { width: result.width, height: result.height, faces: result.faces.map(faceToJson), selected: result.selected };
  },

  'deca.code': async ({ encoderFile, crops }, ctx, state) => {
    const encoder = await DecaEncoder.open(encoderFile, { engine: state.inference() });
    const out = [];
    for (const c of crops) {
      ctx.throwIfStopped();
      out.push(await encoder.encodeCrop(c.image, c.toCrop));
    }
    return out;
  },

  'deca.encode': async ({ pack, encoderFile, crops }, ctx, state) => {
    const encoder = await DecaEncoder.open(encoderFile, { engine: state.inference() });
    const out = [];
    for (const c of crops) {
      ctx.throwIfStopped();
      out.push(decaCodeToFit(pack.model, await encoder.encodeCrop(c.image, c.toCrop), c.toCrop));
    }
    return out;
  },

  'deca.detail': async ({ detailDir, pack, crops, options }, ctx, state) => {
    const { files, maps, template } = await readDetailInstall(detailDir);
    const nets = await DecaDetail.open(files, { engine: state.inference() });
    const out = [];
    for (const c of crops) {
      ctx.throwIfStopped();
      const result = await decaDetail(nets, maps, c.image, c.toCrop, c, options);
      out.push({ ...result, vertexDisplacement: pack ? decaDisplacementOnPack(pack.model, template, result.displacement) : null });
    }
    return out;
  },

  'deca.detail.encode': async ({ detailDir, crops }, ctx, state) => {
    const { files } = await readDetailInstall(detailDir);
    const nets = await DecaDetail.open(files, { engine: state.inference() });
    const out: Float32Array[] = [];
    for (const c of crops) {
      ctx.throwIfStopped();
      out.push((await nets.encodeTensor(decaCropTensor(c.image, c.toCrop)))[0]!);
    }
    return out;
  },

  'deca.detail.decode': async ({ detailDir, items, options }, ctx, state) => {
    const { files, maps } = await readDetailInstall(detailDir);
    const nets = await DecaDetail.open(files, { engine: state.inference() });
    const displacement: Float32Array[] = [];
    // A few at a time: D_detail's activations at 256² grow with the batch.
    for (let i = 0; i < items.length; i += DECODE_BATCH) {
      ctx.throwIfStopped();
      for (const uvZ of await nets.decode(items.slice(i, i + DECODE_BATCH))) displacement.push(decaDisplacement(uvZ, maps.mask, maps.fixed, options));
    }
    return { displacement, mask: maps.mask };
  },

  'fit.identity': async ({ pack, shape, photos, albedo }, ctx, state) => {
    const p = state.pack(pack);
    const views = poseViews(p.model, p.evaluator, shape, photos);
    const out: (number | null)[] = [];
    for (let i = 0; i < photos.length; i++) {
      ctx.throwIfStopped();
      const q = photos[i]!, view = views[i]!;
      const { rgb } = renderShadedHead(p.model, view.vertices, view.normals, view.camera, view.photo, albedo.texture, q.light, {}, albedo.vertexAlbedo);
      const box = q.box.map((x) => x * q.k);
      if (!q.embedding.length) {
        out.push(null);
        continue;
      }
      out.push(await renderedIdentityDistance(state.faceAnalyzer(), { ...view.photo, data: rgb }, q.embedding, box).catch(() => null));
    }
    return out;
  },
};
