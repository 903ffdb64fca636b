import { ARKIT_BLENDSHAPES } from '../../../core/expression/arkit-names';
import { arkitWeightsByName } from '../../../core/expression/expression-record';
import { photoExpressions } from '../../expression/photo-expressions';
import { openProject } from '../../project/project';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';
import { subjectOption } from '../subject-option';
import { terminalText } from '../terminal-text';

/** What `expressions --json` prints per fitted photo (tests and scripts rely on these keys). */
export interface ExpressionsJsonRow {
  photoId: number;
  subject: string;
  name: string;
  /** All 52 ARKit weights by name, 0…1. */
  arkit: Record<string, number>;
  /** The jaw's axis-angle as fitted (radians). */
  jawPose: [number, number, number];
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** `deca-studio expressions <project> [--subject NAME] [--pack ID] [--json]` */
export const expressionsCommand: CliCommand = {
  name: 'expressions',
  summary: "Every fitted photo's expression as ARKit's 52 blendshape weights (solved from the fitted geometry, the jaw's motion included) and the jaw joint's rotation on top of them (rest)",
  usage: 'expressions <project> [--subject NAME] [--pack ID] [--json]',
  options: { subject: { type: 'string' }, pack: { type: 'string' }, json: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new CliUsageError('Give exactly one project folder');
    const project = await openProject(positionals[0]!, { readonly: true });
    try {
      const subjectId = subjectOption(project, values.subject);
      const records = await photoExpressions(project, { subjectId, packId: typeof values.pack === 'string' ? values.pack : undefined });
      if (values.json === true) {
        const rows: ExpressionsJsonRow[] = records.map((r) => {
          const arkit = arkitWeightsByName(r);
          for (const n of ARKIT_BLENDSHAPES) arkit[n] = round6(arkit[n]);
          return { photoId: r.photoId, subject: r.subjectName, name: r.fileName, arkit, jawPose: [round6(r.jawPose[0]), round6(r.jawPose[1]), round6(r.jawPose[2])] };
        });
        io.out(JSON.stringify(rows, null, 2));
        return EXIT.ok;
      }
      if (records.length === 0) io.out('No fitted photos: run deca-studio reconstruct first');
      for (const r of records) {
        const top = [...r.arkit].map((w, k) => [ARKIT_BLENDSHAPES[k]!, w] as const).filter(([, w]) => w >= 0.05).sort((a, b) => b[1] - a[1]).slice(0, 6);
        const shown = top.map(([n, w]) => `${n} ${w.toFixed(2)}`).join(', ') || 'neutral';
        io.out(`${String(r.photoId).padStart(5)}  ${terminalText(r.subjectName)}  ${terminalText(r.fileName)}  [${r.source!.packId}]  ${shown}  jaw ${r.jawPose[0].toFixed(3)} rad`);
      }
      return EXIT.ok;
    } finally {
      await project.close();
    }
  },
};
