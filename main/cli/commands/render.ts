import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../../core/api/api-error';
import { APP_VERSION, appDataDir } from '../../app-paths';
import { photoFitOf, requirePhotoFit, storedAlbedo } from '../../reconstruct/stored-results';
import { Studio } from '../../services/studio';
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
    const studio = new Studio({ mode: 'cli', version: APP_VERSION, settingsDir: appDataDir() });
    try {
      const project = await studio.openProject(positionals[0]!, { readonly: true });
      const photo = project.library.reads.getPhoto(photoId);
      if (!photo) throw new ApiError('not-found', `No photo with id ${photoId}`);
      const fit = requirePhotoFit(project, photoId, typeof values.pack === 'string' ? values.pack : undefined);
      const rec = fit.reconstruction;
      if (values.shaded === true && !fit.fit.light) throw new ApiError('not-found', `Photo ${photoId} has no lighting estimate: run deca-studio reconstruct --force`);
      const [pack, { image, k }] = await Promise.all([studio.models.pack(rec.packId), studio.photoCache.get(project, photo)]);
      const face = project.library.faces.get(photoId)?.faces[fit.faceIndex];
      const png = await studio.pool.run('render.fit', {
        pack,
        tables: values.shaded === true ? null : await studio.models.tables(pack),
        shape: rec.shape,
        fit: photoFitOf(fit),
        width: image.width,
        height: image.height,
        k,
        style: values.shaded === true ? 'shaded' : 'grey',
        albedo: values.shaded === true ? await storedAlbedo(project, rec.id) : null,
        light: fit.fit.light ?? null,
        background: image,
        opacity,
        markers: values.shaded === true ? null : { photo: face?.landmarks68 ? face.landmarks68.flatMap((q) => [q[0]!, q[1]!]) : null, model: true },
      });
      await fs.writeFile(values.out, png);
      io.out(`Wrote ${path.resolve(values.out)} (${rec.packId}, NME ${fit.metrics.nme.toFixed(4)})`);
      return EXIT.ok;
    } finally {
      await studio.dispose();
    }
  },
};
