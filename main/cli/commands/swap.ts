import { promises as fs } from 'node:fs';
import path from 'node:path';
import { APP_VERSION, appDataDir } from '../../app-paths';
import { swapDetail } from '../../detail/swap-detail';
import { Studio } from '../../services/studio';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';

/** `deca-studio swap <project> --photo ID --detail-from ID [--pack ID] [--out render.png] [--json]` */
export const swapCommand: CliCommand = {
  name: 'swap',
  summary: 'Render a photo with the detail code of another photo (same person or not) and measure the photometric error: coarse, own detail, swapped detail',
  usage: 'swap <project> --photo ID --detail-from ID [--pack ID] [--out render.png] [--json]',
  options: { photo: { type: 'string' }, 'detail-from': { type: 'string' }, pack: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new CliUsageError('Give exactly one project folder');
    const photoId = Number(values.photo), fromPhotoId = Number(values['detail-from']);
    if (!Number.isInteger(photoId) || photoId <= 0) throw new CliUsageError('Give --photo ID (see: deca-studio photos <project>)');
    if (!Number.isInteger(fromPhotoId) || fromPhotoId <= 0) throw new CliUsageError('Give --detail-from ID, the photo whose detail code is swapped in');
    if (values.out !== undefined && (typeof values.out !== 'string' || !values.out.toLowerCase().endsWith('.png'))) throw new CliUsageError('--out must name a .png file');
    const studio = new Studio({ mode: 'cli', version: APP_VERSION, settingsDir: appDataDir() });
    try {
      const project = await studio.openProject(positionals[0]!, { readonly: true });
      const r = await swapDetail(studio, project, { photoId, fromPhotoId, packId: typeof values.pack === 'string' ? values.pack : undefined, render: typeof values.out === 'string' });
      if (r.png && typeof values.out === 'string') await fs.writeFile(values.out, r.png);
      if (values.json === true) {
        io.out(JSON.stringify({ photo: r.photo, detailFrom: r.detailFrom, samePerson: r.samePerson, photometricRms: r.photometricRms }));
      } else {
        const { coarse, own, swapped } = r.photometricRms;
        io.out(`Photo ${r.photo} with the detail of photo ${r.detailFrom} (${r.samePerson ? 'same person' : 'another person'}): photometric RMS coarse ${coarse.toFixed(4)}, own detail ${own.toFixed(4)}, swapped ${swapped.toFixed(4)}`);
        if (typeof values.out === 'string') io.out(`Wrote ${path.resolve(values.out)}`);
      }
      return EXIT.ok;
    } finally {
      await studio.dispose();
    }
  },
};
