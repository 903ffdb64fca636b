import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { arkitColumns, arkitModeColumns } from '../../../core/expression/arkit-basis';
import { ARKIT_BLENDSHAPES } from '../../../core/expression/arkit-names';
import { createArkitSolver } from '../../../core/expression/solve-arkit';
import type { HeadModel } from '../../../core/head-model/head-model';
import { importIctFaceKit, zipSourceFiles } from '../../../core/head-model/ict-facekit-import';
import { readZip } from '../../../core/head-model/zip-read';
import { SHARED_DIR } from '../../helpers/temp-dir';

const ZIP = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');
const at = (name: string) => ARKIT_BLENDSHAPES.indexOf(name as (typeof ARKIT_BLENDSHAPES)[number]);
const smile = (w: Float32Array) => w[at('mouthSmileLeft')]! + w[at('mouthSmileRight')]!;

/**
 * ICT-FaceKit splits ARKit's sideless cheekPuff and browInnerUp into halves, and its fits use them
 * unequally (London photos: cheekPuff_L 0.26, cheekPuff_R 0.67 in a neutral 3/4 view). The solve
 * takes the halves as two unknowns and reads their mean as the ARKit weight.
 */
describe.skipIf(!existsSync(ZIP))('ARKit solve of a split shape used unequally (ICT-FaceKit)', () => {
  let ict: HeadModel;
  beforeAll(() => {
    ({ model: ict } = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(ZIP))))));
  }, 120_000);

  it('has a column per half, owned by the ARKit shape, that sum to the whole shape’s column', () => {
    const rows = 3 * ict.vertexCount, read = (row: Float32Array, out: Float64Array) => out.set(row);
    const whole = arkitColumns(ict, rows, read), modes = arkitModeColumns(ict, rows, read);
    expect(modes.owner).toHaveLength(ict.expression.count);
    expect(modes.present).toEqual(whole.present);
    for (const name of ['cheekPuff', 'browInnerUp']) {
      const cols = [...modes.owner.keys()].filter((c) => modes.owner[c] === at(name));
      expect(cols).toHaveLength(2);
      let worst = 0;
      for (let r = 0; r < rows; r++) worst = Math.max(worst, Math.abs(modes.data[cols[0]! * rows + r]! + modes.data[cols[1]! * rows + r]! - whole.data[at(name) * rows + r]!));
      expect(worst).toBeLessThan(1e-9);
    }
  });

  it('reads an uneven cheek puff as cheekPuff at the halves’ mean and not as a one-sided smile, on its own shapes', () => {
    const shape = new Float64Array(ict.shape.count);
    const fitOf = (left: number, right: number) => {
      const expression = new Float64Array(ict.expression.count);
      expression[ict.expression.names.indexOf('cheekPuff_L')] = left;
      expression[ict.expression.names.indexOf('cheekPuff_R')] = right;
      return { expression, jaw: [0, 0, 0] };
    };
    const own = createArkitSolver(ict, null);
    const rows: string[] = [];
    for (const [l, r] of [[0.3, 0.3], [0.26, 0.67], [0.6, 0], [0, 0.6]] as const) {
      const w = own.solve(shape, fitOf(l, r));
      const others = Math.max(...[...w].filter((_, k) => k !== at('cheekPuff')));
      rows.push(`cheekPuff_L ${l} _R ${r}: cheekPuff ${w[at('cheekPuff')]!.toFixed(3)}, mouthSmile L+R ${smile(w).toFixed(3)}, largest other ${others.toFixed(3)}`);
      // The mean of the halves, less the solve's small L1 price (about 0.01).
      expect(Math.abs(w[at('cheekPuff')]! - (l + r) / 2)).toBeLessThan(0.03);
      expect(others).toBeLessThan(0.02);
    }
    console.log(rows.join('\n'));
  }, 60_000);
});
