import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bindDetailCode, buildDetailDecoder, decodeDetail, encodeDetail } from '../core/detail/detail-decoder';
import { withWrinkles } from '../core/detail/detail-stage';
import { detailTexels } from '../core/detail/detail-texels';
import { expressionGroups, groupActivations } from '../core/detail/expression-groups';
import { importIctFaceKit, zipSourceFiles } from '../core/head-model/ict-facekit-import';
import { readZip } from '../core/head-model/zip-read';
import { benchCli, SHARED_DIR } from './bench-cli';
import { timeMedian, type BenchRow, type BenchSuite } from './bench-types';


/**
 * The detail stage as a user waits for it: `deca-studio detail` on one London person's 6 photos on
 * ICT-FaceKit after their coarse reconstruction (the solve alone, and per photo), `deca-studio swap`
 * with a render; and F(δ, ψ, θ_jaw)'s decode, which expression sliders would call live (goal ≤ 5 ms),
 * with a 4-person and a full 128-component code.
 */
export const detailSuite: BenchSuite = {
  name: 'detail',
  async run() {
    const dir = path.join(SHARED_DIR, 'photos/london_frl/p002');
    const ict = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');
    if (!existsSync(dir) || !existsSync(ict)) return [{ group: 'detail', name: 'skipped: ../shared is missing', value: NaN, unit: '' }];
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'deca-bench-detail-'));
    const env = { ...process.env, DECA_STUDIO_HOME: path.join(tmp, 'home') };
    const cli = benchCli(env);
    try {
      cli('packs', 'import', ict);
      const proj = path.join(tmp, 'P.decastudio');
      cli('project', 'create', proj, '--name', 'bench');
      cli('import', proj, '--subject', 'p002', ...readdirSync(dir).filter((f) => /_(front|3quarter)\.jpg$/.test(f)).map((f) => path.join(dir, f)));
      cli('reconstruct', proj, '--subject', 'p002', '--pack', 'ict-facekit');
      const run = cli('detail', proj, '--subject', 'p002', '--pack', 'ict-facekit');
      const stage = Number(/detail: done in ([\d.]+) s/.exec(run.stdout)?.[1] ?? NaN);
      const photos = JSON.parse(cli('photos', proj, '--json').stdout) as { id: number }[];
      const swap = cli('swap', proj, '--photo', String(photos[0]!.id), '--detail-from', String(photos[1]!.id), '--out', path.join(tmp, 'swap.png'));
      const exportMs = (format: string) => cli('export', proj, '--subject', 'p002', '--pack', 'ict-facekit', '--format', format, '--out', path.join(tmp, `p002.${format}`)).ms / 1000;
      const glb = exportMs('glb'), fbx = exportMs('fbx');
      const decode = await decodeTimes(ict);
      return [
        { group: 'detail', name: 'CLI detail, 6 London photos on ICT-FaceKit (coarse stage reused)', value: run.ms / 1000, unit: 's', note: 'process start, photo decode, solve and storing' },
        { group: 'detail', name: 'detail stage (solve, codes, errors) per 6-photo subject', value: stage, unit: 's', note: '320² maps on the ICT-FaceKit atlas (256² on its face tile), 20 k texels, 2 rounds × 100 CG iterations' },
        { group: 'detail', name: 'detail stage per photo', value: stage / 6, unit: 's', note: 'goal ≤ 1.5 s on 2 cores' },
        { group: 'detail', name: 'CLI swap with a render', value: swap.ms / 1000, unit: 's', note: 'both photos measured, the target rendered at 1350²' },
        { group: 'detail', name: 'CLI export GLB with the detail layer', value: glb, unit: 's', note: 'detail normal map 1024², displacement, wrinkle maps; process start included' },
        { group: 'detail', name: 'CLI export FBX with the detail layer', value: fbx, unit: 's', note: 'the same maps as FBX textures and user properties' },
        { group: 'detail', name: 'F(δ, ψ, θ_jaw) decode, 4-person code', value: decode.small, unit: 'ms', note: 'a new code and expression' },
        { group: 'detail', name: 'F(δ, ψ, θ_jaw) decode, 128-value code', value: decode.full, unit: 'ms', note: "DECA's code length; 8 wrinkle groups active" },
        { group: 'detail', name: 'F with the code bound, a new expression', value: decode.bound, unit: 'ms', note: 'goal ≤ 5 ms (live wrinkles under expression sliders); any code length' },
      ] satisfies BenchRow[];
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};

/** Decode time of F on ICT-FaceKit's detail region with made-up people (the time depends on sizes only). */
async function decodeTimes(ict: string): Promise<{ small: number; full: number; bound: number }> {
  const { model } = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(ict)))));
  const texels = detailTexels(model)!, groups = expressionGroups(model), K = texels.texel.length;
  let seed = 7;
  const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296 - 0.5) * 1e-3;
  const person = () => ({ consensus: Float32Array.from({ length: K }, rand), wrinkles: groups.map(() => Float32Array.from({ length: K }, rand)), evidence: groups.map(() => 1) });
  const activations = groupActivations(groups, Float64Array.from({ length: model.expression.count }, () => 0.4), [0.1, 0, 0]);
  const time = (people: number) => {
    const decoder = buildDetailDecoder(Array.from({ length: people }, person));
    const code = encodeDetail(decoder, decoder.basis.subarray(0, K));
    const out = new Float32Array(K);
    return timeMedian(() => decodeDetail(decoder, code, activations, out), 20, 3);
  };
  const decoder = buildDetailDecoder(Array.from({ length: 128 }, person));
  const bound = bindDetailCode(decoder, encodeDetail(decoder, decoder.basis.subarray(0, K)));
  return { small: await time(4), full: await time(128), bound: await timeMedian(() => withWrinkles(bound.statics, bound.wrinkles, activations), 20, 3) };
}
