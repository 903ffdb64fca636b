import path from 'node:path';
import sharp from 'sharp';
import { ApiError } from '../../../core/api/api-error';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { fitLandmarks } from '../../../core/reconstruct/fit-photos';
import { buildFitPoints } from '../../../core/reconstruct/fit-points';
import { fitToHeadParams, type PhotoFit } from '../../../core/reconstruct/ortho-camera';
import { renderFitOverlay } from '../../../core/reconstruct/render-overlay';
import { installedPackStore } from '../../packs/starter-pack';
import { decodePhoto } from '../../perception/decode-photo';
import { getFaceAnalysis } from '../../perception/face-store';
import { openProject } from '../../project/project';
import { listReconstructions } from '../../reconstruct/reconstruction-store';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';

/** `deca-studio render <project> --photo ID --out overlay.png [--pack ID]` */
export const renderCommand: CliCommand = {
  name: 'render',
  summary: 'Render a photo’s fitted head over the photo, with photo (green) and model (red) landmarks',
  usage: 'render <project> --photo ID --out FILE.png [--pack ID] [--opacity 0…1]',
  options: { photo: { type: 'string' }, out: { type: 'string' }, pack: { type: 'string' }, opacity: { type: 'string' } },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new CliUsageError('Give exactly one project folder');
    const photoId = Number(values.photo);
    if (!Number.isInteger(photoId) || photoId <= 0) throw new CliUsageError('Give --photo ID (see: deca-studio photos <project>)');
    if (typeof values.out !== 'string' || !values.out.toLowerCase().endsWith('.png')) throw new CliUsageError('Give --out FILE.png');
    const opacity = values.opacity === undefined ? 0.55 : Number(values.opacity);
    if (!(opacity >= 0 && opacity <= 1)) throw new CliUsageError('--opacity must be from 0 to 1');
    const project = await openProject(positionals[0]!, { readonly: true });
    try {
      const photo = project.library.reads.getPhoto(photoId);
      if (!photo) throw new ApiError('not-found', `No photo with id ${photoId}`);
      const recs = listReconstructions(project.library.db, typeof values.pack === 'string' ? values.pack : undefined).filter((r) => r.photoId === photoId);
      const rec = recs.sort((a, b) => b.id - a.id)[0];
      if (!rec) throw new ApiError('not-found', `Photo ${photoId} has no reconstruction${typeof values.pack === 'string' ? ` on ${values.pack}` : ''}: run deca-studio reconstruct first`);
      const model = await (await installedPackStore()).load(rec.packId);
      const p = rec.parameters;
      const fit: PhotoFit = { rotation: p.rotation as [number, number, number], jaw: p.jaw as [number, number, number], expression: Float64Array.from(p.expression), camera: p.camera };
      const ev = new HeadModelEvaluator(model);
      const rest = Float64Array.from(ev.evaluate({ shape: p.shape, expression: fit.expression }).joints.subarray(0, 3));
      const out = ev.evaluate(fitToHeadParams(model, p.shape, fit, rest));
      const image = await decodePhoto(project.store.originalPath(photo.sha256, photo.format));
      const face = getFaceAnalysis(project.library.db, photoId)?.faces[p.faceIndex];
      const observed = face?.landmarks68 ? face.landmarks68.flatMap((q) => [q[0]!, q[1]!]) : undefined;
      const rgba = renderFitOverlay(model, out.vertices, out.normals, fit.camera, image, { photo: observed, model: fitLandmarks(buildFitPoints(model, { dense: false }), p.shape, fit) }, { opacity });
      await sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width: image.width, height: image.height, channels: 4 } }).png().toFile(values.out);
      io.out(`Wrote ${path.resolve(values.out)} (${rec.packId}, NME ${rec.metrics.nme.toFixed(4)})`);
      return EXIT.ok;
    } finally {
      await project.close();
    }
  },
};
