import type { HeadRig } from '../../core/api/contract';
import type { Studio } from '../services/studio';
import { DETAIL_NORMAL_SIZE, subjectHeadMesh } from '../reconstruct/reconstruction-views';
import { detailStamp, loadDetail } from '../detail/stored-detail';
import { workerPhotoExpressions } from './photo-expression-source';
import { SubjectNeutrals } from './subject-neutrals';

const b64 = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/**
 * A subject's head as a rig the viewer poses itself (expression sliders, retargeting, clips): the
 * neutral head as the 3D view draws it, plus the rig (their shape baked in, the pack's expression
 * shapes, skeleton, skinning) and, once the detail is solved, its static detail and wrinkle normal
 * maps (the export's, blended by the viewer per pose), and the subject's neutral (`arkitNeutral`) the
 * viewer poses from. Built in a worker once per reconstruction and detail solve; null without a reconstruction.
 *
 * ```ts
 * const rig = await subjectRig(studio, subjectId, 'ict-facekit');
 * ```
 */
export async function subjectRig(studio: Studio, subjectId: number, packId?: string): Promise<HeadRig | null> {
  const mesh = await subjectHeadMesh(studio, subjectId, packId);
  if (!mesh) return null;
  const project = studio.requireProject();
  const rec = project.library.reconstructions.get(mesh.reconstructionId)!;
  // The detail layer rides with the rig (sent once): a new solve has a new stamp, so a new rig.
  const stamp = mesh.hasDetail ? detailStamp(project, rec.id) : null;
  const wire = await studio.views.get(
    `rig:${rec.id}:${stamp ?? 'no-detail'}`,
    async () => {
      const pack = await studio.models.pack(rec.packId);
      const maps = stamp ? (loadDetail(project, rec.id)?.maps ?? null) : null;
      const { rig, cornerVertices, detail } = await studio.pool.run('head.rig', { pack, shape: rec.shape, arkitToExpression: null, detail: maps, textureSize: DETAIL_NORMAL_SIZE });
      const K = rig.expressions.length;
      // ARKit shapes reach a named pack (ICT-FaceKit, the starter head) by name; a PCA pack (FLAME) needs a transfer.
      let mapped = 0;
      for (let a = 0; a < rig.arkitToExpression.length / Math.max(1, K); a++) if (rig.arkitToExpression.subarray(a * K, (a + 1) * K).some((w) => w !== 0)) mapped++;
      return {
        cornerVertices: b64(cornerVertices),
        neutral: b64(rig.neutral),
        triangles: b64(rig.triangles),
        expressions: rig.expressions.map((e) => ({ name: e.name, indices: b64(e.indices), deltas: b64(e.deltas), scale: e.scale })),
        arkitToExpression: b64(rig.arkitToExpression),
        arkitMapped: mapped > 0,
        joints: {
          names: rig.joints.names,
          parents: Array.from(rig.joints.parents),
          regressorRow: b64(rig.joints.regressorRow),
          regressorCol: b64(rig.joints.regressorCol),
          regressorValue: b64(rig.joints.regressorValue),
        },
        skinWeights: b64(rig.skinWeights),
        pose: rig.pose ? rig.pose.map((p) => ({ indices: b64(p.indices), deltas: b64(p.deltas), scale: p.scale })) : null,
        detail: detail
          ? { normal: b64(detail.normal), wrinkles: detail.wrinkles.map((w) => ({ group: w.group, normal: b64(w.normal), drivers: w.drivers, jawOpening: w.jawOpening })) }
          : null,
      };
    },
    (r) =>
      r.neutral.length * 2 + r.skinWeights.length + r.expressions.reduce((s, e) => s + e.indices.length + e.deltas.length, 0) +
      (r.detail ? r.detail.normal.length + r.detail.wrinkles.reduce((s, w) => s + w.normal.length, 0) : 0),
  );
  // The rest the viewer poses from, solved from the subject's photos each time (they may be refitted
  // without a new reconstruction row): a few ms of ARKit solve per photo, in the workers.
  const neutral = await new SubjectNeutrals(project, workerPhotoExpressions(studio.models, studio.pool)).of(subjectId, rec.packId);
  return { mesh, ...wire, arkitNeutral: neutral ? Array.from(neutral) : null };
}
