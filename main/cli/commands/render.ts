import path from 'node:path';
import sharp from 'sharp';
import { ApiError } from '../../../core/api/api-error';
import { fitLandmarks } from '../../../core/reconstruct/fit-photos';
import { buildFitPoints } from '../../../core/reconstruct/fit-points';
import { renderFitOverlay } from '../../../core/reconstruct/render-overlay';
import { renderShadedHead } from '../../../core/reconstruct/render-shaded-head';
import { installedPackStore } from '../../packs/starter-pack';
import { decodePhoto } from '../../perception/decode-photo';
import { getFaceAnalysis } from '../../perception/face-store';
import { openProject } from '../../project/project';
import { decodeSubjectAlbedo, getSubjectAlbedo } from '../../reconstruct/albedo-store';
import { listReconstructions } from '../../reconstruct/reconstruction-store';
import { posedHead } from '../../reconstruct/reconstruction-view';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';

/** `deca-studio render <project> --photo ID --out overlay.png [--pack ID] [--opacity A] [--shaded]` */
export const renderCommand: CliCommand = {
  name: 'render',
  summary: 'Render a photo’s fitted head over the photo, with photo (green) and model (red) landmarks; --shaded: albedo ⊙ lighting, no markers',
  usage: 'render <project> --photo ID --out FILE.png [--pack ID] [--opacity 0…1] [--shaded]',
  options: { photo: { type: 'string' }, out: { type: 'string' }, pack: { type: 'string' }, opacity: { type: 'string' }, shaded: { type: 'boolean' } },
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
      const { fit, vertices, normals } = posedHead(model, rec);
      const image = await decodePhoto(project.store.originalPath(photo.sha256, photo.format));
      const face = getFaceAnalysis(project.library.db, photoId)?.faces[p.faceIndex];
      const observed = face?.landmarks68 ? face.landmarks68.flatMap((q) => [q[0]!, q[1]!]) : undefined;
      if (values.shaded === true) {
        if (!p.light) throw new ApiError('not-found', `Photo ${photoId} has no lighting estimate: run deca-studio reconstruct --force`);
        const stored = getSubjectAlbedo(project.library.db, photo.subjectId, rec.packId);
        const albedo = stored ? await decodeSubjectAlbedo(stored) : null;
        const { rgb } = renderShadedHead(model, vertices, normals, fit.camera, image, albedo?.texture ?? null, p.light, {}, albedo?.vertexAlbedo ?? null);
        const mixed = opacity === 1 ? rgb : rgb.map((v, i) => Math.round(opacity * v + (1 - opacity) * image.data[i]!));
        await sharp(Buffer.from(mixed.buffer, mixed.byteOffset, mixed.byteLength), { raw: { width: image.width, height: image.height, channels: 3 } }).png().toFile(values.out);
      } else {
        const rgba = renderFitOverlay(model, vertices, normals, fit.camera, image, { photo: observed, model: fitLandmarks(buildFitPoints(model, { dense: false }), p.shape, fit) }, { opacity });
        await sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width: image.width, height: image.height, channels: 4 } }).png().toFile(values.out);
      }
      io.out(`Wrote ${path.resolve(values.out)} (${rec.packId}, NME ${rec.metrics.nme.toFixed(4)})`);
      return EXIT.ok;
    } finally {
      await project.close();
    }
  },
};
