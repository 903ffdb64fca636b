import { ApiError } from '../../../core/api/api-error';
import { openProject } from '../../project/project';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';

/** One photo's row of `metrics --json`. */
export interface PhotoMetrics {
  photoId: number;
  name: string;
  packId: string;
  /** The subject reconstruction the photo's fit belongs to. */
  reconstructionId: number;
  /** Landmark error ÷ outer-eye-corner distance with the subject's shared shape. */
  nme: number;
  /** The same with the photo fitted alone. */
  nmeSingle: number;
  /** RMS of photo − albedo ⊙ SH shading in the face mask, 0…1 colour units; null when not estimated. */
  photometricRms: number | null;
  /** The same with a constant albedo (lighting alone). */
  photometricRmsConstantAlbedo: number | null;
  /** Recognition distance of the textured render (albedo ⊙ shading) to the photo's face; null when not measured. */
  identityDistance: number | null;
  /** After the detail stage: the photometric RMS over the photo's detail texels, coarse and with its own detail; null before. */
  detail: { photometricRmsCoarse: number; photometricRmsDetail: number } | null;
  /**
   * Perception's stored 68 landmarks of the fitted face (image pixels of the upright photo): what the
   * fit was given, unless the photo has been analysed again since; null when no analysis is stored.
   */
  landmarks68: number[][] | null;
  /** The fitted head's 68 landmarks projected with the photo's camera (image pixels); null for fits stored before they were kept. */
  modelLandmarks68: number[][] | null;
}

/** One pack's summary of a subject in `metrics --json`. */
export interface PackMetrics {
  packId: string;
  photos: number;
  meanNme: number;
  meanNmeSingle: number;
  /** How much sharing one shape costs the worst-explained photo. */
  worstSharedShapeIncrease: number;
}

/** What `metrics --json` prints. */
export interface MetricsReport {
  subjects: { subjectId: number; name: string; packs: PackMetrics[]; photos: PhotoMetrics[] }[];
}

/** `deca-studio metrics <project> [--subject NAME] [--pack ID] [--json]` */
export const metricsCommand: CliCommand = {
  name: 'metrics',
  summary: 'Reconstruction quality: per photo landmark error (normalised by the outer-eye-corner distance), per subject how well the shared shape explains every photo',
  usage: 'metrics <project> [--subject NAME] [--pack ID] [--json]',
  options: { subject: { type: 'string' }, pack: { type: 'string' }, json: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new CliUsageError('Give exactly one project folder');
    const project = await openProject(positionals[0]!, { readonly: true });
    try {
      const reads = project.library.reads;
      let subjects = reads.listSubjects();
      if (typeof values.subject === 'string') {
        const s = reads.findSubjectByName(values.subject);
        if (!s) throw new ApiError('not-found', `No subject named "${values.subject}"`);
        subjects = [s];
      }
      const pack = typeof values.pack === 'string' ? values.pack : undefined;
      const fits = project.library.reconstructions.latestFits().filter((f) => pack === undefined || f.reconstruction.packId === pack);
      const photoSubject = new Map(reads.listPhotos().map((p) => [p.id, p]));
      const report: MetricsReport['subjects'] = subjects.map((s) => {
        const photos: PhotoMetrics[] = fits
          .filter((f) => photoSubject.get(f.photoId)?.subjectId === s.id)
          .map((f) => ({
            photoId: f.photoId,
            name: photoSubject.get(f.photoId)!.originalName,
            packId: f.reconstruction.packId,
            reconstructionId: f.reconstructionId,
            nme: f.metrics.nme,
            nmeSingle: f.metrics.nmeSingle,
            photometricRms: f.metrics.photometricRms ?? null,
            photometricRmsConstantAlbedo: f.metrics.photometricRmsConstantAlbedo ?? null,
            identityDistance: f.metrics.identityDistance ?? null,
            detail: f.metrics.detail ?? null,
            landmarks68: project.library.faces.get(f.photoId)?.faces[f.faceIndex]?.landmarks68 ?? null,
            modelLandmarks68: f.fit.modelLandmarks68 ?? null,
          }));
        const packs = [...new Set(photos.map((p) => p.packId))].map((packId): PackMetrics => {
          const ps = photos.filter((p) => p.packId === packId);
          const mean = (f: (p: PhotoMetrics) => number) => ps.reduce((a, p) => a + f(p), 0) / ps.length;
          return {
            packId,
            photos: ps.length,
            meanNme: mean((p) => p.nme),
            meanNmeSingle: mean((p) => p.nmeSingle),
            worstSharedShapeIncrease: Math.max(...ps.map((p) => p.nme - p.nmeSingle)),
          };
        });
        return { subjectId: s.id, name: s.name, packs, photos };
      });
      if (values.json) {
        io.out(JSON.stringify({ subjects: report }, null, 2));
        return EXIT.ok;
      }
      for (const s of report) {
        io.out(`${s.name}`);
        for (const p of s.packs) io.out(`  ${p.packId}: ${p.photos} photos, mean NME ${p.meanNme.toFixed(4)} shared shape, ${p.meanNmeSingle.toFixed(4)} alone, worst increase ${p.worstSharedShapeIncrease.toFixed(4)}`);
        for (const p of s.photos) io.out(`    ${String(p.photoId).padStart(5)} ${p.packId.padEnd(14)} NME ${p.nme.toFixed(4)} (alone ${p.nmeSingle.toFixed(4)})${p.photometricRms === null ? '' : `, photometric RMS ${p.photometricRms.toFixed(3)}`}${p.identityDistance === null ? '' : `, identity ${p.identityDistance.toFixed(3)}`}${p.detail ? `, detail ${p.detail.photometricRmsCoarse.toFixed(3)} → ${p.detail.photometricRmsDetail.toFixed(3)}` : ''}  ${p.name}`);
      }
      return EXIT.ok;
    } finally {
      await project.close();
    }
  },
};
