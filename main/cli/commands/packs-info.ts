import { installedPackStore } from '../../packs/starter-pack';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';

/** `deca-studio packs info <id> [--json]` */
export const packsInfoCommand: CliCommand = {
  name: 'packs info',
  summary: 'Show a pack: counts, basis sizes, joints, expression names',
  usage: 'packs info <id> [--json]',
  options: { json: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new CliUsageError('Give one pack id');
    const m = await (await installedPackStore()).readManifest(positionals[0]!);
    const info = {
      id: m.id,
      name: m.name,
      source: m.source,
      license: m.license,
      formatVersion: m.formatVersion,
      vertexCount: m.vertexCount,
      triangleCount: m.triangleCount,
      shapeCount: m.shapeCount,
      expressionCount: m.expressionCount,
      poseCorrectiveCount: m.poseCount,
      landmarkCount: m.landmarkCount,
      jointNames: m.jointNames,
      jointParents: m.jointParents,
      expressionNames: m.expressionNames,
      regions: m.regions,
      arrays: Object.fromEntries(Object.entries(m.arrays).map(([k, a]) => [k, { dtype: a.dtype, length: a.length }])),
    };
    if (values.json) io.out(JSON.stringify(info, null, 2));
    else {
      io.out(`${m.name} (${m.id}), ${m.license}`);
      io.out(`${m.vertexCount} vertices, ${m.triangleCount} triangles, ${m.landmarkCount} landmarks`);
      io.out(`bases: ${m.shapeCount} shape, ${m.expressionCount} expression, ${m.poseCount} pose-corrective`);
      io.out(`joints: ${m.jointNames.join(', ')}`);
      if (m.expressionNames.length) io.out(`expressions: ${m.expressionNames.join(', ')}`);
    }
    return EXIT.ok;
  },
};
