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

/** What `expressions --saved --json` prints per saved expression. */
export interface SavedExpressionsJsonRow {
  id: number;
  name: string;
  /** All 52 ARKit weights by name, 0…1. */
  arkit: Record<string, number>;
  jawPose: [number, number, number];
  eyePose: { left: [number, number, number]; right: [number, number, number] } | null;
  /** The photo it was kept from; null when made by hand. */
  sourcePhotoId: number | null;
}

/** The largest weights of an expression for people: `mouthSmileLeft 0.80, …`, or `neutral`. */
function topWeights(arkit: ArrayLike<number>): string {
  const top = Array.from(arkit, (w, k) => [ARKIT_BLENDSHAPES[k]!, w] as const).filter(([, w]) => w >= 0.05).sort((a, b) => b[1] - a[1]).slice(0, 6);
  return top.map(([n, w]) => `${n} ${w.toFixed(2)}`).join(', ') || 'neutral';
}

/** `deca-studio expressions <project> [--subject NAME] [--pack ID] [--json]`, and `--saved` for the saved expressions (the names `export --expression` takes). */
export const expressionsCommand: CliCommand = {
  name: 'expressions',
  summary: "Every fitted photo's expression as ARKit's 52 blendshape weights (solved from the fitted geometry, the jaw's motion included) and the jaw joint's rotation on top of them (rest); --saved: the saved expressions",
  usage: 'expressions <project> [--subject NAME] [--pack ID] [--json]\n       expressions <project> --saved [--json]',
  options: { subject: { type: 'string' }, pack: { type: 'string' }, json: { type: 'boolean' }, saved: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new CliUsageError('Give exactly one project folder');
    if (values.saved === true && (values.subject !== undefined || values.pack !== undefined)) throw new CliUsageError('--saved lists the project’s saved expressions: no --subject or --pack');
    const project = await openProject(positionals[0]!, { readonly: true });
    try {
      if (values.saved === true) {
        const saved = project.library.expressions.list();
        if (values.json === true) {
          const rows: SavedExpressionsJsonRow[] = saved.map((e) => ({
            id: e.id,
            name: e.name,
            arkit: Object.fromEntries(ARKIT_BLENDSHAPES.map((n, k) => [n, round6(e.arkit[k] ?? 0)])),
            jawPose: e.jawPose,
            eyePose: e.eyePose,
            sourcePhotoId: e.sourcePhotoId,
          }));
          io.out(JSON.stringify(rows, null, 2));
        } else {
          if (saved.length === 0) io.out('No saved expressions: save one on the studio’s Animate tab');
          for (const e of saved) io.out(`${terminalText(e.name)}  ${topWeights(e.arkit)}  jaw ${e.jawPose[0].toFixed(3)} rad${e.sourcePhotoId === null ? '' : `  (from photo ${e.sourcePhotoId})`}`);
        }
        return EXIT.ok;
      }
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
        const shown = topWeights(r.arkit);
        io.out(`${String(r.photoId).padStart(5)}  ${terminalText(r.subjectName)}  ${terminalText(r.fileName)}  [${r.source!.packId}]  ${shown}  jaw ${r.jawPose[0].toFixed(3)} rad`);
      }
      return EXIT.ok;
    } finally {
      await project.close();
    }
  },
};
