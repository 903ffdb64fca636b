import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HeadModel } from '../core/head-model/head-model';
import { HeadModelEvaluator, type HeadModelEvaluatorOptions } from '../core/head-model/head-model-evaluator';
import { importIctFaceKit, zipSourceFiles } from '../core/head-model/ict-facekit-import';
import { syntheticHeadModel } from '../core/head-model/synthetic-head-model';
import { readZip } from '../core/head-model/zip-read';
import { PackStore } from '../main/packs/pack-store';
import { timeMedian, type BenchRow, type BenchSuite } from './bench-types';

const SHARED = process.env.DECA_SHARED_DIR ?? path.resolve(process.cwd(), '../shared');
const ICT_ZIP = path.join(SHARED, 'models/ICT-FaceKit-master.zip');

/** Forward-model timings (full: new β every call; per frame: fixed identity, new ψ and θ). */
function evaluationRows(label: string, model: HeadModel, goal: string, options: Partial<HeadModelEvaluatorOptions> = {}): BenchRow[] {
  const ev = new HeadModelEvaluator(model, options);
  const J = model.joints.names.length;
  const betas = [0, 1].map((s) => Float64Array.from({ length: model.shape.count }, (_, i) => Math.sin(i + s)));
  const psi = Float64Array.from({ length: model.expression.count }, (_, i) => 0.5 * Math.cos(i));
  const theta = Float64Array.from({ length: J * 3 }, (_, i) => 0.1 * Math.sin(3 * i));
  let flip = 0;
  const full = () => ev.evaluate({ shape: betas[(flip ^= 1)], expression: psi, pose: theta });
  const frame = () => ev.evaluate({ shape: betas[0], expression: psi, pose: theta });
  const size = `${model.vertexCount} v, ${model.shape.count}+${model.expression.count} bases${model.pose ? ', 36 pose correctives' : ''}`;
  return [
    { group: 'head model', name: `evaluate ${label}, full (β, ψ, θ, normals, landmarks)`, value: timeMedian_sync(full), unit: 'ms', note: `${size}; goal ${goal}; median of 30, one core` },
    { group: 'head model', name: `evaluate ${label}, per frame (fixed β)`, value: timeMedian_sync(frame), unit: 'ms', note: `${size}; median of 30` },
  ];
}

function timeMedian_sync(fn: () => unknown, runs = 30, warmup = 5): number {
  for (let i = 0; i < warmup; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return t.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

/** FLAME-size and ICT-size evaluation, ICT import and pack load. */
export const headModelSuite: BenchSuite = {
  name: 'head-model',
  async run() {
    const rows: BenchRow[] = [];
    const flameSize = syntheticHeadModel({ vertices: 5023, shapeCount: 100, expressionCount: 50, poseCorrectives: true });
    rows.push(...evaluationRows('FLAME-size', flameSize, '≤ 1 ms'));
    rows.push(...evaluationRows('FLAME-size, scalar JS (no SIMD)', flameSize, '≤ 1 ms', { simd: false }));
    if (!existsSync(ICT_ZIP)) {
      rows.push(...evaluationRows('ICT-size (synthetic)', syntheticHeadModel({ vertices: 26719, shapeCount: 100, expressionCount: 53, poseCorrectives: false }), '≤ 10 ms'));
      return rows;
    }
    const t0 = performance.now();
    const { model } = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(ICT_ZIP)))));
    rows.push({ group: 'head model', name: 'ICT-FaceKit import from zip (154 OBJ)', value: performance.now() - t0, unit: 'ms', note: '120 MB zip, once' });
    rows.push(...evaluationRows('ICT-FaceKit', model, '≤ 10 ms'));
    rows.push(...evaluationRows('ICT-FaceKit, int16 bases', model, '≤ 10 ms', { basisPrecision: 'int16' }));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'deca-bench-packs-'));
    try {
      const store = new PackStore(dir);
      await store.save(model);
      const loadMs = await timeMedian(() => store.load('ict-facekit'), 5, 1);
      const mib = (await store.list())[0]!.bytes / 2 ** 20;
      rows.push({ group: 'head model', name: 'pack load ict-facekit (read, SHA-256, decode)', value: loadMs, unit: 'ms', note: `${mib.toFixed(1)} MiB, 153 bases; goal < 1000 ms; median of 5` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return rows;
  },
};
